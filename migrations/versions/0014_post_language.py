"""posts.language: the language a question or answer is written in; null when unknown

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # A SQLite downgrade leaves the column in place (see downgrade): then there is nothing to add.
    if 'language' in {column['name'] for column in sa.inspect(op.get_bind()).get_columns('posts')}:
        return
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    # SQLite drops a column by rebuilding the table, which the foreign keys from votes,
    # comments, revisions and posts themselves refuse while they hold rows: there the
    # unused, nullable column stays.
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('language')
