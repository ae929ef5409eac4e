"""The votes, accepted-answer and reputation endpoints, with every refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.models import ReputationEvent, Vote
from forum.services import posting

BODY = "An answer long enough to pass the thirty character minimum."


def counts(session):
    return (
        session.scalar(select(func.count()).select_from(Vote)),
        session.scalar(select(func.count()).select_from(ReputationEvent)),
    )


def test_vote_up_with_privilege_returns_score_and_my_vote(api_as, make_user, answer, other_member):
    client = api_as(make_user(reputation=15))
    response = client.post(f"/posts/{answer.id}/votes", json={"value": 1})
    assert response.status_code == 200
    assert response.json == {"score": 1, "my_vote": 1}
    profile = client.get(f"/users/{other_member.id}").json
    assert profile["reputation"] == 11


def test_vote_same_way_twice_returns_200_and_same_score(api_as, make_user, answer):
    client = api_as(make_user(reputation=15))
    client.post(f"/posts/{answer.id}/votes", json={"value": 1})
    again = client.post(f"/posts/{answer.id}/votes", json={"value": 1})
    assert again.status_code == 200 and again.json == {"score": 1, "my_vote": 1}


def test_vote_without_privilege_is_403_privilege_required(api_as, make_user, answer, session):
    client = api_as(make_user(reputation=3))
    before = counts(session)
    response = client.post(f"/posts/{answer.id}/votes", json={"value": 1})
    assert response.status_code == 403
    assert response.json["error"] == {
        "code": "privilege_required",
        "message": "You need 15 reputation to vote up; you have 3.",
        "privilege": "vote_up",
        "needed": 15,
        "have": 3,
    }
    assert counts(session) == before


def test_vote_down_without_125_is_403_vote_down(api_as, make_user, answer):
    response = api_as(make_user(reputation=124)).post(f"/posts/{answer.id}/votes", json={"value": -1})
    assert response.status_code == 403
    assert response.json["error"]["privilege"] == "vote_down"
    assert (response.json["error"]["needed"], response.json["error"]["have"]) == (125, 124)


def test_vote_on_own_post_is_403(api_as, other_member, answer, session):
    before = counts(session)
    response = api_as(other_member).post(f"/posts/{answer.id}/votes", json={"value": 1})
    assert response.status_code == 403 and response.json["error"]["code"] == "own_post"
    assert counts(session) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"value": 2},
        {"value": 0},
        {"value": "1"},
        {"value": True},
        {"value": None},
        {},
        {"value": 1, "extra": 1},
    ],
)
def test_vote_with_bad_value_is_400_and_changes_nothing(api_as, make_user, answer, session, payload):
    client = api_as(make_user(reputation=500))
    before = counts(session)
    response = client.post(f"/posts/{answer.id}/votes", json=payload)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid"
    assert counts(session) == before


def test_vote_while_logged_out_is_401(api, answer):
    response = api.post(f"/posts/{answer.id}/votes", json={"value": 1})
    assert response.status_code == 401 and response.json["error"]["code"] == "not_signed_in"


def test_vote_on_unknown_post_is_404(api_as, make_user):
    response = api_as(make_user(reputation=500)).post("/posts/424242/votes", json={"value": 1})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_undo_vote_returns_204_and_restores_score(api_as, make_user, answer, other_member):
    client = api_as(make_user(reputation=15))
    client.post(f"/posts/{answer.id}/votes", json={"value": 1})
    response = client.delete(f"/posts/{answer.id}/votes")
    assert response.status_code == 204
    question = client.get(f"/questions/{answer.question_id}").json
    assert question["answers"][0]["score"] == 0
    assert client.get(f"/users/{other_member.id}").json["reputation"] == 1


def test_undo_without_a_vote_is_404(api_as, make_user, answer):
    response = api_as(make_user(reputation=15)).delete(f"/posts/{answer.id}/votes")
    assert response.status_code == 404


def test_accept_by_asker_puts_answer_first_with_accepted_by(api_as, member, answer, make_user, session):
    later = posting.post_answer(session, make_user(), answer.question, BODY + " Later one.")
    session.commit()
    response = api_as(member).put(
        f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": later.id}
    )
    assert response.status_code == 200
    body = response.json
    assert body["accepted_answer_id"] == later.id
    assert body["accepted_by"]["username"] == member.username
    assert [a["id"] for a in body["answers"]][0] == later.id
    assert body["answers"][0]["is_accepted"] is True


def test_accept_by_stranger_is_403_and_changes_nothing(api_as, make_user, answer, session):
    client = api_as(make_user(reputation=5000))
    before = counts(session)
    response = client.put(f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": answer.id})
    assert response.status_code == 403
    assert counts(session) == before
    assert answer.question.accepted_answer_id is None


@pytest.mark.parametrize("payload", [{"answer_id": "x"}, {}, {"answer_id": None}, {"answer_id": 1.5}])
def test_accept_with_bad_answer_id_is_400(api_as, member, answer, payload):
    response = api_as(member).put(f"/questions/{answer.question_id}/accepted-answer", json=payload)
    assert response.status_code == 400


def test_accept_answer_of_another_question_is_400(api_as, member, other_member, answer, session):
    elsewhere = posting.ask_question(session, other_member, "A different question entirely", BODY, ["x"])
    foreign = posting.post_answer(session, member, elsewhere, BODY)
    session.commit()
    response = api_as(member).put(
        f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": foreign.id}
    )
    assert response.status_code == 400
    assert "another question" in response.json["error"]["fields"]["answer_id"]


def test_accept_own_answer_too_early_is_403_too_early(api_as, member, question, session):
    own = posting.post_answer(session, member, question, BODY)
    session.commit()
    response = api_as(member).put(f"/questions/{question.id}/accepted-answer", json={"answer_id": own.id})
    assert response.status_code == 403 and response.json["error"]["code"] == "too_early"


def test_unaccept_returns_204_and_reverses_points(api_as, member, other_member, answer):
    client = api_as(member)
    client.put(f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": answer.id})
    response = client.delete(f"/questions/{answer.question_id}/accepted-answer")
    assert response.status_code == 204
    assert client.get(f"/questions/{answer.question_id}").json["accepted_answer_id"] is None
    ledger = client.get(f"/users/{other_member.id}/reputation").json
    assert [(e["reason"], e["delta"]) for e in ledger["items"]] == [
        ("accept_undone", -15),
        ("answer_accepted", 15),
    ]
    assert ledger["reputation"] == 1


def test_reputation_ledger_is_newest_first_with_fields(api, api_as, make_user, answer, other_member):
    api_as(make_user(reputation=15)).post(f"/posts/{answer.id}/votes", json={"value": 1})
    body = api.get(f"/users/{other_member.id}/reputation").json
    assert body["total"] == 1
    entry = body["items"][0]
    assert set(entry) == {"id", "delta", "reason", "post_id", "created_at"}
    assert (entry["delta"], entry["reason"], entry["post_id"]) == (10, "answer_upvoted", answer.id)


def test_reputation_of_unknown_user_is_404(api):
    assert api.get("/users/999/reputation").status_code == 404


def test_accept_by_moderator_through_api_is_audited(api_as, moderator, answer, session):
    client = api_as(moderator)
    response = client.put(f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": answer.id})
    assert response.status_code == 200
    assert client.delete(f"/questions/{answer.question_id}/accepted-answer").status_code == 204
    entries = client.get(f"/audit?post_id={answer.question_id}").json["items"]
    assert [e["action"] for e in entries] == ["unaccept", "accept"]
    assert entries[1]["actor"]["username"] == moderator.username


def test_accept_by_asker_through_api_is_not_an_audited_moderator_action(api_as, member, moderator, answer):
    api_as(member).put(f"/questions/{answer.question_id}/accepted-answer", json={"answer_id": answer.id})
    assert api_as(moderator).get(f"/audit?post_id={answer.question_id}").json["items"] == []


def test_edit_by_moderator_through_api_is_audited(api_as, moderator, question):
    client = api_as(moderator)
    response = client.patch(f"/questions/{question.id}", json={"title": "How do I reset a router password?"})
    assert response.status_code == 200
    entries = client.get(f"/audit?post_id={question.id}").json["items"]
    assert [e["action"] for e in entries] == ["edit"]
    assert entries[0]["before"]["title"] == "How do I reset my router password?"
