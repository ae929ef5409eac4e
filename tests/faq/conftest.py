"""Fixtures for the self-learning FAQ: a built search index, and visitors as separate cookie jars."""

from __future__ import annotations

import pytest

from tests.web.conftest import login


@pytest.fixture
def visitor(app):
    """visitor() -> a new browser: its own cookie jar, so its own visitor key.
    visitor(user) -> the same, signed in as `user` through the log-in form."""

    def make(user=None):
        browser = app.test_client()
        if user is not None:
            assert login(browser, user).status_code == 302
        return browser

    return make
