"""Which sockets belong to which signed-in user, so a log-out can close them.

Kept in this process and, with FORUM_REDIS_URL set, in a Redis set per user
(keys `forum:live:sockets:<user id>`) so any process can close a socket
that another server holds: the Socket.IO message queue carries the
disconnect to it.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

import redis
from flask import current_app

from forum.extensions import socketio
from forum.live.emitting import NAMESPACE

log = logging.getLogger(__name__)
_KEY = "forum:live:sockets:{}"
_KEY_TTL = 7 * 24 * 3600  # a process killed without disconnecting leaves entries behind
_local: dict[int, set[str]] = {}
_owners: dict[str, int] = {}
_lock = threading.Lock()


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2)


def _shared() -> redis.Redis | None:
    url = current_app.config.get("REDIS_URL")
    return _redis(url) if url else None


def remember(user_id: int, sid: str) -> None:
    with _lock:
        _local.setdefault(user_id, set()).add(sid)
        _owners[sid] = user_id
    shared = _shared()
    if shared is not None:
        key = _KEY.format(user_id)
        shared.pipeline().sadd(key, sid).expire(key, _KEY_TTL).execute()


def forget(sid: str) -> None:
    with _lock:
        user_id = _owners.pop(sid, None)
        if user_id is None:
            return
        sids = _local.get(user_id, set())
        sids.discard(sid)
        if not sids:
            _local.pop(user_id, None)
    shared = _shared()
    if shared is not None:
        shared.srem(_KEY.format(user_id), sid)


def disconnect_user(user_id: int) -> int:
    """Close every live socket of this user, in any process; returns how many were asked to close."""
    with _lock:
        sids = set(_local.pop(user_id, set()))
        for sid in sids:
            _owners.pop(sid, None)
    shared = _shared()
    if shared is not None:
        key = _KEY.format(user_id)
        sids |= {sid.decode() for sid in shared.smembers(key)}
        shared.delete(key)
    if socketio.server is None:
        return 0
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    log.info("closed %d live socket(s) of user %s", len(sids), user_id)
    return len(sids)
