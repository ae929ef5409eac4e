"""Settings an admin changes at run time (today the reputation thresholds of privileges):
stored in `site_settings`, read through a per-process cache, changed by admins.

Every process reads them the same way, through `stored(key)`: web workers,
the CLI and the Twitter mirror alike; config.py holds the defaults they
overlay. The cache is per process (and per app) and holds only committed
rows: they are read in the caller's session (one connection per request,
never a second one beside it: sixteen voters at once would empty the pool),
except in a transaction that has itself written settings, which reads the
committed row on a connection of its own. A save drops the saving process's
cache when it commits, so that process shows the change at once; every
other process (other workers, the CLI, the mirror) reads the row again
once its copy is CACHE_SECONDS old, so a change reaches all of them within
that time, for the price of one small query per process every few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import changes, clock
from forum.changes import after_commit
from forum.extensions import db
from forum.models import SiteSetting, User
from forum.services import audit
from forum.services.errors import Forbidden, Invalid

PRIVILEGES_KEY = "privileges"
CACHE_SECONDS = 5.0
THRESHOLD_MAX = 1_000_000
_CACHE = "forum.site_settings"
_WRITTEN = "site settings written"


def _cache(app: Flask) -> dict[str, tuple[float, dict]]:
    return app.extensions.setdefault(_CACHE, {})


def stored(key: str) -> dict:
    """The committed value of setting `key` ({} when no admin has set it), at most CACHE_SECONDS old."""
    cache = _cache(current_app)
    now = time.monotonic()
    hit = cache.get(key)
    session = db.session
    if _WRITTEN in changes.memo(session, _WRITTEN):
        # This transaction changed settings itself: what it wrote is nobody's until it commits,
        # so the committed row is read on a connection of its own (only in an admin's save).
        if hit is not None:
            return hit[1]
        with db.engine.connect() as connection:
            return dict(connection.scalar(select(SiteSetting.value).where(SiteSetting.key == key)) or {})
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    with session.no_autoflush:
        value = dict(session.scalar(select(SiteSetting.value).where(SiteSetting.key == key)) or {})
    cache[key] = (now, value)
    return value


def forget_cached() -> None:
    """Drop this process's cached settings: the next read goes to the database."""
    _cache(current_app).clear()


def config_defaults(app: Flask) -> dict[str, int]:
    """The thresholds config.py gives, under whatever an admin has changed."""
    return dict(app.config["PRIVILEGES"])


def privilege_thresholds() -> dict[str, int]:
    """The reputation each privilege needs: config's, with the admin's changes laid over them."""
    defaults = config_defaults(current_app)
    changed = {name: int(value) for name, value in stored(PRIVILEGES_KEY).items() if name in defaults}
    return {**defaults, **changed}


def stored_thresholds(session: Session) -> dict[str, int]:
    """The thresholds an admin has changed, read in `session` (its transaction sees its own writes)."""
    row = session.get(SiteSetting, PRIVILEGES_KEY)
    names = current_app.config["PRIVILEGES"]
    return {k: int(v) for k, v in (row.value if row is not None else {}).items() if k in names}


def set_thresholds(session: Session, admin: User, values: Mapping[str, object], defaults: dict) -> dict:
    """Store new thresholds (whole numbers 1..1,000,000) over `defaults`; audited. Returns the
    effective set.

    This process forgets its cached settings when the change commits; the others follow
    within CACHE_SECONDS.
    """
    if not getattr(admin, "is_admin", False):
        raise Forbidden(_("Only admins may change settings."))
    names = current_app.config["PRIVILEGES"]
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for name, raw in values.items():
        if name not in names:
            errors[name] = _("is not a privilege")
            continue
        try:
            number = int(str(raw).strip())
        except ValueError:
            errors[name] = _("must be a whole number")
            continue
        if not 1 <= number <= THRESHOLD_MAX:
            errors[name] = _("must be between 1 and %(max)d", max=THRESHOLD_MAX)
            continue
        clean[name] = number
    if errors:
        raise Invalid(errors)
    before = {**defaults, **stored_thresholds(session)}
    row = session.get(SiteSetting, PRIVILEGES_KEY)
    if row is None:
        row = SiteSetting(key=PRIVILEGES_KEY, value={})
        session.add(row)
    row.value = {**(row.value or {}), **clean}
    row.updated_at = clock.now()
    row.updated_by_id = admin.id
    session.flush()
    after = {**defaults, **row.value}
    audit.record(
        session,
        admin,
        "change_settings",
        reason="reputation thresholds",
        before={"privileges": before},
        after={"privileges": after},
    )
    changes.memo(session, _WRITTEN).add(_WRITTEN)
    after_commit(session, _cache(current_app).clear)
    return after
