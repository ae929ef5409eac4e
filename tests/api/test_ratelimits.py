"""Rate limits, switched on for this module only: 429 with Retry-After and the
JSON error shape, and the refused request creates nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.models import ApiToken, Post, User
from tests.api.helpers import assert_error


@pytest.fixture
def app_overrides() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_SIGNUP": "2 per minute",
        "RATELIMIT_TOKENS": "2 per minute",
        "RATELIMIT_POSTING": "2 per minute",
    }


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def signup(api, n: int):
    return api.post(
        "/users", json={"username": f"user{n}", "email": f"user{n}@example.com", "password": "12345678"}
    )


def test_third_signup_in_a_minute_is_rate_limited(api, session):
    assert [signup(api, n).status_code for n in (1, 2)] == [201, 201]
    response = signup(api, 3)
    error = assert_error(response, 429, "rate_limited")
    assert "Too many requests" in error["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert count(session, User) == 2
    assert [u.username for u in session.scalars(select(User).order_by(User.id))] == ["user1", "user2"]


def test_third_token_request_in_a_minute_is_rate_limited(api, session, member):
    credentials = {"username": "alice", "password": "correct horse"}
    assert [api.post("/tokens", json=credentials).status_code for _ in range(2)] == [201, 201]
    response = api.post("/tokens", json=credentials)
    assert_error(response, 429, "rate_limited")
    assert "Retry-After" in response.headers
    assert count(session, ApiToken) == 2


def test_third_post_in_a_minute_is_rate_limited(api_as, session, member):
    alice = api_as(member)
    question = {"title": "A question about rate limits", "body": "b" * 40, "tags": ["meta"]}
    assert [alice.post("/questions", json=question).status_code for _ in range(2)] == [201, 201]
    response = alice.post("/questions", json=question)
    assert_error(response, 429, "rate_limited")
    assert "Retry-After" in response.headers
    assert count(session, Post) == 2


def test_reads_are_not_limited_by_the_posting_limit(api):
    assert {api.get("/questions").status_code for _ in range(5)} == {200}


def test_posting_limit_is_counted_per_user_not_per_address(api_as, member, other_member):
    question = {"title": "A question about rate limits", "body": "b" * 40, "tags": ["meta"]}
    alice, bob = api_as(member), api_as(other_member)
    assert [alice.post("/questions", json=question).status_code for _ in range(3)] == [201, 201, 429]
    assert bob.post("/questions", json=question).status_code == 201
