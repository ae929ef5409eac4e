"""An answer in a deleted question is deleted for everyone but moderators, everywhere.

The audit deleted a question as offensive and then still found it through
its answers: on profiles, in revisions, through a redirect, and by voting
and commenting on an answer. Each of those requests, now refused.
"""

from __future__ import annotations

import json

import pytest

from forum.models import User
from forum.services import moderation, posting
from forum.services.errors import Conflict
from tests.web.conftest import text_of

SECRET_WORD = "quokkafirmware"


@pytest.fixture
def deleted_thread(session, moderator, member, other_member):
    question = posting.ask_question(
        session,
        member,
        "Offensive title about the router menu",
        "A body long enough for the rule, about the router menu.",
        ["router"],
    )
    answer = posting.post_answer(
        session, other_member, question, f"Flash the {SECRET_WORD} image from the recovery menu."
    )
    session.commit()
    moderation.delete_post(session, moderator, question.id, "offensive")
    session.commit()
    return question, answer


def test_author_profile_after_question_deleted_as_offensive_does_not_show_its_title(
    client, deleted_thread, member
):
    question, _ = deleted_thread

    page = text_of(client.get(f"/users/{member.id}").get_data(as_text=True))

    assert "Offensive title" not in page
    assert "a deleted post" in page  # the -100 line stays, without the title


def test_answerer_profile_after_question_deleted_does_not_list_the_answer(
    client, deleted_thread, other_member
):
    page = text_of(client.get(f"/users/{other_member.id}").get_data(as_text=True))
    profile = client.get(f"/api/v1/users/{other_member.id}").get_json()

    assert "Offensive title" not in page
    assert profile["answer_count"] == 0


def test_revisions_of_answer_in_deleted_question_are_not_found(client, deleted_thread):
    _, answer = deleted_thread

    assert client.get(f"/api/v1/posts/{answer.id}/revisions").status_code == 404
    assert client.get(f"/posts/{answer.id}/revisions").status_code == 404


def test_question_url_with_answer_id_in_deleted_question_is_not_found(client, deleted_thread):
    _, answer = deleted_thread

    response = client.get(f"/questions/{answer.id}")

    assert response.status_code == 404


def test_vote_and_comment_on_answer_in_deleted_question_are_refused(
    api_as, make_user, session, deleted_thread, other_member
):
    _, answer = deleted_thread
    voter = api_as(make_user(reputation=500))

    vote = voter.post(f"/posts/{answer.id}/votes", json={"value": 1})
    comment = voter.post(f"/posts/{answer.id}/comments", json={"body": "Still reachable through the answer?"})

    assert vote.status_code == 404 and comment.status_code == 404
    session.expire_all()
    assert session.get(User, other_member.id).reputation == 1
    assert answer.score == 0 and answer.comments == []


def test_search_for_answer_in_deleted_question_finds_nothing(client, deleted_thread):
    hits = client.get("/api/v1/search", query_string={"q": SECRET_WORD}).get_json()

    assert hits["items"] == []


def test_feed_after_question_deleted_carries_nothing_of_its_answer(client, deleted_thread):
    question, _ = deleted_thread

    feed = client.get("/api/v1/feed", query_string={"after": 0}).get_json()

    about_thread = [item for item in feed["items"] if item.get("question_id") == question.id]
    assert [item["type"] for item in about_thread] == ["post.deleted"]  # only the tombstone
    assert SECRET_WORD not in json.dumps(feed)


def test_moderator_undeleting_answer_of_deleted_question_is_told_to_undelete_the_question(
    session, moderator, deleted_thread
):
    question, answer = deleted_thread

    with pytest.raises(Conflict, match=f"deleted question {question.id}"):
        moderation.undelete_post(session, moderator, answer.id)
