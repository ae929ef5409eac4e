"""Named rate limits read from config, so tests and deployments can tune them."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from forum.extensions import limiter


def _user_or_address() -> str:
    from flask import g, request

    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    if user is not None:
        return f"user:{user.id}"
    return f"addr:{request.remote_addr}"


def _limit(setting: str):
    return lambda: current_app.config[setting]


signup_limit = limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"], scope="signup")
login_limit = limiter.limit(_limit("RATELIMIT_LOGIN"), methods=["POST"], scope="login")
token_limit = limiter.limit(_limit("RATELIMIT_TOKENS"), methods=["POST"], scope="tokens")
posting_limit = limiter.limit(
    _limit("RATELIMIT_POSTING"), key_func=_user_or_address, methods=["POST"], scope="posting"
)
