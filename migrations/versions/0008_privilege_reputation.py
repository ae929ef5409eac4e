"""reputation_events.counts_for_privileges: accepts by new askers unlock no privilege

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reputation_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_for_privileges', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('reputation_events', schema=None) as batch_op:
        batch_op.drop_column('counts_for_privileges')
