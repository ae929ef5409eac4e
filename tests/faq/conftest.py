"""Fixtures for the self-learning FAQ: a built search index, and visitors as separate cookie jars."""

from __future__ import annotations

import pytest

from forum import search
from forum.search import storage
from tests.web.conftest import login


@pytest.fixture
def index(app, session):
    """An index built from the database as it is now (posts added later reach it after commit)."""
    search.rebuild(session)
    yield app.config["INDEX_DIR"]
    storage.forget_searchers()


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
