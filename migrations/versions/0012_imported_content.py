"""posts and comments: where imported content came from (forum/importers/)

Posts get the site and id they had on the site they were imported from,
whom that site credits, the address of the original and the score its votes
there brought; comments get the site and id. A unique index on (site, id)
is what makes a second import of the same dump add nothing. Every column is
nullable or has a server default, so adding them is a plain ALTER TABLE
ADD COLUMN on SQLite and on PostgreSQL, with no table rebuild.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('posts', sa.Column('imported_site', sa.String(length=40), nullable=True))
    op.add_column('posts', sa.Column('imported_id', sa.Integer(), nullable=True))
    op.add_column('posts', sa.Column('imported_author', sa.String(length=100), nullable=True))
    op.add_column('posts', sa.Column('imported_url', sa.String(length=300), nullable=True))
    op.add_column(
        'posts', sa.Column('imported_score', sa.Integer(), nullable=False, server_default='0')
    )
    op.create_index('uq_posts_imported', 'posts', ['imported_site', 'imported_id'], unique=True)
    op.add_column('comments', sa.Column('imported_site', sa.String(length=40), nullable=True))
    op.add_column('comments', sa.Column('imported_id', sa.Integer(), nullable=True))
    op.create_index(
        'uq_comments_imported', 'comments', ['imported_site', 'imported_id'], unique=True
    )


def downgrade():
    # SQLite (3.35 and later) drops a column in place once no index names it.
    op.drop_index('uq_comments_imported', table_name='comments')
    op.drop_column('comments', 'imported_id')
    op.drop_column('comments', 'imported_site')
    op.drop_index('uq_posts_imported', table_name='posts')
    for column in ('imported_score', 'imported_url', 'imported_author', 'imported_id', 'imported_site'):
        op.drop_column('posts', column)
