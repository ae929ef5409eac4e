"""The one clock of the application: naive UTC datetimes, and how a span reads.

Rules with time in them (vote window, daily caps, self-accept delay) read
`now()`; tests move it with `travel()` instead of sleeping. Messages that
name a configured span say it with `duration_words`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask_babel import ngettext

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + _offset


@contextmanager
def travel(delta: timedelta) -> Iterator[None]:
    """Shift the clock by `delta` for the duration of the block."""
    global _offset
    previous = _offset
    _offset = previous + delta
    try:
        yield
    finally:
        _offset = previous


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, the form the API and pages use."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"


def duration_words(seconds: int) -> str:
    """A span in words, rounded up: '45 seconds', '5 minutes', '48 hours'."""
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = -(-seconds // 60)
    if minutes < 90:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = -(-minutes // 60)
    return ngettext("%(num)d hour", "%(num)d hours", hours)
