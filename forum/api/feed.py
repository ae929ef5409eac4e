"""GET /api/v1/feed: the stored live events a client missed, after an event id."""

from __future__ import annotations

from typing import TypeVar

from flask import jsonify, request
from flask_babel import gettext as _

from forum.api.auth import api_user
from forum.api.blueprint import api_bp
from forum.api.inputs import EVENT_ID_MAX
from forum.extensions import db
from forum.live import catchup
from forum.services.errors import Invalid
from forum.services.validation import MAX_ID

# An absent argument gives the default: an int when there is one, else None.
_Default = TypeVar("_Default", int, None)


def _int_arg(name: str, low: int, high: int, default: _Default) -> int | _Default:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid({name: _("must be a whole number")}) from None
    if not low <= value <= high:
        raise Invalid({name: _("must be between %(low)d and %(high)d", low=low, high=high)})
    return value


@api_bp.get("/feed")
def feed():
    after = _int_arg("after", 0, EVENT_ID_MAX, None)
    question_id = _int_arg("question_id", 1, MAX_ID, None)  # live_events.question_id is a post id
    limit = _int_arg("limit", 1, catchup.MAX_LIMIT, catchup.DEFAULT_LIMIT)
    page = catchup.events_after(db.session, api_user(), after, question_id, limit)
    return jsonify({"items": page.items, "last_id": page.last_id, "has_more": page.has_more})
