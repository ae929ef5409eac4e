"""Reading the stored live events back: what a client missed, as a viewer may see it.

Staff-only events go to staff alone, and an event about a post or comment
that has since been deleted is left out, so deleted content never travels
again through the catch-up feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Comment, LiveEvent, Post, User

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Events that only say something was hidden: they must reach the reader even then.
_TOMBSTONES = {"post.deleted", "comment.deleted"}


@dataclass
class FeedPage:
    items: list[dict]
    last_id: int  # the last event id looked at; pass it as `after` next time
    has_more: bool


def prune(session: Session, older_than: timedelta) -> int:
    """Delete the events stored before `older_than` ago (the newest always stays); how many went.

    The table is a catch-up buffer, not a history: a page away for longer
    than that reloads instead. Keeping the newest row keeps `last_event_id`
    where clients left it.
    """
    newest = last_event_id(session)
    cutoff = clock.now() - older_than
    # A DELETE without RETURNING gives a CursorResult; Session.execute is typed as Result.
    result = cast(
        "CursorResult[Any]",
        session.execute(delete(LiveEvent).where(LiveEvent.created_at < cutoff, LiveEvent.id != newest)),
    )
    return result.rowcount or 0


def last_event_id(session: Session) -> int:
    return session.scalar(select(LiveEvent.id).order_by(LiveEvent.id.desc()).limit(1)) or 0


def events_after(
    session: Session,
    viewer: User | None,
    after: int | None,
    question_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> FeedPage:
    """The events after id `after` in id order (the newest `limit` when `after` is None)."""
    query = select(LiveEvent)
    if not (viewer is not None and viewer.is_staff):
        query = query.where(LiveEvent.staff_only.is_(False))
    if question_id is not None:
        query = query.where(LiveEvent.question_id == question_id)
    rows: Sequence[LiveEvent]
    if after is None:
        rows = list(reversed(session.scalars(query.order_by(LiveEvent.id.desc()).limit(limit)).all()))
        has_more = False
    else:
        query = query.where(LiveEvent.id > after).order_by(LiveEvent.id).limit(limit + 1)
        rows = session.scalars(query).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
    last_id = rows[-1].id if rows else (after if after is not None else last_event_id(session))
    hidden_posts, hidden_comments = _hidden(session, rows)
    items = [
        row.message()
        for row in rows
        if row.type in _TOMBSTONES
        or not (_post_ids(row) & hidden_posts or _comment_id(row) in hidden_comments)
    ]
    return FeedPage(items, last_id, has_more)


def _post_ids(row: LiveEvent) -> set[int]:
    payload = row.payload
    ids = {row.question_id, payload.get("post_id"), (payload.get("post") or {}).get("id")}
    return {i for i in ids if isinstance(i, int)}


def _comment_id(row: LiveEvent) -> int | None:
    return (row.payload.get("comment") or {}).get("id")


def _hidden(session: Session, rows: Sequence[LiveEvent]) -> tuple[set[int], set[int]]:
    post_ids = set().union(*(_post_ids(r) for r in rows)) if rows else set()
    comment_ids = {c for c in (_comment_id(r) for r in rows) if c is not None}
    hidden_posts = (
        set(session.scalars(select(Post.id).where(Post.id.in_(post_ids), Post.deleted_at.is_not(None))))
        if post_ids
        else set()
    )
    hidden_comments = (
        set(
            session.scalars(
                select(Comment.id).where(Comment.id.in_(comment_ids), Comment.deleted_at.is_not(None))
            )
        )
        if comment_ids
        else set()
    )
    return hidden_posts, hidden_comments
