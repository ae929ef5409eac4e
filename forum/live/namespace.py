"""The /live Socket.IO namespace: who joins which room.

Everyone is in `feed`; staff, moderators and admins also in `staff`; a page
emits `watch {"question_id": N}` to join `question:N` and `unwatch` to leave.
Clients only listen: everything they send besides watching is ignored.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room, rooms

from forum.live import sockets
from forum.live.emitting import STAFF_ROOM
from forum.live.events import question_room

MAX_WATCHED = 50  # one socket per tab; a page watches one question
# The code in a refused connect's error data; live.js then polls the stored feed instead.
TOO_MANY_SOCKETS = "too_many_sockets"


def _question_id(data: object) -> int | None:
    value = data.get("question_id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


def _sid() -> str:
    """This socket's id, which Flask-SocketIO sets on the request of each event it handles."""
    return request.sid  # type: ignore[attr-defined]  # set at run time; Werkzeug's Request has no sid


class LiveNamespace(Namespace):
    def on_connect(self, auth=None) -> None:
        cap = current_app.config["LIVE_MAX_SOCKETS_PER_ADDRESS"]
        if not sockets.admit(request.remote_addr or "unknown", _sid(), cap):
            raise ConnectionRefusedError(
                f"Your address already holds {cap} live connections to this server, the most it "
                "allows; this page checks for news every few seconds instead.",
                {"code": TOO_MANY_SOCKETS},
            )
        try:
            join_room("feed")
            if current_user.is_authenticated:
                sockets.remember(current_user.id, _sid())
                if current_user.is_staff:
                    join_room(STAFF_ROOM)
        except Exception:
            sockets.release(_sid())  # no disconnect follows a failed connect
            raise

    def on_disconnect(self, *reason) -> None:
        sockets.release(_sid())
        sockets.forget(_sid())

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
