"""POST /questions/{id}/answers, PATCH /answers/{id}, POST /posts/{id}/comments,
GET /posts/{id}/revisions."""

from __future__ import annotations

import pytest

from forum import clock
from tests.api.helpers import assert_error

BODY = "Hold the reset button for thirty seconds while it boots."


def test_answer_returns_the_answer_and_counts_it(api_as, api, other_member, question):
    response = api_as(other_member).post(f"/questions/{question.id}/answers", json={"body": BODY})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["question_id"], body["body"], body["is_accepted"]) == (
        "answer",
        question.id,
        BODY,
        False,
    )
    assert body["author"]["username"] == "bob" and body["comments"] == []
    shown = api.get(f"/questions/{question.id}").get_json()
    assert shown["answer_count"] == 1 and shown["answers"][0]["id"] == body["id"]


def test_answer_own_question_is_allowed(api_as, member, question):
    assert api_as(member).post(f"/questions/{question.id}/answers", json={"body": BODY}).status_code == 201


def test_answer_logged_out_is_refused(api, question, unchanged):
    with unchanged():
        assert_error(api.post(f"/questions/{question.id}/answers", json={"body": BODY}), 401, "not_signed_in")


@pytest.mark.parametrize("value", ["", "   ", "b" * 29, "b" * 30001, 42, ["a list"], {"a": "dict"}, None])
def test_answer_bad_body_is_refused(api_as, other_member, question, unchanged, value):
    bob = api_as(other_member)
    with unchanged():
        error = assert_error(
            bob.post(f"/questions/{question.id}/answers", json={"body": value}), 400, "invalid"
        )
    assert "body" in error["fields"]


def test_answer_unknown_field_is_refused(api_as, other_member, question, unchanged):
    bob = api_as(other_member)
    with unchanged():
        response = bob.post(f"/questions/{question.id}/answers", json={"body": BODY, "accepted": True})
    assert assert_error(response, 400, "invalid")["fields"] == {"accepted": "is not a known field"}


@pytest.mark.parametrize("question_id", ["4242", str(2**63)])
def test_answer_unknown_question_is_not_found(api_as, other_member, question, unchanged, question_id):
    bob = api_as(other_member)
    with unchanged():
        assert_error(bob.post(f"/questions/{question_id}/answers", json={"body": BODY}), 404, "not_found")


def test_answer_to_an_answer_is_not_found(api_as, member, answered_question, unchanged):
    alice = api_as(member)
    with unchanged():
        response = alice.post(f"/questions/{answered_question.answers[0].id}/answers", json={"body": BODY})
    assert_error(response, 404, "not_found")


def test_answer_on_closed_question_is_a_conflict(api_as, session, other_member, question, unchanged):
    question.closed_at = clock.now()
    session.commit()
    bob = api_as(other_member)
    with unchanged():
        assert_error(bob.post(f"/questions/{question.id}/answers", json={"body": BODY}), 409, "conflict")


def test_edit_own_answer_saves_and_keeps_a_revision(api_as, api, other_member, answered_question):
    answer = answered_question.answers[0]
    response = api_as(other_member).patch(
        f"/answers/{answer.id}", json={"body": BODY, "summary": "more detail"}
    )
    assert response.status_code == 200 and response.get_json()["body"] == BODY
    items = api.get(f"/posts/{answer.id}/revisions").get_json()["items"]
    assert [(r["number"], r["summary"], r["editor"]["username"]) for r in items] == [
        (2, "more detail", "bob"),
        (1, "answered", "bob"),
    ]


def test_edit_someone_elses_answer_is_forbidden(api_as, member, answered_question, unchanged):
    alice = api_as(member)
    with unchanged():
        response = alice.patch(f"/answers/{answered_question.answers[0].id}", json={"body": BODY})
    error = assert_error(response, 403, "privilege_required")
    assert error["privilege"] == "edit_any"


def test_edit_someone_elses_answer_with_2000_reputation_is_allowed(api_as, make_user, answered_question):
    response = api_as(make_user(reputation=2000)).patch(
        f"/answers/{answered_question.answers[0].id}", json={"body": BODY}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"body": "short"}, "body"), ({"body": 5}, "body"), ({"title": "A title for an answer"}, "title"),
     ({"tags": ["x"]}, "tags"), ({"body": BODY, "summary": ["x"]}, "summary")],
)  # fmt: skip
def test_edit_answer_bad_input_is_refused(api_as, other_member, answered_question, unchanged, payload, field):
    bob = api_as(other_member)
    with unchanged():
        error = assert_error(
            bob.patch(f"/answers/{answered_question.answers[0].id}", json=payload), 400, "invalid"
        )
    assert field in error["fields"]


def test_edit_answer_logged_out_is_refused(api, answered_question, unchanged):
    with unchanged():
        response = api.patch(f"/answers/{answered_question.answers[0].id}", json={"body": BODY})
    assert_error(response, 401, "not_signed_in")


def test_edit_question_through_answer_path_is_not_found(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        assert_error(alice.patch(f"/answers/{question.id}", json={"body": BODY}), 404, "not_found")


def test_comment_on_own_question_is_created(api_as, member, question):
    response = api_as(member).post(f"/posts/{question.id}/comments", json={"body": "Model is the AX3000."})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["post_id"], body["body"], body["author"]["username"]) == (
        question.id,
        "Model is the AX3000.",
        "alice",
    )
    assert body["body_html"] == "<p>Model is the AX3000.</p>\n"


def test_comment_on_answer_to_own_question_is_created(api_as, member, answered_question):
    answer_id = answered_question.answers[0].id
    response = api_as(member).post(f"/posts/{answer_id}/comments", json={"body": "That worked, thank you!"})
    assert response.status_code == 201


def test_comment_elsewhere_without_reputation_is_refused(api_as, other_member, question, unchanged):
    bob = api_as(other_member)
    with unchanged():
        response = bob.post(f"/posts/{question.id}/comments", json={"body": "Which model is it exactly?"})
    error = assert_error(response, 403, "privilege_required")
    assert (error["privilege"], error["needed"], error["have"]) == ("comment_everywhere", 50, 1)


def test_comment_elsewhere_with_50_reputation_is_created(api_as, make_user, question):
    response = api_as(make_user(reputation=50)).post(
        f"/posts/{question.id}/comments", json={"body": "Which model is it exactly?"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("value", ["", "c" * 14, "c" * 601, 15, ["c" * 20], None])
def test_comment_bad_body_is_refused(api_as, member, question, unchanged, value):
    alice = api_as(member)
    with unchanged():
        error = assert_error(
            alice.post(f"/posts/{question.id}/comments", json={"body": value}), 400, "invalid"
        )
    assert "body" in error["fields"]


@pytest.mark.parametrize("length", [15, 600])
def test_comment_at_limits_is_created(api_as, member, question, length):
    assert (
        api_as(member).post(f"/posts/{question.id}/comments", json={"body": "c" * length}).status_code == 201
    )


def test_comment_logged_out_is_refused(api, question, unchanged):
    with unchanged():
        response = api.post(f"/posts/{question.id}/comments", json={"body": "A comment long enough."})
    assert_error(response, 401, "not_signed_in")


def test_comment_on_unknown_post_is_not_found(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        assert_error(
            alice.post("/posts/4242/comments", json={"body": "A comment long enough."}), 404, "not_found"
        )


def test_comment_unknown_field_is_refused(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        response = alice.post(
            f"/posts/{question.id}/comments", json={"body": "A comment long enough.", "x": 1}
        )
    assert_error(response, 400, "invalid")


def test_revisions_of_unknown_post_are_not_found(api):
    assert_error(api.get("/posts/4242/revisions"), 404, "not_found")


def test_revisions_list_has_page_fields(api, question):
    body = api.get(f"/posts/{question.id}/revisions").get_json()
    assert (body["total"], body["page"]) == (1, 1)
    assert (
        body["items"][0]["tags"] == ["router", "wifi"] and body["items"][0]["editor"]["username"] == "alice"
    )
