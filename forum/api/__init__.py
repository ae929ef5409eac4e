"""The JSON API under /api/v1: one module per resource, errors in one shape."""

from forum.api import (  # noqa: F401  (each module adds its routes)
    auth,
    errors,
    faq,
    feed,
    moderation,
    needs,
    openapi,
    posts,
    questions,
    search,
    staff,
    users,
    votes,
)
from forum.api.blueprint import api_bp

api_bp.before_request(auth.forget_api_user)
api_bp.before_request(auth.check_bearer_token)
api_bp.before_request(auth.check_cookie_write)
