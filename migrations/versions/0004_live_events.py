"""live events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('rooms', sa.String(length=200), nullable=False),
    sa.Column('staff_only', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_events')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('live_events', schema=None) as batch_op:
        batch_op.create_index('ix_live_events_question_id', ['question_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('live_events', schema=None) as batch_op:
        batch_op.drop_index('ix_live_events_question_id')

    op.drop_table('live_events')
