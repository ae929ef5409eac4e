"""Votes and the reputation ledger.

A user's reputation is max(1, 1 + sum of their ledger rows); `users.reputation`
is only a cache of that sum. Rows are never updated: undoing something writes
a reversing row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum import clock
from forum.extensions import Model
from forum.models.post import Post
from forum.models.user import User


class Vote(Model):
    """One user's current vote on one post (the unique constraint makes it one)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_is_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)

    post: Mapped[Post] = relationship()
    user: Mapped[User] = relationship()


class ReputationEvent(Model):
    """One change of one user's reputation, with why."""

    __tablename__ = "reputation_events"
    __table_args__ = (Index("ix_reputation_events_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    vote_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # False for points that show on the profile but unlock no privilege: an accept by an
    # asker who could be a sock puppet (see services/acceptance.py).
    counts_for_privileges: Mapped[bool] = mapped_column(default=True, server_default=true())

    user: Mapped[User] = relationship()
    post: Mapped[Post | None] = relationship()
