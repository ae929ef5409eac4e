"""twitter mirror: external identities, mirrored tweets, cursors, errors, reply outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=40), nullable=False),
    sa.Column('handle', sa.String(length=50), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_brand', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_external_identities_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_identities_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identities')),
    sa.UniqueConstraint('provider', 'external_id', name='uq_external_identities_provider_external_id')
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identities_claimed_by_id'), ['claimed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_external_identities_user_id'), ['user_id'], unique=False)
    op.create_index('ix_external_identities_provider_handle', 'external_identities',
                    ['provider', sa.text('lower(handle)')], unique=False)

    op.create_table('mirror_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('since_id', sa.BigInteger(), nullable=True),
    sa.Column('last_poll_at', sa.DateTime(), nullable=True),
    sa.Column('last_poll_status', sa.String(length=300), nullable=False),
    sa.Column('last_deletion_check_at', sa.DateTime(), nullable=True),
    sa.Column('rate_limit_limit', sa.Integer(), nullable=True),
    sa.Column('rate_limit_remaining', sa.Integer(), nullable=True),
    sa.Column('rate_limit_reset_at', sa.DateTime(), nullable=True),
    sa.Column('rate_limited_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mirror_cursors')),
    sa.UniqueConstraint('source', name=op.f('uq_mirror_cursors_source'))
    )

    op.create_table('mirror_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mirror_errors'))
    )
    with op.batch_alter_table('mirror_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mirror_errors_at'), ['at'], unique=False)

    op.create_table('mirrored_tweets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tweet_id', sa.BigInteger(), nullable=False),
    sa.Column('conversation_id', sa.BigInteger(), nullable=False),
    sa.Column('in_reply_to_tweet_id', sa.BigInteger(), nullable=True),
    sa.Column('identity_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('skip_reason', sa.String(length=120), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=200), nullable=False),
    sa.Column('tweet_created_at', sa.DateTime(), nullable=True),
    sa.Column('mirrored_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_mirrored_tweets_comment_id_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['identity_id'], ['external_identities.id'], name=op.f('fk_mirrored_tweets_identity_id_external_identities')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_mirrored_tweets_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['posts.id'], name=op.f('fk_mirrored_tweets_question_id_posts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mirrored_tweets')),
    sa.UniqueConstraint('tweet_id', name=op.f('uq_mirrored_tweets_tweet_id'))
    )
    with op.batch_alter_table('mirrored_tweets', schema=None) as batch_op:
        batch_op.create_index('ix_mirrored_tweets_conversation_kind', ['conversation_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_mirrored_tweets_identity_id'), ['identity_id'], unique=False)
        batch_op.create_index('ix_mirrored_tweets_mirrored_at', ['mirrored_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mirrored_tweets_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mirrored_tweets_question_id'), ['question_id'], unique=False)
        batch_op.create_index('ix_mirrored_tweets_tweet_created', ['tweet_created_at'], unique=False)

    op.create_table('reply_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('in_reply_to_tweet_id', sa.BigInteger(), nullable=False),
    sa.Column('conversation_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('tweet_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['posts.id'], name=op.f('fk_reply_outbox_answer_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_outbox')),
    sa.UniqueConstraint('answer_id', name=op.f('uq_reply_outbox_answer_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_reply_outbox_idempotency_key'))
    )
    with op.batch_alter_table('reply_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_outbox_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('reply_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_outbox_status'))
    op.drop_table('reply_outbox')
    with op.batch_alter_table('mirrored_tweets', schema=None) as batch_op:
        batch_op.drop_index('ix_mirrored_tweets_tweet_created')
        batch_op.drop_index(batch_op.f('ix_mirrored_tweets_question_id'))
        batch_op.drop_index(batch_op.f('ix_mirrored_tweets_post_id'))
        batch_op.drop_index('ix_mirrored_tweets_mirrored_at')
        batch_op.drop_index(batch_op.f('ix_mirrored_tweets_identity_id'))
        batch_op.drop_index('ix_mirrored_tweets_conversation_kind')
    op.drop_table('mirrored_tweets')
    with op.batch_alter_table('mirror_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mirror_errors_at'))
    op.drop_table('mirror_errors')
    op.drop_table('mirror_cursors')
    op.drop_index('ix_external_identities_provider_handle', table_name='external_identities')
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identities_user_id'))
        batch_op.drop_index(batch_op.f('ix_external_identities_claimed_by_id'))
    op.drop_table('external_identities')
