"""How the forum is served: the concurrency model, the proxy in front, and what production needs.

Under gunicorn (gunicorn.conf.py) each worker is a gevent worker: the
standard library is monkey-patched before the app is imported, so every
request and every open Socket.IO connection is a greenlet, and waiting on
PostgreSQL (psycopg 3 cooperates with gevent's patched sockets), Redis or a
socket lets the others run. `flask run` and the tests run unpatched, with
a thread per request. The mode is read from the process, never configured,
so the two can never disagree.
"""

from __future__ import annotations

import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def greened() -> bool:
    """True when gevent has patched this process (the production worker)."""
    gevent_monkey = sys.modules.get("gevent.monkey")
    return bool(gevent_monkey and gevent_monkey.is_module_patched("socket"))


def async_mode() -> str:
    return "gevent" if greened() else "threading"


def trust_proxies(app: Flask) -> None:
    """Believe N hops of X-Forwarded-For/-Proto/-Host (FORUM_TRUSTED_PROXIES), no more.

    Wraps everything, Socket.IO included, so rate limits and the socket
    cap key on the real client and redirects keep the public scheme and host.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise RuntimeError("FORUM_TRUSTED_PROXIES must be 0 or a positive number of proxy hops.")
    if hops:
        # Flask's documented way to add WSGI middleware; mypy objects to assigning over a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def deployment_problem(workers: int, redis_url: str | None) -> str | None:
    """Why this gunicorn setup must not start, or None when it may."""
    if workers > 1 and not redis_url:
        return (
            f"The forum refuses to start {workers} workers without FORUM_REDIS_URL. Each worker "
            "would keep its own rate-limit counters (so a limit would allow {workers} times as "
            "much) and its own live sockets (so an event made through one worker would never "
            "reach browsers held by another). Set FORUM_REDIS_URL=redis://HOST:6379/0, or "
            "FORUM_WORKERS=1 for a single-process server."
        ).replace("{workers}", str(workers))
    return None
