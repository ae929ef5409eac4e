"""Which X accounts are the brand's: named by handle in the settings, recognised by user id.

FORUM_X_BRAND_HANDLES names the accounts, for people and for the lookup; a
reply is a brand (staff) answer only when its author_id is one of their ids,
so no other account speaks for the brand by showing its handle in a payload.

Where the ids come from:
- FORUM_X_BRAND_USER_IDS, when set: exactly those ids; nothing is looked up.
- Polling the API: each handle is resolved once, through GET /2/users/by,
  and remembered in mirror_cursors (the mirror's own state), one row per
  handle keyed `brand:<handle>` whose `since_id` column holds the account's
  id. A handle that later changes hands keeps naming the account resolved
  first; deleting the row makes the next run ask again. A handle X does not
  know is asked about again after RETRY_UNKNOWN.
- Replaying a recording (--source FILE), with nobody to ask: ids already
  resolved from the API win; otherwise the file's `includes.users`, where a
  handle counts only when the file gives it to exactly one id. That is what
  X said when the file was recorded; a handle shown for two ids is
  ambiguous and names no brand. These ids are not remembered: a recording
  is not X, and must not decide what later live runs believe.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import MirrorCursor
from forum.social.payloads import parse_id

ROW_PREFIX = "brand:"
LOOKUP_BATCH = 100  # usernames per GET /2/users/by
RETRY_UNKNOWN = timedelta(hours=1)
_USERNAME_RE = re.compile(r"[A-Za-z0-9_]{1,15}")

# One GET /2/users/by for up to LOOKUP_BATCH usernames, rate limits and retries included.
Lookup = Callable[[list[str]], dict]


class BrandSettingError(ValueError):
    """FORUM_X_BRAND_USER_IDS holds something that is not an X user id."""


def brand_handles(app: Flask) -> list[str]:
    """The configured handles as written (no @), each once, in order."""
    handles: dict[str, str] = {}
    for raw in str(app.config.get("X_BRAND_HANDLES") or "").split(","):
        handle = raw.strip().lstrip("@")
        if handle:
            handles.setdefault(handle.lower(), handle)
    return list(handles.values())


def configured_ids(app: Flask) -> frozenset[str] | None:
    """FORUM_X_BRAND_USER_IDS as canonical ids, or None when it is not set."""
    raw = str(app.config.get("X_BRAND_USER_IDS") or "")
    if not raw.strip():
        return None
    ids = set()
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        user_id = parse_id(item)
        if user_id is None:
            raise BrandSettingError(f"FORUM_X_BRAND_USER_IDS: {item!r} is not an X user id")
        ids.add(str(user_id))
    return frozenset(ids)


def _rows(session: Session, handles: list[str]) -> dict[str, MirrorCursor]:
    keys = [ROW_PREFIX + handle.lower() for handle in handles]
    if not keys:
        return {}
    rows = session.scalars(select(MirrorCursor).where(MirrorCursor.source.in_(keys)))
    return {row.source.removeprefix(ROW_PREFIX): row for row in rows}


def not_brand_row() -> ColumnElement[bool]:
    """Selects the mirror_cursors rows that are sources' progress, not remembered brand accounts."""
    return MirrorCursor.source.not_like(ROW_PREFIX + "%")


def resolved(session: Session, app: Flask) -> list[tuple[str, int | None]]:
    """Each configured handle with the X user id remembered for it (None: not resolved yet)."""
    handles = brand_handles(app)
    rows = _rows(session, handles)
    return [(handle, rows[handle.lower()].since_id if handle.lower() in rows else None) for handle in handles]


def brand_ids(
    app: Flask, session: Session, recorded_handles: dict[str, str], lookup: Lookup | None
) -> tuple[frozenset[str], list[str]]:
    """The brand's X user ids for this poll, and problems worth an operator's attention.

    `lookup` asks the API (None when replaying a recording); `recorded_handles`
    is the batch's user id -> handle map, used only without an API.
    Commits what the API said.
    """
    configured = configured_ids(app)
    if configured is not None:
        return configured, []
    handles = brand_handles(app)
    rows = _rows(session, handles)
    ids = {
        handle.lower(): rows[handle.lower()].since_id
        for handle in handles
        if handle.lower() in rows and rows[handle.lower()].since_id is not None
    }
    problems: list[str] = []
    unresolved = [handle for handle in handles if handle.lower() not in ids]
    if lookup is not None:
        due = [
            handle
            for handle in unresolved
            if handle.lower() not in rows or rows[handle.lower()].updated_at <= clock.now() - RETRY_UNKNOWN
        ]
        if due:
            found, problems = _ask_x(session, lookup, due, rows)
            ids.update(found)
            session.commit()
    elif unresolved:
        found, problems = ids_in_recording(recorded_handles, unresolved)
        ids.update(found)
    return frozenset(str(user_id) for user_id in ids.values() if user_id is not None), problems


def _ask_x(
    session: Session, lookup: Lookup, handles: list[str], rows: dict[str, MirrorCursor]
) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    problems: list[str] = []
    askable = [handle for handle in handles if _USERNAME_RE.fullmatch(handle)]
    for handle in handles:
        if handle not in askable:
            _remember(session, rows, handle, None, f"@{handle} is not an X username")
            problems.append(f"brand handle @{handle} is not an X username; its replies are not staff answers")
    for start in range(0, len(askable), LOOKUP_BATCH):
        names = askable[start : start + LOOKUP_BATCH]
        payload = lookup(names)
        wanted = {name.lower() for name in names}
        users = payload.get("data") if isinstance(payload, dict) else None
        for user in users if isinstance(users, list) else []:
            username = user.get("username") if isinstance(user, dict) else None
            user_id = parse_id(user.get("id")) if isinstance(user, dict) else None
            if isinstance(username, str) and username.lower() in wanted and user_id is not None:
                found[username.lower()] = user_id
        for name in names:
            user_id = found.get(name.lower())
            if user_id is None:
                _remember(session, rows, name, None, f"@{name} was not found on X")
                problems.append(f"brand handle @{name} was not found on X; its replies are not staff answers")
            else:
                _remember(session, rows, name, user_id, f"@{name} is X user {user_id}")
    return found, problems


def _remember(
    session: Session, rows: dict[str, MirrorCursor], handle: str, user_id: int | None, status: str
) -> None:
    row = rows.get(handle.lower())
    if row is None:
        row = rows[handle.lower()] = MirrorCursor(source=(ROW_PREFIX + handle.lower())[:200])
        session.add(row)
    row.since_id, row.last_poll_status, row.updated_at = user_id, status[:300], clock.now()


def ids_in_recording(
    recorded_handles: dict[str, str], handles: list[str]
) -> tuple[dict[str, int], list[str]]:
    """The id a recording's users (id -> handle) give each of `handles`, keyed by lower-case handle.

    A handle the recording shows for several ids gets none, and a problem saying so.
    """
    owners: dict[str, set[int]] = {}
    for user_id, handle in recorded_handles.items():
        number = parse_id(user_id)
        if number is not None:
            owners.setdefault(handle.lower(), set()).add(number)
    found: dict[str, int] = {}
    problems: list[str] = []
    for handle in handles:
        ids = owners.get(handle.lower(), set())
        if len(ids) == 1:
            found[handle.lower()] = next(iter(ids))
        elif len(ids) > 1:
            problems.append(
                f"the recording shows @{handle} for {len(ids)} X accounts; none of them is "
                "taken for the brand (set FORUM_X_BRAND_USER_IDS)"
            )
    return found, problems
