"""The flag ring the audit ran: seven new accounts mint six flaggers through accepts and hide a
staff answer. Accepts by new askers unlock no privilege, and flags never hide staff by themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.models import Post, PostDeletion
from forum.services import accounts, posting
from forum.services import reputation as ledger
from forum.services.permissions import has_privilege
from tests.conftest import LONG_BODY

ANSWER = "Hold the reset button for ten seconds, then wait for the light."


@pytest.fixture
def staff_answer(session, staff, question):
    answer = posting.post_answer(session, staff, question, "Update the firmware first, then reset it.")
    session.commit()
    return answer


def ring_of(session, api_as, count: int = 6) -> tuple:
    """The audit's ring through the API: one new asker, `count` new helpers, each answer accepted.

    Returns (asker, helpers, question ids)."""
    asker = accounts.register_user(session, "ring_asker", "ring_asker@example.com", "correct horse")
    helpers = [
        accounts.register_user(session, f"ring_helper{n}", f"ring{n}@example.com", "correct horse")
        for n in range(count)
    ]
    session.commit()
    as_asker = api_as(asker)
    question_ids = []
    for n, helper in enumerate(helpers):
        question = as_asker.post(
            "/questions",
            json={"title": f"Ring question number {n} about routers", "body": LONG_BODY, "tags": ["router"]},
        ).get_json()
        answer = api_as(helper).post(f"/questions/{question['id']}/answers", json={"body": ANSWER}).get_json()
        accepted = as_asker.put(
            f"/questions/{question['id']}/accepted-answer", json={"answer_id": answer["id"]}
        )
        assert accepted.status_code == 200, accepted.get_json()
        question_ids.append(question["id"])
    return asker, helpers, question_ids


def test_flags_from_ring_accepted_helpers_are_refused_and_staff_answer_stays(session, api_as, staff_answer):
    _asker, helpers, _questions = ring_of(session, api_as)

    refusals = [
        api_as(helper).post(f"/posts/{staff_answer.id}/flags", json={"reason": "spam"}) for helper in helpers
    ]

    session.expire_all()
    for helper, response in zip(helpers, refusals, strict=True):
        assert helper.reputation == 16  # the points show on the profile
        assert response.status_code == 403
        error = response.get_json()["error"]
        assert error["code"] == "privilege_required" and error["have"] == 1
        assert "accepted by new accounts" in error["message"] and "Earn 14 more" in error["message"]
    assert session.get(Post, staff_answer.id).deleted_at is None


def test_spam_flags_on_staff_answer_reaching_the_threshold_leave_it_for_moderators(
    session, api_as, flaggers, staff_answer
):
    for flagger in flaggers:
        response = api_as(flagger).post(f"/posts/{staff_answer.id}/flags", json={"reason": "spam"})
        assert response.status_code == 201

    session.expire_all()
    assert session.get(Post, staff_answer.id).deleted_at is None
    assert session.get(PostDeletion, staff_answer.id) is None


def test_spam_flags_on_member_answer_reaching_the_threshold_still_hide_it(
    session, api_as, flaggers, answered_question
):
    answer = answered_question.answers[0]
    for flagger in flaggers:
        api_as(flagger).post(f"/posts/{answer.id}/flags", json={"reason": "spam"})

    session.expire_all()
    assert session.get(PostDeletion, answer.id).reason == "flags"


def test_accept_by_established_asker_unlocks_privileges(session, api_as, question, other_member):
    asker = question.author
    asker.created_at = clock.now() - timedelta(days=2)
    ledger.record(session, asker.id, 20, "granted_for_test")
    answer = posting.post_answer(session, other_member, question, ANSWER)
    session.commit()

    response = api_as(asker).put(f"/questions/{question.id}/accepted-answer", json={"answer_id": answer.id})

    assert response.status_code == 200
    session.expire_all()
    assert other_member.reputation == 16 and has_privilege(other_member, "flag")


def test_unaccepting_a_new_askers_accept_leaves_no_privilege_reputation_behind(session, api_as):
    asker, (helper,), (question_id,) = ring_of(session, api_as, count=1)

    response = api_as(asker).delete(f"/questions/{question_id}/accepted-answer")

    assert response.status_code == 204
    session.expire_all()
    assert helper.reputation == 1 and ledger.privilege_reputation(session, helper.id) == 1
