"""What create_app wires: extensions, URL converters, blueprints, the live namespace,
request hooks, what templates can call, commands, response headers.

Everything app-wide is registered here, so none of it hides in a blueprint.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

from flask import Flask, Response, request
from sqlalchemy import event
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from forum import clock, i18n, pagecache, serving
from forum.extensions import csrf, db, limiter, login_manager, migrate, socketio
from forum.services.validation import is_valid_id

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


DEVELOPMENT_KEY_FILE = "secret_key"


def check_secret_key(app: Flask) -> None:
    """Production needs FORUM_SECRET_KEY; development makes a random key once, in instance/.

    No key ships with the code: a published key would let anyone forge a
    session or remember-me cookie for any user of a forum that kept it.
    """
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(
            "FORUM_SECRET_KEY is not set. Outside development the forum refuses to start "
            "without it: set it to a long random string."
        )
    app.config["SECRET_KEY"] = development_key(os.path.join(app.instance_path, DEVELOPMENT_KEY_FILE))


def development_key(path: str) -> str:
    """The key kept at `path`, made at random (readable by its owner only) the first time."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as existing:
            key = existing.read().strip()
        if key:
            return key
        raise RuntimeError(f"{path} is empty: delete it and the forum makes a new key") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as new:
        new.write(key + "\n")
    return key


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _load_user(session_id: str):
    from forum.services.accounts import user_for_session

    return user_for_session(db.session, session_id)


def init_extensions(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////:memory"):
        os.makedirs(os.path.dirname(uri.removeprefix("sqlite:///")) or ".", exist_ok=True)
    os.makedirs(app.instance_path, exist_ok=True)

    import forum.models  # noqa: F401  (register the tables with the metadata)

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
    i18n.init_app(app)
    pagecache.init_app(app)  # after the headers hook: Flask runs after_request hooks last-first


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: every integer in the forum's URLs is a row id.

    A number no row can have (0, or past the database's integer) would overflow
    on lookup, a 500; it is the 404 of any unknown address instead, a page or
    the API's JSON error. NotFound rather than werkzeug's ValidationError,
    which would answer 405 wherever the same path takes another method.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not is_valid_id(number):
            raise NotFound()
        return number


def register_blueprints(app: Flask) -> None:
    from forum.api import api_bp
    from forum.web import health, register_web

    # Before any rule is added: a rule takes its converter when it is added.
    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(health.bp)
    app.register_blueprint(api_bp)
    register_web(app)


def register_live(app: Flask) -> None:
    """Serve Socket.IO's /live namespace (forum/live) on this app."""
    from forum import live

    live.init_app(app)


def register_request_hooks(app: Flask) -> None:
    """What runs before every request, whichever blueprint answers it."""
    from forum.web import feed

    app.before_request(feed.note_last_event)


def register_template_helpers(app: Flask) -> None:
    """Everything a template can call besides Flask's own. Permission questions are only
    `may` and `why_not` (forum/services/permissions.py answers them)."""
    from forum.web import feed, fragments, helpers, moderation, questions, reputation

    filters: dict[str, Callable[..., object]] = {
        "timeago": helpers.timeago,
        "number": helpers.number,
        "slugify": helpers.slugify,
        "duration_words": clock.duration_words,
        "excerpt": helpers.excerpt,
        "person": helpers.person,
        "question_excerpt": helpers.question_excerpt,
    }
    functions: dict[str, Callable[..., object]] = {
        "may": helpers.may,
        "why_not": helpers.why_not,
        "post_url": helpers.post_url,
        "question_url": helpers.question_url,
        "retry_after_seconds": helpers.retry_after_seconds,
        "comment_form": questions.comment_form,
        "vote_controls": reputation.vote_controls,
        "parts_of": fragments.parts_of,
        "revision_summary": helpers.revision_summary,
        "reputation_panel": reputation.reputation_panel,
        "moderation_labels": moderation.moderation_labels,
        "duplicates_of": moderation.duplicates_of,
        "open_flag_count": moderation.open_flag_count,
    }
    for name, function in filters.items():
        app.add_template_filter(function, name)
    for name, function in functions.items():
        app.add_template_global(function, name)
    app.context_processor(helpers.current_path)
    app.context_processor(feed.live_globals)


def register_commands(app: Flask) -> None:
    from forum.cli import forum_cli

    app.cli.add_command(forum_cli)
