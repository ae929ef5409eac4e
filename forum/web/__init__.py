"""The HTML side: blueprints for pages and error pages (forum/setup.py gives templates their helpers)."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from forum.web import auth, errors, feed, questions, reputation, tags, users

    errors.register(app)
    for module in (auth, questions, users, tags, reputation, feed):
        app.register_blueprint(module.bp)

    from forum.web import faq, search

    app.register_blueprint(search.bp)
    app.register_blueprint(faq.bp)

    from forum.web import admin, moderation, needs, staff

    for module in (moderation, staff, needs, admin):
        app.register_blueprint(module.bp)

    from forum.web import mirror

    app.register_blueprint(mirror.bp)
