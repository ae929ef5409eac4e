"""The live feed: events derived from database changes, stored, then sent over Socket.IO.

`events` turns committed changes into `LiveEvent` rows and messages,
`emitting` sends them after the commit, `namespace` is /live and its rooms,
`catchup` reads the stored events back for /api/v1/feed, and `sockets`
closes a user's sockets at log-out (`disconnect_user`).
"""

from __future__ import annotations

from flask import Flask

from forum.extensions import socketio
from forum.live.emitting import NAMESPACE
from forum.live.events import question_room
from forum.live.sockets import disconnect_user

__all__ = ["NAMESPACE", "disconnect_user", "init_app", "question_room"]


def init_app(app: Flask) -> None:
    """Serve the /live namespace on this app's Socket.IO server."""
    from forum.live.namespace import LiveNamespace

    socketio.on_namespace(LiveNamespace(NAMESPACE))
