"""Deflected asks: someone on the ask page opened a suggested similar question (forum/services/deflection.py).

Like the search log, nothing here names a person: `visitor` is the search
log's daily keyed hash (forum/visitors.py), and no address is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum import clock
from forum.extensions import Model


class AskAttempt(Model):
    """One visit to the ask page that opened suggestions: the opens of one visitor, each within
    30 minutes of the one before; `asked_at` is set when that visitor then posted a question."""

    __tablename__ = "ask_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor: Mapped[str] = mapped_column(String(64), index=True)
    # The first suggestion opened; no foreign key, so the figure outlives a deleted post.
    post_id: Mapped[int]
    opens: Mapped[int] = mapped_column(default=1)
    first_opened_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    last_opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    asked_at: Mapped[datetime | None]
