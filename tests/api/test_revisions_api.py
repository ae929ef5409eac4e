"""GET /posts/{id}/revisions comes in pages of at most 10, newest first."""

from __future__ import annotations

from forum.services import posting
from tests.api.helpers import assert_error
from tests.conftest import LONG_BODY


def edit_many(session, post, count: int) -> None:
    for n in range(2, count + 2):
        posting.edit_post(session, post.author, post, body=f"{LONG_BODY} Edit {n}.")
        session.commit()


def test_revisions_of_post_with_25_revisions_come_in_pages_of_10(api, session, question):
    edit_many(session, question, 24)
    first = api.get(f"/posts/{question.id}/revisions").get_json()
    assert (first["total"], first["page"], first["page_size"]) == (25, 1, 10)
    assert [r["number"] for r in first["items"]] == list(range(25, 15, -1))
    last = api.get(f"/posts/{question.id}/revisions?page=3").get_json()
    assert [r["number"] for r in last["items"]] == [5, 4, 3, 2, 1]
    assert last["items"][-1]["body"] == LONG_BODY


def test_revisions_with_page_size_over_10_are_refused(api, question):
    error = assert_error(api.get(f"/posts/{question.id}/revisions?page_size=11"), 400, "invalid")
    assert error["fields"] == {"page_size": "must be between 1 and 10"}
