"""Error responses for the whole app: JSON under /api/, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.api.errors import error_response, http_error_response, is_api_request
from forum.services.errors import DomainError, NotSignedIn

log = logging.getLogger(__name__)


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
        response = app.make_response(
            (
                render_template("error.html", status=status, title=error.name, message=error.description),
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
            "error.html", status=error.status, title="Not possible", message=error.message
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
            "error.html", status=500, title="Something went wrong", message=InternalServerError.description
        ), 500
