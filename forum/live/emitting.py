"""Sending stored events to the browsers, after the commit.

`socketio` is the app's Flask-SocketIO instance. With FORUM_REDIS_URL set it
publishes through Redis, so every server process delivers to its own
clients; that holds for a process that serves nobody (the CLI, the mirror),
which then acts as a write-only emitter. Without Redis an event from such a
process reaches nobody live, but it is stored: pages pick it up from
/api/v1/feed when they reconnect.
"""

from __future__ import annotations

from forum.extensions import socketio

NAMESPACE = "/live"
# Staff, moderators and admins: flags, claims and other staff-only events.
STAFF_ROOM = "staff"


def emit_messages(messages: list[tuple[str, list[str], dict]]) -> None:
    """Emit each (event name, rooms, message); a client in several rooms gets it once."""
    if socketio.server is None:
        return
    for name, rooms, message in messages:
        socketio.emit(name, message, namespace=NAMESPACE, to=rooms)
