"""search_log, search_clicks, need_questions, faq_entries: the self-learning FAQ

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('terms', sa.String(length=500), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log'))
    )
    op.create_index(op.f('ix_search_log_terms'), 'search_log', ['terms'], unique=False)
    op.create_index(op.f('ix_search_log_created_at'), 'search_log', ['created_at'], unique=False)
    op.create_table('search_clicks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['search_id'], ['search_log.id'], name=op.f('fk_search_clicks_search_id_search_log'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_clicks')),
    sa.UniqueConstraint('search_id', 'post_id', name=op.f('uq_search_clicks_search_id_post_id'))
    )
    op.create_index(op.f('ix_search_clicks_post_id'), 'search_clicks', ['post_id'], unique=False)
    op.create_table('need_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.String(length=500), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['posts.id'], name=op.f('fk_need_questions_question_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_questions')),
    sa.UniqueConstraint('terms', name=op.f('uq_need_questions_terms'))
    )
    op.create_index(op.f('ix_need_questions_question_id'), 'need_questions', ['question_id'], unique=False)
    op.create_table('faq_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('demand', sa.Float(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['posts.id'], name=op.f('fk_faq_entries_answer_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['posts.id'], name=op.f('fk_faq_entries_question_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries')),
    sa.UniqueConstraint('question_id', name=op.f('uq_faq_entries_question_id'))
    )
    op.create_index(op.f('ix_faq_entries_answer_id'), 'faq_entries', ['answer_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_faq_entries_answer_id'), table_name='faq_entries')
    op.drop_table('faq_entries')
    op.drop_index(op.f('ix_need_questions_question_id'), table_name='need_questions')
    op.drop_table('need_questions')
    op.drop_index(op.f('ix_search_clicks_post_id'), table_name='search_clicks')
    op.drop_table('search_clicks')
    op.drop_index(op.f('ix_search_log_created_at'), table_name='search_log')
    op.drop_index(op.f('ix_search_log_terms'), table_name='search_log')
    op.drop_table('search_log')
