"""The production app plus two routes that wait on purpose, for the concurrency tests.

`GET /_test/slow-sql?seconds=S` waits in PostgreSQL (pg_sleep), and
`GET /_test/slow-redis?seconds=S` waits in Redis (BLPOP on an empty list):
while one of them waits, the same worker must go on serving others.
"""

from __future__ import annotations

import redis
from flask import current_app, jsonify, request
from sqlalchemy import text

from forum.extensions import db
from wsgi import app


def _seconds() -> float:
    return min(float(request.args.get("seconds", "2")), 10.0)


@app.get("/_test/slow-sql")
def slow_sql():
    db.session.execute(text("SELECT pg_sleep(:s)"), {"s": _seconds()})
    db.session.rollback()
    return jsonify({"waited": "sql"})


@app.get("/_test/slow-redis")
def slow_redis():
    client = redis.Redis.from_url(current_app.config["REDIS_URL"])
    client.blpop(["forum-test-never-filled"], timeout=_seconds())
    return jsonify({"waited": "redis"})
