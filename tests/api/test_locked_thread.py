"""Locked means frozen: in a locked thread only moderators vote, edit, comment, answer, accept
or delete, on the question and on its answers. The audit's requests, through the API."""

from __future__ import annotations

import pytest

from forum.models import Post
from forum.services import moderation
from tests.api.helpers import assert_error

BODY = "An answer that is long enough to post in a locked thread."


@pytest.fixture
def locked_thread(session, moderator, answered_question):
    moderation.set_locked(session, moderator, answered_question.id, True, "heated")
    session.commit()
    return answered_question


def requests_in(thread: Post) -> dict:
    answer = thread.answers[0]
    return {
        "vote on the question": ("post", f"/posts/{thread.id}/votes", {"value": 1}),
        "vote on an answer": ("post", f"/posts/{answer.id}/votes", {"value": 1}),
        "edit an answer": ("patch", f"/answers/{answer.id}", {"body": BODY + " Edited."}),
        "comment on an answer": ("post", f"/posts/{answer.id}/comments", {"body": "A comment, locked."}),
        "answer": ("post", f"/questions/{thread.id}/answers", {"body": BODY}),
        "accept": ("put", f"/questions/{thread.id}/accepted-answer", {"answer_id": answer.id}),
    }


ACTIONS = [
    "vote on the question",
    "vote on an answer",
    "edit an answer",
    "comment on an answer",
    "answer",
    "accept",
]


@pytest.mark.parametrize("action", ACTIONS)
def test_member_action_in_locked_thread_is_refused_and_changes_nothing(
    api_as, make_user, locked_thread, unchanged, session, action
):
    asker = locked_thread.author
    helper = locked_thread.answers[0].author
    actor = {"edit an answer": helper, "accept": asker}.get(action) or make_user(reputation=500)
    method, path, body = requests_in(locked_thread)[action]

    scores = [(p.id, p.score) for p in (locked_thread, *locked_thread.answers)]
    client = api_as(actor)

    with unchanged():
        response = getattr(client, method)(path, json=body)

    error = assert_error(response, 409)
    session.expire_all()
    assert [(p.id, p.score) for p in (locked_thread, *locked_thread.answers)] == scores
    assert locked_thread.accepted_answer_id is None
    assert "locked by a moderator" in error["message"] and "until it is unlocked" in error["message"]


def test_author_deleting_own_answer_in_locked_thread_is_refused(api_as, locked_thread, session):
    answer = locked_thread.answers[0]

    response = api_as(answer.author).delete(f"/posts/{answer.id}")

    assert_error(response, 403)
    session.expire_all()
    assert session.get(Post, answer.id).deleted_at is None


@pytest.mark.parametrize("action", ["vote on an answer", "comment on an answer", "answer", "edit an answer"])
def test_moderator_action_in_locked_thread_is_done(api_as, moderator, locked_thread, action):
    method, path, body = requests_in(locked_thread)[action]

    response = getattr(api_as(moderator), method)(path, json=body)

    assert response.status_code in (200, 201), response.get_json()
