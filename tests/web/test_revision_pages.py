"""The revision history comes in pages, and a diff too large to show links to the
whole revision instead, so the page stays small however much a post was edited."""

from __future__ import annotations

import re

import pytest

from forum.services import posting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of

TOO_LARGE = "This diff is too large to show; see the full revision instead."


def huge_body(n: int) -> str:
    """3,300 lines, every one changed from the revision before (and under 30,000 characters)."""
    return "\n".join([f"{n} line"] * 3299 + [f"The end of {n}."])


def edit_many(session, post, count: int, body=lambda n: f"{LONG_BODY} Edit {n}.") -> None:
    for n in range(2, count + 2):
        posting.edit_post(session, post.author, post, body=body(n), summary=f"edit {n}")
        session.commit()


def revision_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="revision card" id="revision-(\d+)">', html)]


@pytest.fixture
def question_with_25_revisions(session, question):
    edit_many(session, question, 24)
    return question


def test_revisions_of_post_with_25_revisions_show_one_page_and_link_to_the_next(
    client, question_with_25_revisions
):
    post_id = question_with_25_revisions.id
    html = client.get(f"/posts/{post_id}/revisions").text
    assert revision_numbers(html) == list(range(25, 15, -1))
    assert "25 revisions, newest first; page 1 of 3." in text_of(html)
    assert f'href="/posts/{post_id}/revisions?page=2" rel="next"' in html
    # The last on the page is still compared with the one before it, on the next page.
    assert "added: " + f"{LONG_BODY} Edit 16." in text_of(html)

    last = client.get(f"/posts/{post_id}/revisions?page=3").text
    assert revision_numbers(last) == [5, 4, 3, 2, 1]
    assert 'rel="next"' not in last


def test_revisions_page_past_the_last_is_404(client, question_with_25_revisions):
    assert client.get(f"/posts/{question_with_25_revisions.id}/revisions?page=4").status_code == 404


def test_revisions_page_size_stays_bounded_when_every_edit_is_huge(client, session, question):
    edit_many(session, question, 24, body=huge_body)
    for page in (1, 2, 3):
        response = client.get(f"/posts/{question.id}/revisions?page={page}")
        assert response.status_code == 200
        assert len(response.data) < 100_000  # 25 diffs of 6,600 lines each made megabytes


def test_revisions_with_huge_edit_say_the_diff_is_too_large_and_link_the_full_revision(
    client, session, question
):
    edit_many(session, question, 1, body=huge_body)
    html = client.get(f"/posts/{question.id}/revisions").text
    assert TOO_LARGE in text_of(html)
    assert f'href="/posts/{question.id}/revisions/2">full revision</a>' in html

    full = client.get(f"/posts/{question.id}/revisions/2")
    assert full.status_code == 200
    words = text_of(full.text)
    assert "Revision 2" in words and "edit 2" in words
    assert "The end of 2." in words  # the last line of the body is there


def test_revisions_with_small_edit_show_the_diff_not_the_notice(client, session, question):
    edit_many(session, question, 1)
    words = text_of(client.get(f"/posts/{question.id}/revisions").text)
    assert f"added: {LONG_BODY} Edit 2." in words
    assert TOO_LARGE not in words


def test_full_revision_with_unknown_number_is_404(client, question):
    assert client.get(f"/posts/{question.id}/revisions/2").status_code == 404
