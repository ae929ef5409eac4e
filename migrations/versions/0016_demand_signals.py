"""question_views, helped_votes, posts.helped_count: demand signals on solutions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["posts.id"],
            name=op.f("fk_question_views_question_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_views")),
        sa.UniqueConstraint(
            "question_id", "visitor", "day", name=op.f("uq_question_views_question_id_visitor_day")
        ),
    )
    op.create_index(op.f("ix_question_views_question_id"), "question_views", ["question_id"], unique=False)
    op.create_index(op.f("ix_question_views_created_at"), "question_views", ["created_at"], unique=False)
    op.create_table(
        "helped_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=64), nullable=False),
        sa.Column("helped", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["posts.id"], name=op.f("fk_helped_votes_answer_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helped_votes")),
        sa.UniqueConstraint("answer_id", "voter", name=op.f("uq_helped_votes_answer_id_voter")),
    )
    op.create_index(op.f("ix_helped_votes_created_at"), "helped_votes", ["created_at"], unique=False)
    # A SQLite downgrade leaves the columns in place (see downgrade): then there is nothing to add.
    if "helped_count" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("posts")}:
        return
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("helped_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("not_helped_count", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    op.drop_index(op.f("ix_helped_votes_created_at"), table_name="helped_votes")
    op.drop_table("helped_votes")
    op.drop_index(op.f("ix_question_views_created_at"), table_name="question_views")
    op.drop_index(op.f("ix_question_views_question_id"), table_name="question_views")
    op.drop_table("question_views")
    # SQLite drops a column by rebuilding the table, which would take the rows that refer to
    # posts with it (as in 0014): there the two counts, defaulting to 0, stay.
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("not_helped_count")
        batch_op.drop_column("helped_count")
