"""Fixtures for search tests: a built (empty) index on each backend, and a helper that searches like a reader.

Every test that takes `index` (or `find`) runs once per backend: Whoosh
always, PostgreSQL when FORUM_TEST_DATABASE_URL names a PostgreSQL database
(the suite then runs on it). Tests of the Whoosh index's own files and
writer lock are marked `whoosh_only`.
"""

from __future__ import annotations

import pytest

from forum import search
from forum.search import storage
from tests.conftest import PG_URL

BACKENDS = ["whoosh", *(["postgres"] if PG_URL and PG_URL.startswith("postgresql") else [])]


@pytest.fixture(params=BACKENDS)
def index(request, app, session):
    """The search index (Whoosh) or documents table (postgres) built from the database as it is now;
    posts added later reach it after their commit."""
    if request.param == "postgres" and request.node.get_closest_marker("whoosh_only"):
        pytest.skip("tests the Whoosh index's files")
    app.config["SEARCH_BACKEND"] = request.param
    search.rebuild(session)
    yield app.config["INDEX_DIR"]
    storage.forget_searchers()


@pytest.fixture
def find(session, index):
    """find("query", sort=...) -> the ids of the hits, in order (first page of 50)."""

    def run(text: str, **kw) -> list[int]:
        return [hit.id for hit in search.search(session, text, page_size=50, **kw).items]

    return run
