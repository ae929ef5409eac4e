"""Fixtures for API tests: proof that a refusal changed nothing, clients with given tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.api.helpers import database_state


@pytest.fixture
def unchanged(session):
    """`with unchanged(): ...` fails when the block changed anything in the database."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state(session)
        yield
        assert database_state(session) == before

    return check


@pytest.fixture
def api_with_token(api):
    """api_with_token(token) -> a client that sends exactly that bearer token."""
    return lambda token: type(api)(api.client, token)
