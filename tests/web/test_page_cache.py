"""Whole pages kept for anonymous readers: served again, revalidated, and never stale.

Each kind of change is made through its service after the page was kept, and
the next anonymous GET must show it at once, on the page and through the API.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from forum.models import CacheGeneration, Post
from forum.services import acceptance, moderation, posting, voting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of

NEW_ANSWER = "Power-cycle the modem first, then the router, and wait two minutes."
EDITED_BODY = "Edited: hold the reset button for thirty seconds while the router is on."


def page(client, path: str):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    return response


def thread_path(client, question: Post) -> str:
    return page(client, f"/questions/{question.id}").request.path


def test_anonymous_question_page_second_visit_is_the_kept_copy_with_validators(client, answered_question):
    path = thread_path(client, answered_question)
    first = page(client, path)
    again = page(client, path)
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Last-Modified"]
    assert "no-cache" in again.headers["Cache-Control"]
    assert "Set-Cookie" not in again.headers  # nothing personal: no session was started


def test_repeat_visit_with_its_etag_gets_304_without_a_body(client, answered_question):
    path = thread_path(client, answered_question)
    etag = page(client, path).headers["ETag"]
    repeat = client.get(path, headers={"If-None-Match": etag})
    assert repeat.status_code == 304 and repeat.data == b""


def test_repeat_visit_after_a_change_gets_the_new_page_not_304(
    client, session, answered_question, other_member
):
    path = thread_path(client, answered_question)
    etag = page(client, path).headers["ETag"]
    posting.post_answer(session, other_member, answered_question, NEW_ANSWER)
    session.commit()
    repeat = client.get(path, headers={"If-None-Match": etag})
    assert repeat.status_code == 200 and NEW_ANSWER in repeat.text
    assert repeat.headers["ETag"] != etag


def _answer(session, question, answer, users):
    posting.post_answer(session, users["staff"], question, NEW_ANSWER)
    return NEW_ANSWER


def _comment(session, question, answer, users):
    posting.add_comment(session, users["staff"], answer, "Which firmware version is on it?")
    return "Which firmware version is on it?"


def _edit(session, question, answer, users):
    moderation.edit_post(session, users["moderator"], answer, body=EDITED_BODY)
    return "thirty seconds while the router is on"


def _vote(session, question, answer, users):
    for voter in users["voters"]:
        voting.cast_vote(session, voter, answer.id, 1)
    return 'aria-label="score 3"'


def _accept(session, question, answer, users):
    acceptance.accept_answer(session, question.author, question.id, answer.id)
    return "Accepted"


def _delete(session, question, answer, users):
    moderation.delete_post(session, users["moderator"], answer.id, "spam")
    return None  # the answer's text must be gone


def _close(session, question, answer, users):
    moderation.close_question(session, users["moderator"], question.id, "off_topic")
    return "closed"


CHANGES = {
    "answer": _answer, "comment": _comment, "edit": _edit, "vote": _vote,
    "accept": _accept, "delete": _delete, "close": _close,
}  # fmt: skip


def assert_change_shows_at_once(kind, client, session, question, answer, users) -> None:
    """Read the thread, make the change `kind`, read it again: the change is on the page."""
    path = thread_path(client, question)
    before = page(client, path).text
    shows = CHANGES[kind](session, question, answer, users)
    session.commit()
    after = page(client, path).text
    assert after != before
    if shows is None:
        assert answer.body not in after
    else:
        assert shows in after


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_kept_question_page_after_each_kind_of_change_shows_it_at_once(
    kind, client, session, answered_question, answer, users
):
    assert_change_shows_at_once(kind, client, session, answered_question, answer, users)


@pytest.mark.parametrize("kind", ["answer", "vote", "accept", "edit", "delete"])
def test_api_question_after_each_kind_of_change_answers_with_it(
    kind, client, session, answered_question, answer, users
):
    path = f"/api/v1/questions/{answered_question.id}"
    before = client.get(path)
    assert client.get(path).headers["ETag"] == before.headers["ETag"]
    CHANGES[kind](session, answered_question, answer, users)
    session.commit()
    after = client.get(path)
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    thread = after.get_json()
    mine = [a for a in thread["answers"] if a["id"] == answer.id]
    if kind == "delete":
        assert mine == []
    elif kind == "vote":
        assert mine[0]["score"] == 3
    elif kind == "accept":
        assert thread["accepted_answer_id"] == answer.id
    elif kind == "edit":
        assert mine[0]["body"] == EDITED_BODY
    else:
        assert thread["answer_count"] == 2


def test_api_question_repeat_with_etag_gets_304(client, answered_question):
    path = f"/api/v1/questions/{answered_question.id}"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/", "/questions?sort=active", "/questions?sort=votes"])
def test_kept_list_after_a_new_question_shows_it_at_once(path, client, session, question, other_member):
    page(client, path)
    posting.ask_question(session, other_member, "Why does the mesh node blink amber at night?",
                         LONG_BODY, ["mesh"])  # fmt: skip
    session.commit()
    assert "Why does the mesh node blink amber at night?" in page(client, path).text


def test_kept_search_page_after_a_new_question_finds_it_at_once(client, session, question, other_member):
    page(client, "/search?q=amber")
    posting.ask_question(session, other_member, "Why does the mesh node blink amber at night?",
                         LONG_BODY, ["mesh"])  # fmt: skip
    session.commit()
    assert "Why does the mesh node blink amber at night?" in text_of(page(client, "/search?q=amber").text)


def test_kept_page_after_author_renamed_shows_the_new_name(client, session, answered_question, answer):
    path = thread_path(client, answered_question)
    page(client, path)
    answer.author.username = "bob_renamed"
    session.commit()
    assert "bob_renamed" in page(client, path).text


def test_signed_in_reader_is_never_served_the_anonymous_copy(client, answered_question, member, logged_in):
    path = thread_path(client, answered_question)
    anonymous = page(client, path)
    logged_in(member)
    mine = page(client, path)
    assert mine.data != anonymous.data and "Log out" in mine.text
    assert "ETag" not in mine.headers


def test_page_cache_switched_off_renders_every_time(app, client, answered_question):
    app.config["PAGE_CACHE"] = False
    path = thread_path(client, answered_question)
    assert "ETag" not in page(client, path).headers


def test_api_question_read_by_a_token_holder_gets_etag_and_304(
    client, session, answered_question, api_as, member
):
    api = api_as(member)
    path = f"/questions/{answered_question.id}"
    first = api.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    repeat = api.client.get(
        f"/api/v1{path}",
        headers={"Authorization": f"Bearer {api.token}", "If-None-Match": first.headers["ETag"]},
    )
    assert repeat.status_code == 304 and repeat.data == b""


def test_generation_row_gone_pages_are_fresh_until_a_change_writes_it_again(
    client, session, answered_question, other_member
):
    path = thread_path(client, answered_question)
    session.execute(delete(CacheGeneration))
    session.commit()
    assert "ETag" not in page(client, path).headers
    posting.post_answer(session, other_member, answered_question, NEW_ANSWER)
    session.commit()
    fresh = page(client, path)
    assert NEW_ANSWER in fresh.text and fresh.headers["ETag"]
