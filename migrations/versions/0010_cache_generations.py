"""cache_generations: the number every cached page is keyed by (forum/pagecache.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 03:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'cache_generations',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_generations')),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(table, [{'name': 'pages', 'value': 0, 'changed_at': now}])


def downgrade():
    op.drop_table('cache_generations')
