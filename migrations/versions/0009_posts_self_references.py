"""posts: the two foreign keys to posts that PostgreSQL never got

0001 declares posts.accepted_answer_id and posts.duplicate_of_id as
use_alter foreign keys. Inside op.create_table a database that can ALTER
(PostgreSQL) leaves such a key out of CREATE TABLE and expects an ALTER
afterwards, which 0001 never ran; SQLite cannot ALTER, so it wrote them
inline. This adds whichever of the two a database lacks. Before adding one,
ids that point at no post are cleared, which is what ON DELETE SET NULL
would have done had the key been there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# name, column, ON DELETE (as 0001 and forum/models/post.py declare them)
SELF_REFERENCES = (
    ('fk_posts_accepted_answer_id_posts', 'accepted_answer_id', 'SET NULL'),
    ('fk_posts_duplicate_of_id_posts', 'duplicate_of_id', None),
)


def upgrade():
    bind = op.get_bind()
    present = {key['name'] for key in sa.inspect(bind).get_foreign_keys('posts')}
    for name, column, ondelete in SELF_REFERENCES:
        if name in present:
            continue
        op.execute(
            f'UPDATE posts SET {column} = NULL WHERE {column} IS NOT NULL '
            f'AND NOT EXISTS (SELECT 1 FROM posts AS target WHERE target.id = posts.{column})'
        )
        op.create_foreign_key(name, 'posts', 'posts', [column], ['id'], ondelete=ondelete)


def downgrade():
    # Back to what 0001 leaves: the keys exist only where CREATE TABLE wrote them inline.
    if op.get_bind().dialect.supports_alter:
        for name, _column, _ondelete in SELF_REFERENCES:
            op.drop_constraint(name, 'posts', type_='foreignkey')
