"""Settings an admin changes at run time: the reputation thresholds of privileges.

They are stored in `site_settings` and laid over config's PRIVILEGES by
`refresh_config`, which each process runs before a request at most every
few seconds, so every worker follows a change within that time.
"""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy.orm import Session

from forum import clock
from forum.models import SiteSetting, User
from forum.services import audit
from forum.services.errors import Invalid
from forum.services.permissions import PRIVILEGE_LABELS, require

PRIVILEGES_KEY = "privileges"
REFRESH_SECONDS = 5.0
THRESHOLD_MAX = 1_000_000
_DEFAULTS_KEY = "FORUM_PRIVILEGE_DEFAULTS"
_CHECKED_KEY = "FORUM_SETTINGS_CHECKED_AT"


def stored_thresholds(session: Session) -> dict[str, int]:
    row = session.get(SiteSetting, PRIVILEGES_KEY)
    return {k: int(v) for k, v in (row.value if row is not None else {}).items() if k in PRIVILEGE_LABELS}


def set_thresholds(session: Session, admin: User, values: dict[str, object], config_defaults: dict) -> dict:
    """Store new thresholds (whole numbers 1..1,000,000); audited. Returns the effective set."""
    require(admin, "admin")
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for name, raw in values.items():
        if name not in PRIVILEGE_LABELS:
            errors[name] = "is not a privilege"
            continue
        try:
            number = int(str(raw).strip())
        except ValueError:
            errors[name] = "must be a whole number"
            continue
        if not 1 <= number <= THRESHOLD_MAX:
            errors[name] = f"must be between 1 and {THRESHOLD_MAX}"
            continue
        clean[name] = number
    if errors:
        raise Invalid(errors)
    before = {**config_defaults, **stored_thresholds(session)}
    row = session.get(SiteSetting, PRIVILEGES_KEY)
    if row is None:
        row = SiteSetting(key=PRIVILEGES_KEY, value={})
        session.add(row)
    row.value = {**(row.value or {}), **clean}
    row.updated_at = clock.now()
    row.updated_by_id = admin.id
    session.flush()
    after = {**config_defaults, **row.value}
    audit.record(session, admin, "change_settings", reason="reputation thresholds",
                 before={"privileges": before}, after={"privileges": after})
    return after


def refresh_config(app: Flask, session: Session, force: bool = False) -> None:
    """Lay the stored thresholds over the configured ones (at most every REFRESH_SECONDS)."""
    now = time.monotonic()
    if not force and now - app.config.get(_CHECKED_KEY, -REFRESH_SECONDS) < REFRESH_SECONDS:
        return
    app.config[_CHECKED_KEY] = now
    defaults = app.config.setdefault(_DEFAULTS_KEY, dict(app.config["PRIVILEGES"]))
    app.config["PRIVILEGES"] = {**defaults, **stored_thresholds(session)}


def config_defaults(app: Flask) -> dict[str, int]:
    return dict(app.config.get(_DEFAULTS_KEY) or app.config["PRIVILEGES"])
