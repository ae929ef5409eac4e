"""Fixtures for page tests: log in through the real form, read pages as a user would."""

from __future__ import annotations

import re
from html import unescape

import pytest

PASSWORD = "correct horse"  # what tests/conftest.py's make_user gives every account


def login(client, user, password: str = PASSWORD, **extra):
    return client.post("/login", data={"username": user.username, "password": password, **extra})


@pytest.fixture
def logged_in(client):
    """logged_in(user) -> the test client, signed in as `user` through the log-in form."""

    def sign_in(user):
        response = login(client, user)
        assert response.status_code == 302, response.text
        return client

    return sign_in


def text_of(html: str) -> str:
    """The visible words of a page, tags removed and whitespace folded."""
    without_tags = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(without_tags).split())


def field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)).strip() if match else None


@pytest.fixture
def users(make_user, staff, moderator, session):
    """The people who make changes in the page-cache tests: staff, a moderator, three voters."""
    voters = [make_user(reputation=50) for _ in range(3)]
    session.commit()
    return {"staff": staff, "moderator": moderator, "voters": voters}
