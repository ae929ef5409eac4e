"""The /live Socket.IO namespace: who joins which room.

Everyone is in `feed`; staff, moderators and admins also in `staff`; a page
emits `watch {"question_id": N}` to join `question:N` and `unwatch` to leave.
Clients only listen: everything they send besides watching is ignored.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import Namespace, join_room, leave_room, rooms

from forum.live import sockets
from forum.live.emitting import STAFF_ROOM
from forum.live.events import question_room

MAX_WATCHED = 50  # one socket per tab; a page watches one question


def _question_id(data: object) -> int | None:
    value = data.get("question_id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


class LiveNamespace(Namespace):
    def on_connect(self, auth=None) -> None:
        join_room("feed")
        if current_user.is_authenticated:
            sockets.remember(current_user.id, request.sid)
            if current_user.is_staff:
                join_room(STAFF_ROOM)

    def on_disconnect(self, *reason) -> None:
        sockets.forget(request.sid)

    def on_watch(self, data=None) -> dict:
        question_id = _question_id(data)
        if question_id is None:
            return {"ok": False, "error": "question_id must be a positive integer"}
        watched = [r for r in rooms() if r.startswith("question:")]
        if len(watched) >= MAX_WATCHED:
            return {"ok": False, "error": f"a socket may watch at most {MAX_WATCHED} questions"}
        join_room(question_room(question_id))
        return {"ok": True, "room": question_room(question_id)}

    def on_unwatch(self, data=None) -> dict:
        question_id = _question_id(data)
        if question_id is None:
            return {"ok": False, "error": "question_id must be a positive integer"}
        leave_room(question_room(question_id))
        return {"ok": True}
