"""faq_curation: staff's pin, hide and title for an FAQ entry, kept apart from faq_entries

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-12 10:00:00.000000

`flask forum faq refresh` rewrites faq_entries whole; staff's choices live in
their own table, one row per question, so that every refresh keeps them.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq_curation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["posts.id"], name=op.f("fk_faq_curation_question_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_faq_curation_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_curation")),
        sa.UniqueConstraint("question_id", name=op.f("uq_faq_curation_question_id")),
    )


def downgrade():
    op.drop_table("faq_curation")
