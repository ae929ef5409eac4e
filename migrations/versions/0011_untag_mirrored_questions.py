"""untag mirrored questions: the `twitter` tag leaves questions mirrored from X

A question's `source` says where it came from (`/questions?source=twitter`,
`source:twitter` in search), so the mirror no longer tags its questions
`twitter`. This takes the tag off every question whose source is
"twitter", keeps the tag's question count true for the questions that still
carry it (asked on the web about Twitter), and drops the tag when none do.
Anonymous pages are cached per page generation: it moves, so no cached list
still shows the tag. The search index keeps the old tags until `flask forum
search rebuild` (which this release needs anyway, for its `source` field).

Downgrading leaves the data as it is: which questions were tagged by the
mirror and which by people is not known any more.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TAG = 'twitter'

tags = sa.table('tags', sa.column('id', sa.Integer), sa.column('name', sa.String),
                sa.column('question_count', sa.Integer))
posts = sa.table('posts', sa.column('id', sa.Integer), sa.column('source', sa.String),
                 sa.column('deleted_at', sa.DateTime))
post_tags = sa.table('post_tags', sa.column('post_id', sa.Integer), sa.column('tag_id', sa.Integer))
cache_generations = sa.table('cache_generations', sa.column('name', sa.String),
                             sa.column('value', sa.Integer), sa.column('changed_at', sa.DateTime))


def upgrade():
    connection = op.get_bind()
    tag_id = connection.scalar(sa.select(tags.c.id).where(tags.c.name == TAG))
    if tag_id is None:
        return
    mirrored = sa.select(posts.c.id).where(posts.c.source == 'twitter')
    connection.execute(
        post_tags.delete().where(post_tags.c.tag_id == tag_id, post_tags.c.post_id.in_(mirrored))
    )
    still_tagged = sa.select(sa.func.count()).select_from(post_tags).where(post_tags.c.tag_id == tag_id)
    if connection.scalar(still_tagged) == 0:
        connection.execute(tags.delete().where(tags.c.id == tag_id))
    else:
        # As `flask forum counts recompute` counts: the live questions that carry the tag.
        live = (
            sa.select(sa.func.count())
            .select_from(post_tags.join(posts, posts.c.id == post_tags.c.post_id))
            .where(post_tags.c.tag_id == tag_id, posts.c.deleted_at.is_(None))
            .scalar_subquery()
        )
        connection.execute(tags.update().where(tags.c.id == tag_id).values(question_count=live))
    connection.execute(
        cache_generations.update()
        .where(cache_generations.c.name == 'pages')
        .values(value=cache_generations.c.value + 1,
                changed_at=datetime.now(timezone.utc).replace(tzinfo=None))
    )


def downgrade():
    pass
