"""The search outbox: which posts the index must catch up with, written with the change.

forum/search/outbox.py writes the rows (a subscriber of forum/changes.py);
the single index writer (forum/search/writer.py) applies and deletes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from forum import clock
from forum.extensions import Model


class SearchOutbox(Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a hard-deleted post must still reach the index (as a removal).
    post_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
