"""The gunicorn worker class of gunicorn.conf.py: gevent, light sockets, a prompt hand-over.

- **gevent with gevent-websocket's handler.** The connection's own greenlet
  reads its websocket frames. (With simple-websocket, Engine.IO's other
  gevent option, every socket also keeps a reader greenlet: 68 KB of worker
  memory per idle socket against 56 KB, measured with bench/serve.py.)
- **One timer per socket for pings, not a sleeping greenlet.** Engine.IO
  pings each client every 25 s from a greenlet that sleeps in between; a
  libev timer does the same job for a few hundred bytes. With it an idle
  socket costs about 47 KB (python-engineio is pinned in requirements.txt
  because this replaces one of its methods; tests/serving checks pings
  still flow).
- **SIGTERM hands sockets over at once.** gunicorn's gevent worker stops
  accepting on SIGTERM and then waits up to the graceful timeout for open
  connections to end. A live socket never ends by itself, so a restart
  would hold every browser for the whole timeout and then cut it. This
  worker closes its Socket.IO connections as soon as it has stopped
  accepting: each browser reconnects at once to a worker that is serving
  and catches up from the stored feed (`/api/v1/feed?after=N`), so nothing
  is lost. Requests already running finish as usual.
"""

from __future__ import annotations

import time

import gevent
from geventwebsocket.handler import WebSocketHandler
from gunicorn.workers.ggevent import GeventPyWSGIWorker

# Nothing here imports Engine.IO (or anything else that imports ssl) at module level: gunicorn
# loads this class in the master, and gevent must patch ssl in the worker before its first import.

# gunicorn's gevent run loop looks at `alive` once a second before it closes the listener.
LISTENER_CLOSE_SECONDS = 1.2


class ForumWorker(GeventPyWSGIWorker):
    wsgi_handler = WebSocketHandler

    def patch(self) -> None:
        super().patch()
        from engineio import socket as engineio_socket

        engineio_socket.Socket.schedule_ping = schedule_ping_on_timer

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        gevent.spawn_later(LISTENER_CLOSE_SECONDS, close_live_sockets, self.log)


def schedule_ping_on_timer(self) -> None:
    """Engine.IO's Socket.schedule_ping, with the wait on the event loop instead of a greenlet."""
    from engineio import packet

    if not self.last_ping:
        return  # the previous ping has not been answered yet
    self.last_ping = None
    timer = gevent.get_hub().loop.timer(self.server.ping_interval)

    def ping() -> None:
        timer.close()
        if not self.closing and not self.closed:
            self.last_ping = time.time()
            self.send(packet.Packet(packet.PING))  # only queues it: safe from the loop's callback

    timer.start(ping)


def close_live_sockets(log=None) -> int:
    """Drop every Engine.IO connection of this process; clients see a lost transport and reconnect."""
    from forum.extensions import socketio

    server = socketio.server
    if server is None:
        return 0
    sockets = list(server.eio.sockets.values())
    for socket in sockets:
        try:
            socket.close(wait=False, abort=True)
        except Exception:  # one broken socket must not keep the rest open
            if log is not None:
                log.exception("closing a live socket")
    if log is not None:
        log.info("closed %d live socket(s) before exiting", len(sockets))
    return len(sockets)
