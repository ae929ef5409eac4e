"""The page generation: a number that moves whenever something a page shows has changed.

forum/pagecache.py keys every cached page by it, so a change makes every
older copy unreachable at once, in every process, without finding and
deleting the copies: the page-cache subscriber of forum/changes.py adds one
to it in the transaction that makes the change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from forum import clock
from forum.extensions import Model

PAGES = "pages"


class CacheGeneration(Model):
    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=clock.now)


@event.listens_for(CacheGeneration.__table__, "after_create")
def _first_generation(table, connection, **kw) -> None:
    # The row always exists, so bumping it is a plain UPDATE (migration 0010 inserts it too).
    connection.execute(insert(table).values(name=PAGES, value=0, changed_at=clock.now()))
