"""Stored live events: what the /live Socket.IO namespace broadcast, in order.

Each row is written in the transaction that made the change and emitted
after it commits; `GET /api/v1/feed?after=N` replays them for a client that
missed some. Ids increase in commit order (see forum/live/events.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum import clock
from forum.extensions import Model


class LiveEvent(Model):
    __tablename__ = "live_events"
    # AUTOINCREMENT so SQLite never hands out an id twice, even after pruning.
    __table_args__ = (
        Index("ix_live_events_question_id", "question_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    question_id: Mapped[int | None]
    # Space-separated Socket.IO rooms, e.g. "feed question:12".
    rooms: Mapped[str] = mapped_column(String(200))
    # Only for the staff room (flags, claims): never served to anyone else.
    staff_only: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    @property
    def room_list(self) -> list[str]:
        return self.rooms.split()

    def message(self) -> dict:
        """What clients receive: the payload with `type`, `id`, `at` and `question_id`."""
        return {
            **self.payload,
            "type": self.type,
            "id": self.id,
            "at": clock.iso(self.created_at),
            "question_id": self.question_id,
        }
