"""Health checks for load balancers: /healthz (the process answers) and /readyz (it can serve).

/readyz answers 503 with JSON naming each part that failed, so a balancer
takes the worker out and an operator reads why in one request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from forum import search
from forum.extensions import db, limiter
from forum.search import postgres, storage

bp = Blueprint("health", __name__)

PROBE_TIMEOUT_SECONDS = 2


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify({"status": "ok"})


def _database() -> None:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()


def _redis() -> None:
    url = current_app.config["REDIS_URL"]  # probed only when set (see _checks)
    client = redis.Redis.from_url(
        url, socket_timeout=PROBE_TIMEOUT_SECONDS, socket_connect_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _search_index() -> None:
    if search.backend() == "postgres":
        postgres.ensure_available(db.session)
        db.session.rollback()
        return
    try:
        with storage.searcher(current_app.config["INDEX_DIR"]) as current:
            current.doc_count()
    except storage.SearchUnavailable as error:
        raise storage.SearchUnavailable(
            error.reason,
            (error.detail + "; " if error.detail else "")
            + "build it with `flask --app wsgi forum search rebuild`",
        ) from error


def _checks() -> dict[str, Callable[[], None]]:
    checks = {"database": _database}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis
    checks["search_index"] = _search_index
    return checks


@bp.get("/readyz")
@limiter.exempt
def readyz():
    results: dict[str, dict] = {}
    for name, check in _checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure makes the worker unready; say which and why
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "unavailable" if failed else "ready", "failed": failed, "checks": results}
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response
