"""What the admin page shows about the mirror: cursors, rate limits, errors, the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import MirrorCursor, MirroredTweet, MirrorError, ReplyOutbox
from forum.social import brands, mirror


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
    brands: list[tuple[str, int | None]]  # handle, X user id once resolved
    brand_user_ids: list[str]  # FORUM_X_BRAND_USER_IDS, which replaces the lookup
    brand_setting_error: str
    rate_limited: bool


def mirror_status(app: Flask, session: Session, errors: int = 20, outbox_rows: int = 10) -> MirrorStatus:
    cursors = list(
        session.scalars(
            select(MirrorCursor).where(brands.not_brand_row()).order_by(MirrorCursor.last_poll_at.desc())
        )
    )
    now = clock.now()
    try:
        brand_user_ids, brand_setting_error = sorted(brands.configured_ids(app) or ()), ""
    except brands.BrandSettingError as error:
        brand_user_ids, brand_setting_error = [], str(error)
    return MirrorStatus(
        cursors=cursors,
        mirrored_today=mirror.mirrored_today(session),
        totals=dict(
            session.execute(select(MirroredTweet.kind, func.count()).group_by(MirroredTweet.kind))
            .tuples()
            .all()
        ),
        errors=list(session.scalars(select(MirrorError).order_by(MirrorError.id.desc()).limit(errors))),
        outbox_counts=dict(
            session.execute(select(ReplyOutbox.status, func.count()).group_by(ReplyOutbox.status))
            .tuples()
            .all()
        ),
        outbox_recent=list(
            session.scalars(select(ReplyOutbox).order_by(ReplyOutbox.id.desc()).limit(outbox_rows))
        ),
        reply_back=bool(mirror.setting(app, "X_REPLY_BACK")),
        query=str(app.config.get("X_QUERY") or ""),
        brands=brands.resolved(session, app),
        brand_user_ids=brand_user_ids,
        brand_setting_error=brand_setting_error,
        rate_limited=any(c.rate_limited_until is not None and c.rate_limited_until > now for c in cursors),
    )
