"""With CSRF protection on (as in development and production), forms need their token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.models import Post
from tests.web.conftest import PASSWORD, text_of


@pytest.fixture
def app_overrides() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def test_login_without_csrf_token_is_refused_with_explanation(client, member):
    response = client.post("/login", data={"username": member.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in text_of(response.text)
    assert "Log out" not in client.get("/").text


def test_login_with_csrf_token_from_the_form_works(client, member):
    token = csrf_token_in(client.get("/login").text)
    response = client.post(
        "/login", data={"username": member.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_ask_without_csrf_token_creates_nothing(client, member, session):
    token = csrf_token_in(client.get("/login").text)
    client.post("/login", data={"username": member.username, "password": PASSWORD, "csrf_token": token})
    response = client.post(
        "/questions/ask",
        data={"title": "A perfectly fine question title", "body": "x" * 40, "tags": "router"},
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Post)) == 0


def test_comment_form_token_with_prefix_is_accepted(client, member, question, session):
    token = csrf_token_in(client.get("/login").text)
    client.post("/login", data={"username": member.username, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/questions/{question.id}", follow_redirects=True).text
    prefixed = re.search(rf'name="comment-{question.id}-csrf_token"[^>]*value="([^"]+)"', page)
    assert prefixed, "the comment form carries its own token field"
    response = client.post(
        f"/posts/{question.id}/comments",
        data={
            f"comment-{question.id}-body": "Which model is the router?",
            f"comment-{question.id}-csrf_token": prefixed.group(1),
        },
    )
    assert response.status_code == 302
