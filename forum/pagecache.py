"""Whole pages for anonymous readers, kept in a cache and revalidated with ETags.

Most of a support community's traffic is somebody arriving from a web
search to read one question. For a reader who is not signed in, the home
page, the question lists, a question page, the search results and the
API's question are the same for everyone, so the first request renders
them and the next ones are served from Flask-Caching (Redis when
FORUM_REDIS_URL is set, else this process's memory).

Every key carries the interface language (forum/i18n.py), and nothing is
ever stale: every key carries the page generation
(forum/models/cache.py), which `bump_generation`, a subscriber of
forum/changes.py, moves in the very transaction of any change to posts,
comments, votes, acceptance, moderation or authors. Once it commits, every
older copy is out of reach, in every process at once. The ETag is the key's
digest, so a browser that has the page gets a 304 without anything being
rendered or read, and `Last-Modified` is when the generation last moved.

A search page with words in it is not kept whole: its links carry the
visitor's own logged search (forum/web/search.py), so its view calls
`keep_out` and keeps its rendered results itself, under `versioned`, with a
stand-in for the search id.

Signed-in readers are not served whole pages (votes, controls and forms are
theirs). Their API reads still get an ETag of the body, and a 304 when they
send it back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_caching import Cache
from sqlalchemy import CursorResult, exists, insert, select, update
from sqlalchemy.orm import Session

from forum import clock, i18n
from forum.changes import ChangeSet, Effect
from forum.extensions import db
from forum.models import CacheGeneration, SearchOutbox
from forum.models.cache import PAGES

cache = Cache()

# Endpoints whose anonymous GET is one page for everyone.
CACHED_ENDPOINTS = frozenset({
    "questions.index", "questions.show", "search.results", "api.show_question", "api.list_questions",
})  # fmt: skip
# Pages read from the search index, which catches up just after the commit that changed the
# data: they are only stored once the index has nothing left to apply.
INDEX_PAGES = frozenset({"search.results"})
_KEY = "forum_page_cache_key"


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    cache.init_app(app, config={
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"forum-pages:{app.config.get('SOCKETIO_CHANNEL') or 'forum'}:",
        "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
        "CACHE_THRESHOLD": app.config["PAGE_CACHE_ENTRIES"],
    })  # fmt: skip
    app.before_request(serve_cached)
    app.after_request(store_page)


# --- the generation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    value: int
    changed_at: datetime


def generation() -> Generation | None:
    """The current generation; None while its row is missing (a table emptied by hand): then
    nothing is kept until the next change writes the row again."""
    row = db.session.execute(
        select(CacheGeneration.value, CacheGeneration.changed_at).where(CacheGeneration.name == PAGES)
    ).one_or_none()
    return Generation(row.value, row.changed_at) if row is not None else None


def request_memo() -> dict:
    """A dict that lives exactly as long as this request. (`g` belongs to the app context, which
    a test or a command may hold open around many requests.)"""
    return request.environ.setdefault("forum.memo", {})


def versioned(name: str) -> str | None:
    """A cache key for `name` as of the current generation, or None when nothing may be kept
    (the page cache is off, or the generation row is missing). Read once per request."""
    if not current_app.config["PAGE_CACHE"]:
        return None
    current = _current()
    return None if current is None else _prefix(current) + name


def _current() -> Generation | None:
    """The generation, read once per request (the whole-page cache and the kept pieces of a
    thread ask for it in the same request)."""
    memo = request_memo() if has_request_context() else {}
    if "generation" not in memo:
        memo["generation"] = generation()
    return memo["generation"]


def _prefix(current: Generation) -> str:
    # The time as well as the number: a row written again (a restored backup, an emptied
    # table) starts its numbers over, and must not meet pages kept under the old ones.
    return f"{current.value}.{current.changed_at.timestamp()}:{i18n.language()}:"


def bump_generation(session: Session, changes: ChangeSet) -> Effect | None:
    """The page-cache subscriber: whatever changed, every cached page is now older."""
    now = clock.now()
    moved = session.execute(
        update(CacheGeneration)
        .where(CacheGeneration.name == PAGES)
        .values(value=CacheGeneration.value + 1, changed_at=now)
    )
    if not cast("CursorResult[Any]", moved).rowcount:
        session.execute(insert(CacheGeneration).values(name=PAGES, value=1, changed_at=now))
    return None


# --- serving ----------------------------------------------------------------------------------


def _anonymous() -> bool:
    """Nobody signed in, decided without loading a user: no session user, no remember-me."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        "_user_id" not in session
        and not request.cookies.get(remember)
        and ("Authorization" not in request.headers)
    )


def shareable() -> bool:
    """This request's page is the same for every reader: nobody signed in, nothing flashed."""
    return _anonymous() and not session.get("_flashes")


def _cacheable() -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method in ("GET", "HEAD")
        and request.endpoint in CACHED_ENDPOINTS
        and shareable()
    )


def _key(current: Generation) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.args.items(multi=True)))
    return f"{_prefix(current)}{request.path}?{query}"


def _etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def _validators(response: Response, key: str, current: Generation) -> Response:
    response.set_etag(_etag(key))
    response.last_modified = current.changed_at
    response.headers["Cache-Control"] = "no-cache"  # keep it, but ask each time: changes show at once
    response.vary.add("Cookie")  # the session, and the `lang` cookie
    response.vary.add("Accept-Language")
    return response


def serve_cached() -> Response | None:
    """Before the view: answer a repeat visit with 304, a stored page as is, or fall through."""
    if not _cacheable():
        return None
    current = _current()
    if current is None:
        return None
    key = _key(current)
    if request.if_none_match.contains(_etag(key)):
        return _validators(Response(status=304), key, current)
    stored = cache.get(key)
    if stored is not None:
        body, mimetype = stored
        return _validators(Response(body, mimetype=mimetype), key, current)
    if request.endpoint in INDEX_PAGES and index_behind():
        return None  # render it from the index as it is, but do not keep it
    g.setdefault(_KEY, (key, current))
    return None


def keep_out() -> None:
    """Called by a view whose page is this visitor's own (the search page, whose links carry the
    visitor's logged search): it is served as rendered, and never kept for anyone else."""
    g.pop(_KEY, None)


def store_page(response: Response) -> Response:
    """After the view: keep what an anonymous reader was shown, with its validators."""
    pending = g.pop(_KEY, None)
    if pending is None:
        return _tag_api_read(response)
    key, current = pending
    if response.status_code != 200 or response.direct_passthrough or session.modified:
        return response
    cache.set(key, (response.get_data(), response.mimetype))
    return _validators(response, key, current)


def _tag_api_read(response: Response) -> Response:
    """Any other successful API read gets an ETag of its body, so a client that sends it back
    gets a 304 (nothing is saved on our side, but the body is not sent again)."""
    if (
        request.method == "GET"
        and request.blueprint == "api"
        and response.status_code == 200
        and response.is_json
        and "ETag" not in response.headers
    ):
        response.add_etag()
        response.make_conditional(request)
    return response


def index_behind() -> bool:
    """The search index has changes still to apply (pages read from it must not be kept)."""
    return bool(db.session.scalar(select(exists().where(SearchOutbox.id.is_not(None)))))
