"""Fixtures for the self-learning FAQ: a built search index, and visitors as separate cookie jars."""

from __future__ import annotations

import pytest
from flask import g
from flask.testing import FlaskClient

from tests.social.conftest import fake_x  # noqa: F401 (the fake X server, for the tweet tests)
from tests.web.conftest import login


class Browser(FlaskClient):
    """A test client that is its own reader: the tests hold one app context for every request,
    so Flask-Login's user of the last request (kept in `g`) is forgotten before each of ours."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def visitor(app):
    """visitor() -> a new browser: its own cookie jar, so its own visitor key.
    visitor(user) -> the same, signed in as `user` through the log-in form."""

    def make(user=None):
        browser = Browser(app, app.response_class, use_cookies=True)
        if user is not None:
            assert login(browser, user).status_code == 302
        return browser

    return make
