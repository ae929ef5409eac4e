"""Named rate limits read from config, and the per-account log-in throttle.

Limits key on the client address (sign-up, log-in, tokens) or the user
(posting). Behind a proxy the address is the real client's once
FORUM_TRUSTED_PROXIES says how many hops to trust (forum/serving.py).

Log-in is also throttled per account, counting failures from any address:
each tier of RATELIMIT_LOGIN_ACCOUNT that fills makes the next attempt on
that account wait longer, so a password guessed from many addresses slows
to a crawl. The owner is not locked out by it: a browser that has logged in
to the account before carries a signed "known browser" cookie and skips the
account throttle (the per-address limit still applies to it), and anyone
else may try again once the wait is over.
"""

from __future__ import annotations

import math
import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse_many
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from forum.extensions import limiter
from forum.models import User
from forum.services import accounts
from forum.services.errors import Invalid
from forum.services.validation import storable

KNOWN_BROWSER_COOKIE = "forum_known"
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 3600
KNOWN_BROWSER_MAX_ACCOUNTS = 5  # a shared family computer, say


def _user_or_address() -> str:
    from flask import g

    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    if user is not None:
        return f"user:{user.id}"
    return f"addr:{get_remote_address()}"  # the real client once trusted proxies are set


def _limit(setting: str):
    return lambda: current_app.config[setting]


signup_limit = limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"], scope="signup")
login_limit = limiter.limit(_limit("RATELIMIT_LOGIN"), methods=["POST"], scope="login")
token_limit = limiter.limit(_limit("RATELIMIT_TOKENS"), methods=["POST"], scope="tokens")
posting_limit = limiter.limit(
    _limit("RATELIMIT_POSTING"), key_func=_user_or_address, methods=["POST"], scope="posting"
)
# One count per user for every edit, page form (POST) or API (PATCH), questions and answers alike.
editing_limit = limiter.shared_limit(
    _limit("RATELIMIT_EDITING"), key_func=_user_or_address, methods=["POST", "PATCH"], scope="editing"
)

# "Did this solve your problem?" from the page form and the API alike, per user or address.
helped_limit = limiter.shared_limit(
    _limit("RATELIMIT_HELPED"), key_func=_user_or_address, methods=["POST"], scope="helped"
)

# ---- the per-account log-in throttle ----


def _account_key(username: object) -> str:
    return username.strip().casefold()[:200] if isinstance(username, str) else ""


def _account_tiers() -> list[RateLimitItem]:
    return parse_many(current_app.config["RATELIMIT_LOGIN_ACCOUNT"])


def _throttling() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def account_wait(username: object) -> int:
    """Seconds until this account may be tried again from an unknown browser (0: now)."""
    key = _account_key(username)
    if not key or not _throttling():
        return 0
    wait = 0.0
    for tier in _account_tiers():
        if not limiter.limiter.test(tier, "login-account", key):
            reset_at, _remaining = limiter.limiter.get_window_stats(tier, "login-account", key)
            wait = max(wait, reset_at - time.time())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def record_failed_login(username: object) -> None:
    key = _account_key(username)
    if key and _throttling():
        for tier in _account_tiers():
            limiter.limiter.hit(tier, "login-account", key)


def authenticate(session: Session, username: object, password: object, known: set[int]) -> User:
    """accounts.authenticate behind the account throttle; `known`: accounts this browser used.

    A refusal for waiting (429) says how long; a wrong password counts
    against the account whether or not it exists, so the two look alike.
    """
    wait = account_wait(username)
    if wait and isinstance(username, str):
        # Only while the account waits does it matter who it is: its owner's browser goes on.
        user = accounts.find_user_by_name(session, storable(username).strip())
        if user is None or user.id not in known:
            _refuse(wait)
    try:
        return accounts.authenticate(session, username, password)
    except Invalid:
        record_failed_login(username)
        raise


def _refuse(wait: int) -> None:
    minutes = math.ceil(wait / 60)
    when = f"{minutes} minute{'s' if minutes != 1 else ''}" if wait > 60 else f"{wait} seconds"
    raise TooManyRequests(
        f"too many failed log-ins for this account. Try again in {when}, "
        "or from a browser you have logged in with before",
        retry_after=wait,
    )


# ---- the known-browser cookie ----


def _serializer() -> URLSafeSerializer:
    secret = current_app.secret_key
    if secret is None:
        raise RuntimeError("SECRET_KEY is not set (create_app sets one before any request)")
    return URLSafeSerializer(secret, salt="forum-known-browser")


def known_user_ids() -> set[int]:
    """The accounts this browser has logged in to (from its signed cookie)."""
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not raw:
        return set()
    try:
        ids = _serializer().loads(raw)
    except BadSignature:
        return set()
    return {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def remember_browser(response: Response, user_id: int) -> Response:
    ids = [i for i in sorted(known_user_ids()) if i != user_id][-(KNOWN_BROWSER_MAX_ACCOUNTS - 1) :]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        _serializer().dumps([*ids, user_id]),
        max_age=KNOWN_BROWSER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
