"""Error responses for the whole app: JSON under /api/, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from forum.api.errors import error_response, http_error_response, is_api_request
from forum.services.errors import DomainError, NotSignedIn

log = logging.getLogger(__name__)

# The heading of each error page, in words; a status not listed shows its HTTP name.
PAGE_TITLES = {
    400: "Not possible",
    403: "Not allowed",
    404: "Page not found",
    405: "Not possible here",
    409: "Not possible right now",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}
NOT_FOUND_MESSAGE = (
    "There is nothing at this address. The link may be mistyped, or what it pointed to"
    " was deleted or merged into another question."
)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if is_api_request():
            return http_error_response(error)
        return render_template(
            "error.html",
            status=400,
            title="The form expired",
            message="The form was stale or came from elsewhere. Go back, reload the page and try again.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return http_error_response(error)
        status = error.code or 500
        message = error.description
        if status == 404 and message == NotFound.description:
            message = NOT_FOUND_MESSAGE
        response = app.make_response(
            (
                render_template(
                    "error.html", status=status, title=PAGE_TITLES.get(status, error.name), message=message
                ),
                status,
            )
        )
        if status == 429 and error.get_headers():
            for name, value in error.get_headers():
                if name == "Retry-After":
                    response.headers[name] = value
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A refusal that escaped a page view: show it in words."""
        if is_api_request():
            return error_response(error.status, error.code, error.message, **error.details())
        if isinstance(error, NotSignedIn):
            flash(error.message, "error")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return render_template(
            "error.html",
            status=error.status,
            title=PAGE_TITLES.get(error.status, "Not possible"),
            message=error.message,
        ), error.status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        from forum.extensions import db

        db.session.rollback()
        if is_api_request():
            return error_response(500, "internal_error", "Something went wrong on our side.")
        return render_template(
            "error.html", status=500, title=PAGE_TITLES[500], message=InternalServerError.description
        ), 500
