"""ask_attempts: suggestions opened on the ask page, for the deflected-asks figure

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ask_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Integer(), nullable=False),
    sa.Column('first_opened_at', sa.DateTime(), nullable=False),
    sa.Column('last_opened_at', sa.DateTime(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ask_attempts'))
    )
    op.create_index(op.f('ix_ask_attempts_visitor'), 'ask_attempts', ['visitor'], unique=False)
    op.create_index(op.f('ix_ask_attempts_first_opened_at'), 'ask_attempts', ['first_opened_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ask_attempts_first_opened_at'), table_name='ask_attempts')
    op.drop_index(op.f('ix_ask_attempts_visitor'), table_name='ask_attempts')
    op.drop_table('ask_attempts')
