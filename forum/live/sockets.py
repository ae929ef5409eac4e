"""Which sockets belong to whom: signed-in users (so a log-out can close theirs) and
client addresses (so one address cannot hold a worker's every socket).

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
from forum.live.emitting import NAMESPACE, STAFF_ROOM

log = logging.getLogger(__name__)
_KEY = "forum:live:sockets:{}"
_KEY_TTL = 7 * 24 * 3600  # a process killed without disconnecting leaves entries behind
_local: dict[int, set[str]] = {}
_owners: dict[str, int] = {}
_per_address: dict[str, int] = {}
_addresses: dict[str, str] = {}
_lock = threading.Lock()


def admit(address: str, sid: str, cap: int) -> bool:
    """Count this socket against its client address in this process; False when it is over `cap`.

    Per worker process: several workers multiply the cap, which errs on the
    side of the many people a corporate NAT puts behind one address.
    """
    with _lock:
        if _per_address.get(address, 0) >= cap:
            return False
        _per_address[address] = _per_address.get(address, 0) + 1
        _addresses[sid] = address
        return True


def release(sid: str) -> None:
    with _lock:
        address = _addresses.pop(sid, None)
        if address is None:
            return
        left = _per_address.get(address, 1) - 1
        if left > 0:
            _per_address[address] = left
        else:
            _per_address.pop(address, None)


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
        pipe = shared.pipeline()
        pipe.sadd(key, sid)
        pipe.expire(key, _KEY_TTL)
        pipe.execute()


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


def _sids_of(user_id: int, *, forget_them: bool) -> set[str]:
    """This user's live sockets in every process (and, with `forget_them`, drop the record)."""
    with _lock:
        sids = set(_local.pop(user_id, set()) if forget_them else _local.get(user_id, set()))
        if forget_them:
            for sid in sids:
                _owners.pop(sid, None)
    shared = _shared()
    if shared is not None:
        key = _KEY.format(user_id)
        sids |= {sid.decode() if isinstance(sid, bytes) else sid for sid in shared.smembers(key)}
        if forget_them:
            shared.delete(key)
    return sids


def disconnect_user(user_id: int) -> int:
    """Close every live socket of this user, in any process; returns how many were asked to close."""
    sids = _sids_of(user_id, forget_them=True)
    if socketio.server is None:
        return 0
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    log.info("closed %d live socket(s) of user %s", len(sids), user_id)
    return len(sids)


def set_staff_room(user_id: int, is_staff: bool) -> int:
    """Put this user's open sockets in the staff room, or take them out, after a change of role.

    The room is chosen when a socket connects; without this a demoted
    staff member would keep receiving staff-only events (flags, claims)
    until their page reconnects. With Redis the message queue carries the
    change to sockets held by other processes.
    """
    if socketio.server is None:
        return 0
    sids = _sids_of(user_id, forget_them=False)
    change = socketio.server.enter_room if is_staff else socketio.server.leave_room
    for sid in sids:
        change(sid, STAFF_ROOM, namespace=NAMESPACE)
    return len(sids)
