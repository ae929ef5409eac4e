"""users.session_version: a log-out ends the user's sessions and remember-me cookies everywhere

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    # On SQLite the batch rebuilds users, and a rebuild cannot carry an expression
    # index over: take it down first and put it back after.
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
