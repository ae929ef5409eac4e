"""Fixtures for search tests: a built (empty) index and a helper that searches like a reader."""

from __future__ import annotations

import pytest

from forum import search


@pytest.fixture
def find(session, index):
    """find("query", sort=...) -> the ids of the hits, in order (first page of 50)."""

    def run(text: str, **kw) -> list[int]:
        return [hit.id for hit in search.search(session, text, page_size=50, **kw).items]

    return run
