"""Who made a search, without knowing who: the search log's visitor key.

A page visitor is a random value in the `forum_visitor` cookie; an API
caller with a bearer token is that token's user. Either is stored only as a
keyed hash whose key (the salt) is derived from SECRET_KEY and the UTC date,
so it changes every day: the log can count distinct visitors within a day,
and nobody (the forum included) can follow one visitor from one day to the
next or recover the cookie or the user from it. IP addresses are never read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from typing import TypeVar

from flask import current_app, request
from werkzeug.wrappers import Response

from forum import clock
from forum.models import User

COOKIE = "forum_visitor"
COOKIE_DAYS = 365
_NEW = "forum.visitor_cookie"
AnyResponse = TypeVar("AnyResponse", bound=Response)


def _cookie_value() -> str:
    """This browser's random visitor value; a new one (sent back by `keep_cookie`) when it has none."""
    raw = request.cookies.get(COOKIE, "")
    if 16 <= len(raw) <= 64 and raw.isalnum():
        return raw
    return request.environ.setdefault(_NEW, secrets.token_hex(16))


def _salt(day: date) -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"search-visitor:{day.isoformat()}".encode(), hashlib.sha256).digest()


def visitor_key(token_user: User | None = None, day: date | None = None) -> str:
    """The hashed key of whoever makes this request, with the salt of `day` (default today).

    `token_user` is the user of a bearer token (the API); without it the cookie speaks.
    """
    who = f"user:{token_user.id}" if token_user is not None else f"cookie:{_cookie_value()}"
    salt = _salt(day or clock.now().date())
    return hmac.new(salt, who.encode(), hashlib.sha256).hexdigest()[:32]


def keep_cookie(response: AnyResponse) -> AnyResponse:
    """Send the visitor cookie made during this request, if one was."""
    value = request.environ.get(_NEW)
    if value is not None:
        response.set_cookie(
            COOKIE,
            value,
            max_age=COOKIE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def answer_voter_key(answer_id: int, user: User | None) -> str:
    """Who votes "did this solve your problem?" on one answer: a signed-in `user`, else this
    browser's cookie, hashed with the answer in the message under a key that does not rotate.
    So one visitor has one vote per answer for good, and votes on different answers cannot be
    joined into one person's."""
    who = f"user:{user.id}" if user is not None else f"cookie:{_cookie_value()}"
    secret = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), b"helped-voter", hashlib.sha256
    ).digest()
    return hmac.new(secret, f"{answer_id}:{who}".encode(), hashlib.sha256).hexdigest()[:32]
