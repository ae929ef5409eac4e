"""Run a unit of work and commit it, retrying when the database says "try again".

SQLite answers a write collision with "database is locked" and PostgreSQL
with a serialization or deadlock error; two requests racing to insert the
same vote meet the unique constraint. In each case the whole unit is rolled
back and run again from fresh reads, so the loser sees the winner's commit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

T = TypeVar("T")

_RETRYABLE_MESSAGES = ("database is locked", "deadlock detected", "could not serialize", "busy")


def _retryable(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return True
    text = str(getattr(error, "orig", error)).lower()
    return any(message in text for message in _RETRYABLE_MESSAGES)


def retrying(session: Session, work: Callable[[], T], attempts: int = 8) -> T:
    """Run `work()` and commit; on a transient conflict roll back and run it again."""
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            session.commit()
            return result
        except (IntegrityError, OperationalError) as error:
            session.rollback()
            if attempt == attempts or not _retryable(error):
                raise
            time.sleep(random.uniform(0.005, 0.02) * attempt)
        except Exception:
            session.rollback()
            raise
    raise AssertionError("unreachable")
