"""What create_app wires: extensions, blueprints, commands, response headers."""

from __future__ import annotations

import os

from flask import Flask, Response, request
from sqlalchemy import event

from forum import serving
from forum.extensions import csrf, db, limiter, login_manager, migrate, socketio

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def check_secret_key(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "FORUM_SECRET_KEY is not set. Outside development the forum refuses to start "
            "without it: set it to a long random string."
        )


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _load_user(user_id: str):
    from forum.models import User

    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def init_extensions(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////:memory"):
        os.makedirs(os.path.dirname(uri.removeprefix("sqlite:///")) or ".", exist_ok=True)
    os.makedirs(app.instance_path, exist_ok=True)

    import forum.models  # noqa: F401  (register the tables with the metadata)
    import forum.services.effects  # noqa: F401  (after-commit hooks)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            db.engine.dispose()
    migrate.init_app(app, db, directory=str(os.path.join(app.root_path, "..", "migrations")))
    csrf.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to do that."
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)

    redis_url = app.config.get("REDIS_URL")
    app.config["RATELIMIT_STORAGE_URI"] = redis_url or "memory://"
    limiter.init_app(app)

    # Flask-SocketIO keeps the queue it built for the first app; each app gets its own.
    socketio.server_options.pop("client_manager", None)
    channel = app.config.get("SOCKETIO_CHANNEL")
    socketio.init_app(
        app,
        **({"channel": channel} if channel else {}),
        ping_interval=app.config["LIVE_PING_INTERVAL"],
        async_mode=serving.async_mode(),
        message_queue=redis_url,
        cors_allowed_origins=None,
        # Websocket only: any worker can take any socket, so no sticky sessions are needed.
        transports=["websocket"],
        logger=False,
        engineio_logger=False,
    )
    serving.trust_proxies(app)  # outside Socket.IO's middleware, so sockets see the client too

    app.after_request(_security_headers)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register_blueprints(app: Flask) -> None:
    from forum.api import api_bp
    from forum.web import health, register_web

    app.register_blueprint(health.bp)
    app.register_blueprint(api_bp)
    register_web(app)


def register_commands(app: Flask) -> None:
    from forum.cli import forum_cli

    app.cli.add_command(forum_cli)
