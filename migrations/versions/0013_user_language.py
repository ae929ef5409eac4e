"""users.language: the interface language a user chose (forum/i18n.py); null follows the browser

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # A SQLite downgrade leaves the column in place (see downgrade): then there is nothing to add.
    if 'language' in {column['name'] for column in sa.inspect(op.get_bind()).get_columns('users')}:
        return
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    # SQLite drops a column by rebuilding the table, which its foreign keys from posts,
    # votes and the rest refuse while they hold rows: there the unused, nullable column stays.
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
