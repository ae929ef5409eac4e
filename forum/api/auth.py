"""Who is calling the API: a bearer token, or else the browser session.

A write made with the browser's session cookie, rather than a token, must
come from this site: a foreign Origin (or Sec-Fetch-Site: cross-site) is
refused, and the request must carry a JSON body with a JSON content type,
which a cross-site form cannot send without a CORS preflight the forum
never grants, or the page's CSRF token in an X-CSRFToken header. Bearer
tokens are not sent by browsers on their own, so token requests skip this.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import BadRequest
from wtforms.validators import ValidationError

from forum.extensions import db
from forum.models import User
from forum.services.accounts import user_for_token
from forum.services.errors import Forbidden, Invalid, NotSignedIn

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def api_user() -> User | None:
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    user: User | None = None
    if header:
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn(_("The Authorization header must be 'Bearer <token>'."))
        user = user_for_token(db.session, token.strip())
        if user is None:
            raise NotSignedIn(_("That token is unknown or revoked."))
        db.session.commit()
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
    g.api_user = user
    return user


def require_user() -> User:
    user = api_user()
    if user is None:
        raise NotSignedIn(_("Sign in or send 'Authorization: Bearer <token>' to do that."))
    return user


def json_body(allowed: AbstractSet[str] | None = None) -> dict:
    """The request's JSON object, or Invalid with a clear reason.

    With `allowed` (a body's fields, from api/inputs.py), a field outside it is refused
    rather than silently ignored.
    """
    if not request.is_json:
        raise Invalid(
            {"body": _("send JSON with Content-Type: application/json")}, _("Expected a JSON body.")
        )
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise Invalid({"body": _("is not valid JSON")}, _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Invalid({"body": _("must be a JSON object")}, _("The JSON body must be an object."))
    unknown = set(data) - allowed if allowed is not None else set()
    if unknown:
        raise Invalid({name: _("is not a known field") for name in sorted(unknown)})
    return data


def forget_api_user() -> None:
    """Runs before each API request: `g` can outlive a request (tests share one app context)."""
    g.pop("api_user", None)


def check_bearer_token() -> None:
    """Runs before each API request: a bad or revoked token is refused even on a public read,
    so a client learns at once that its token stopped working."""
    if request.headers.get("Authorization"):
        api_user()


def check_cookie_write() -> None:
    """Runs before each API request: refuse a cookie-authenticated write that could be cross-site."""
    if request.method not in UNSAFE_METHODS or request.headers.get("Authorization"):
        return
    if not current_user.is_authenticated:
        return  # nothing to borrow: without a token the view refuses, or (sign-up) wants JSON
    origin = request.headers.get("Origin")
    site = request.host_url.rstrip("/")
    if (origin is not None and origin != site) or request.headers.get("Sec-Fetch-Site") == "cross-site":
        if origin is None:
            raise Forbidden(
                _(
                    "A request from another site may not act with this browser's session. "
                    "Scripts should send 'Authorization: Bearer <token>'."
                )
            )
        raise Forbidden(
            _(
                "A request from %(origin)s may not act with this browser's session. "
                "Scripts should send 'Authorization: Bearer <token>'.",
                origin=origin,
            )
        )
    if request.is_json:
        return
    token = request.headers.get("X-CSRFToken")
    if token:
        try:
            validate_csrf(token)
        except ValidationError as error:
            raise Forbidden(
                _("The X-CSRFToken header is not valid: %(error)s. Reload the page.", error=error)
            ) from None
        return
    raise Forbidden(
        _(
            "A change made with this browser's session must send JSON (Content-Type: "
            "application/json) or the page's X-CSRFToken header; scripts should send "
            "'Authorization: Bearer <token>'."
        )
    )
