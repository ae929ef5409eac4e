"""Rate limits on the page forms: the 429 page says when to try again."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import login, text_of


@pytest.fixture
def app_overrides() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "2 per minute",
        "RATELIMIT_SIGNUP": "1 per hour",
        "RATELIMIT_POSTING": "1 per minute",
    }


def test_login_over_the_limit_gets_429_page_saying_when_to_retry(client, member):
    for _ in range(2):
        assert login(client, member, password="guess again").status_code == 400
    response = login(client, member)
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 60
    words = text_of(response.text)
    assert "the limit is 2 per 1 minute" in words
    assert re.search(r"You can try again in \d+ seconds?\.", words)


def test_login_page_itself_is_not_limited(client, member):
    for _ in range(2):
        login(client, member, password="guess again")
    assert client.get("/login").status_code == 200


def test_signup_over_the_limit_gets_429(client):
    client.post("/signup", data={"username": "first", "email": "f@example.com", "password": "long enough"})
    client.post("/logout")
    response = client.post(
        "/signup", data={"username": "second", "email": "s@example.com", "password": "long enough"}
    )
    assert response.status_code == 429
    assert "You can try again in" in text_of(response.text)


def test_posting_answers_over_the_limit_gets_429(logged_in, other_member, question):
    client = logged_in(other_member)
    body = "Hold the reset button for a full ten seconds."
    assert client.post(f"/questions/{question.id}/answers", data={"body": body}).status_code == 302
    response = client.post(f"/questions/{question.id}/answers", data={"body": body + " Again."})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
