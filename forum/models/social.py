"""The Twitter mirror's tables: external identities, mirrored tweets, the
polling cursor with its rate-limit state, the mirror's error log, and the
reply-back outbox.

A tweet is mirrored once: `mirrored_tweets.tweet_id` is unique, and the
cursor's `since_id` moves in the same transaction as each mirrored tweet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum import clock
from forum.extensions import Model
from forum.models.post import Comment, Post
from forum.models.user import User


class ExternalIdentity(Model):
    """An account on another network (provider `twitter`) and the forum user that speaks for it.

    `user` is the password-less forum account created for the handle; when a
    member claims the identity, `claimed_by` is that member and the
    identity's posts move to them.
    """

    __tablename__ = "external_identities"
    __table_args__ = (
        UniqueConstraint("provider", "external_id", name="uq_external_identities_provider_external_id"),
        Index("ix_external_identities_provider_handle", "provider", text("lower(handle)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(40))
    handle: Mapped[str] = mapped_column(String(50))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_brand: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])

    @property
    def speaking_user_id(self) -> int:
        """The forum user whose name new mirrored posts carry."""
        return self.claimed_by_id or self.user_id


class MirroredTweet(Model):
    """One tweet seen by the mirror and what it became (or why it became nothing)."""

    __tablename__ = "mirrored_tweets"
    __table_args__ = (
        Index("ix_mirrored_tweets_conversation_kind", "conversation_id", "kind"),
        Index("ix_mirrored_tweets_tweet_created", "tweet_created_at"),
        Index("ix_mirrored_tweets_mirrored_at", "mirrored_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tweet_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    conversation_id: Mapped[int] = mapped_column(BigInteger)
    in_reply_to_tweet_id: Mapped[int | None] = mapped_column(BigInteger)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("external_identities.id"), index=True)
    # "question", "answer", "comment" or "skipped"
    kind: Mapped[str] = mapped_column(String(10))
    skip_reason: Mapped[str | None] = mapped_column(String(120))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(200))
    tweet_created_at: Mapped[datetime | None]
    mirrored_at: Mapped[datetime] = mapped_column(default=clock.now)
    source: Mapped[str] = mapped_column(String(200), default="")
    deleted_at: Mapped[datetime | None]

    identity: Mapped[ExternalIdentity | None] = relationship()
    post: Mapped[Post | None] = relationship(foreign_keys=[post_id])
    comment: Mapped[Comment | None] = relationship()
    question: Mapped[Post | None] = relationship(foreign_keys=[question_id])


class MirrorCursor(Model):
    """Where one source (an API query or a recorded file) stopped, and how its last poll went."""

    __tablename__ = "mirror_cursors"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), unique=True)
    since_id: Mapped[int | None] = mapped_column(BigInteger)
    last_poll_at: Mapped[datetime | None]
    last_poll_status: Mapped[str] = mapped_column(String(300), default="")
    last_deletion_check_at: Mapped[datetime | None]
    rate_limit_limit: Mapped[int | None]
    rate_limit_remaining: Mapped[int | None]
    rate_limit_reset_at: Mapped[datetime | None]
    rate_limited_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)


class MirrorError(Model):
    """Something that went wrong in the mirror, kept for the admin page."""

    __tablename__ = "mirror_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(String(500))


class ReplyOutbox(Model):
    """A staff answer waiting to be posted as a reply tweet.

    One row per answer (unique), so an answer is never queued twice; the
    row's state says whether a send may have reached X (`sending`), in which
    case the next attempt first looks for the reply before posting again.
    """

    __tablename__ = "reply_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    in_reply_to_tweet_id: Mapped[int] = mapped_column(BigInteger)
    conversation_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(Text)
    # "pending", "sending" (outcome unknown), "failed" (will retry), "sent", "abandoned"
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    tweet_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]

    answer: Mapped[Post] = relationship()
