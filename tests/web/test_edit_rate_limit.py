"""Edits are rate limited per user like posts (RATELIMIT_EDITING, default 30 per 10
minutes), on the page form and the API alike, counted together."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of

LIMIT = 30  # the default RATELIMIT_EDITING: "30 per 10 minutes"


@pytest.fixture
def app_overrides() -> dict:
    return {"RATELIMIT_ENABLED": True}


def edit_form(n: int) -> dict:
    return {
        "title": "How do I reset my router password?",
        "body": f"{LONG_BODY} Edit {n}.",
        "tags": "router wifi",
    }


def test_edit_page_31st_edit_in_a_row_gets_429_with_retry_after(logged_in, member, question):
    client = logged_in(member)
    for n in range(LIMIT):
        assert client.post(f"/posts/{question.id}/edit", data=edit_form(n)).status_code == 302
    response = client.post(f"/posts/{question.id}/edit", data=edit_form(LIMIT))
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    assert "You can try again in" in text_of(response.text)
    assert f"Edit {LIMIT}." not in client.get(f"/questions/{question.id}", follow_redirects=True).text


def test_api_edit_31st_in_a_row_gets_429_with_retry_after(api_as, other_member, answered_question):
    bob = api_as(other_member)
    answer = answered_question.answers[0]
    for n in range(LIMIT):
        assert bob.patch(f"/answers/{answer.id}", json={"body": f"{LONG_BODY} Edit {n}."}).status_code == 200
    response = bob.patch(f"/answers/{answer.id}", json={"body": f"{LONG_BODY} Edit {LIMIT}."})
    assert_error(response, 429, "rate_limited")
    assert 0 < int(response.headers["Retry-After"]) <= 600


def test_edit_by_page_and_api_count_against_one_limit(logged_in, api_as, member, question):
    client = logged_in(member)
    for n in range(LIMIT):
        assert client.post(f"/posts/{question.id}/edit", data=edit_form(n)).status_code == 302
    response = api_as(member).patch(f"/questions/{question.id}", json={"body": f"{LONG_BODY} By API."})
    assert_error(response, 429, "rate_limited")


def test_edit_limit_is_counted_per_user(logged_in, api_as, member, make_user, question):
    client = logged_in(member)
    for n in range(LIMIT):
        client.post(f"/posts/{question.id}/edit", data=edit_form(n))
    editor = make_user("member", reputation=2500, username="veteran")
    response = api_as(editor).patch(f"/questions/{question.id}", json={"body": f"{LONG_BODY} Veteran."})
    assert response.status_code == 200


def test_edit_page_itself_is_not_limited(logged_in, member, question):
    client = logged_in(member)
    assert {client.get(f"/posts/{question.id}/edit").status_code for _ in range(LIMIT + 1)} == {200}
