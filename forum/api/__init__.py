"""The JSON API under /api/v1: one module per resource, errors in one shape."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

from forum.api import (  # noqa: E402,F401
    auth,
    errors,
    feed,
    moderation,
    openapi,
    posts,
    questions,
    search,
    staff,
    users,
    votes,
)

api_bp.before_request(auth.forget_api_user)
api_bp.before_request(auth.check_bearer_token)
api_bp.before_request(auth.check_cookie_write)
