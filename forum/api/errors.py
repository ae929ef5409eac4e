"""The one API error shape: {"error": {"code", "message", "fields"?, ...}}.

Domain errors, HTTP errors and rate limits under /api/ all come out as JSON,
never as an HTML page.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from forum.api.blueprint import api_bp
from forum.extensions import csrf, db
from forum.services.errors import DomainError

csrf.exempt(api_bp)

HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, **extra: object) -> Response:
    body: dict[str, object] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify({"error": body})
    response.status_code = status
    return response


def domain_error_response(error: DomainError) -> Response:
    return error_response(error.status, error.code, error.message, **error.details())


@api_bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    # A refused request changes nothing, even what it touched before the refusal.
    db.session.rollback()
    return domain_error_response(error)


def http_error_response(error: HTTPException) -> Response:
    status = error.code or 500
    message = error.description or error.name
    if status == 429:
        message = _("Too many requests: %(limit)s. Try again later.", limit=error.description)
    response = error_response(status, HTTP_CODES.get(status, "error"), message)
    for name in ("Retry-After", "Allow"):
        if error.get_headers() and dict(error.get_headers()).get(name):
            response.headers[name] = dict(error.get_headers())[name]
    return response


def is_api_request() -> bool:
    return request.path.startswith(api_bp.url_prefix or "/api/v1")
