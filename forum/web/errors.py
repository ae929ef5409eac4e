"""Error responses for the whole app: JSON under /api/, pages elsewhere.

A page's heading and wording are in the request's language; so is Werkzeug's own
description of a status (copied below for the catalogues) when a view gave none.
"""

from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions
from werkzeug.exceptions import HTTPException, NotFound

from forum.api.errors import error_response, http_error_response, is_api_request
from forum.services.errors import DomainError, NotSignedIn

log = logging.getLogger(__name__)

# The heading of each error page, in words; a status not listed shows its HTTP name.
PAGE_TITLES = {
    400: _l("Not possible"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not possible here"),
    409: _l("Not possible right now"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
NOT_FOUND_MESSAGE = _l(
    "There is nothing at this address. The link may be mistyped, or what it pointed to"
    " was deleted or merged into another question."
)
# Werkzeug's default description of each status (English only), as the page shows it.
DEFAULT_DESCRIPTIONS = {
    exceptions.BadRequest.description: _l(
        "The browser (or proxy) sent a request that this server could not understand."
    ),
    exceptions.Forbidden.description: _l(
        "You don't have the permission to access the requested resource. It is either"
        " read-protected or not readable by the server."
    ),
    exceptions.MethodNotAllowed.description: _l("The method is not allowed for the requested URL."),
    exceptions.Conflict.description: _l(
        "A conflict happened while processing the request. The resource might have been"
        " modified while the request was being processed."
    ),
    exceptions.RequestEntityTooLarge.description: _l(
        "The data value transmitted exceeds the capacity limit."
    ),
    exceptions.InternalServerError.description: _l(
        "The server encountered an internal error and was unable to complete your request."
        " Either the server is overloaded or there is an error in the application."
    ),
}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if is_api_request():
            return http_error_response(error)
        return render_template(
            "error.html",
            status=400,
            title=_("The form expired"),
            message=_("The form was stale or came from elsewhere. Go back, reload the page and try again."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return http_error_response(error)
        status = error.code or 500
        message = error.description
        if status == 404 and message == NotFound.description:
            message = NOT_FOUND_MESSAGE
        elif isinstance(message, str):
            message = DEFAULT_DESCRIPTIONS.get(message, message)
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
            title=PAGE_TITLES.get(error.status, _("Not possible")),
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
            "error.html",
            status=500,
            title=PAGE_TITLES[500],
            message=DEFAULT_DESCRIPTIONS[exceptions.InternalServerError.description],
        ), 500
