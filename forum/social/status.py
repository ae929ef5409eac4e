"""What the admin page shows about the mirror: cursors, rate limits, errors, the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import MirrorCursor, MirroredTweet, MirrorError, ReplyOutbox
from forum.social import mirror


@dataclass
class MirrorStatus:
    cursors: list[MirrorCursor]
    mirrored_today: int
    totals: dict[str, int]
    errors: list[MirrorError]
    outbox_counts: dict[str, int]
    outbox_recent: list[ReplyOutbox]
    reply_back: bool
    query: str
    brands: list[str]
    rate_limited: bool


def mirror_status(app: Flask, session: Session, errors: int = 20, outbox_rows: int = 10) -> MirrorStatus:
    cursors = list(session.scalars(select(MirrorCursor).order_by(MirrorCursor.last_poll_at.desc())))
    now = clock.now()
    return MirrorStatus(
        cursors=cursors,
        mirrored_today=mirror.mirrored_today(session),
        totals=dict(session.execute(
            select(MirroredTweet.kind, func.count()).group_by(MirroredTweet.kind)).all()),  # type: ignore[arg-type]
        errors=list(session.scalars(select(MirrorError).order_by(MirrorError.id.desc()).limit(errors))),
        outbox_counts=dict(session.execute(
            select(ReplyOutbox.status, func.count()).group_by(ReplyOutbox.status)).all()),  # type: ignore[arg-type]
        outbox_recent=list(session.scalars(select(ReplyOutbox).order_by(ReplyOutbox.id.desc()).limit(outbox_rows))),
        reply_back=bool(mirror.setting(app, "X_REPLY_BACK")),
        query=str(app.config.get("X_QUERY") or ""),
        brands=sorted(mirror.brand_handles(app)),
        rate_limited=any(c.rate_limited_until is not None and c.rate_limited_until > now for c in cursors),
    )
