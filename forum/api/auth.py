"""Who is calling the API: a bearer token, or else the browser session."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from forum.extensions import db
from forum.models import User
from forum.services.accounts import user_for_token
from forum.services.errors import Invalid, NotSignedIn


def api_user() -> User | None:
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    user: User | None = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn("The Authorization header must be 'Bearer <token>'.")
        user = user_for_token(db.session, token.strip())
        if user is None:
            raise NotSignedIn("That token is unknown or revoked.")
        db.session.commit()
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
    g.api_user = user
    return user


def require_user() -> User:
    user = api_user()
    if user is None:
        raise NotSignedIn("Sign in or send 'Authorization: Bearer <token>' to do that.")
    return user


def json_body(allowed: set[str] | None = None) -> dict:
    """The request's JSON object, or Invalid with a clear reason.

    With `allowed`, a field outside it is refused rather than silently ignored.
    """
    if not request.is_json:
        raise Invalid({"body": "send JSON with Content-Type: application/json"}, "Expected a JSON body.")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise Invalid({"body": "is not valid JSON"}, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object"}, "The JSON body must be an object.")
    unknown = set(data) - allowed if allowed is not None else set()
    if unknown:
        raise Invalid({name: "is not a known field" for name in sorted(unknown)})
    return data


def forget_api_user() -> None:
    """Runs before each API request: `g` can outlive a request (tests share one app context)."""
    g.pop("api_user", None)


def check_bearer_token() -> None:
    """Runs before each API request: a bad or revoked token is refused even on a public read,
    so a client learns at once that its token stopped working."""
    if request.headers.get("Authorization"):
        api_user()
