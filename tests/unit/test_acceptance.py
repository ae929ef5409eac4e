"""Accepted solutions: who may accept, what it is worth, and how it is undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.services import acceptance, posting, reputation
from forum.services.errors import Conflict, Forbidden, Invalid, NotFound, TooEarly

BODY = "An answer long enough to pass the thirty character minimum."


def reasons(session, user):
    rows = reputation.ledger_for(session, user)[::-1]
    return [(e.reason, e.delta) for e in rows if e.reason != "granted_for_test"]


def test_accept_by_asker_gives_answerer_15_and_asker_2(session, question, answer, member, other_member):
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    assert question.accepted_answer_id == answer.id
    assert question.accepted_by_id == member.id
    assert reasons(session, other_member) == [("answer_accepted", 15)]
    assert reasons(session, member) == [("accepted_an_answer", 2)]
    assert (other_member.reputation, member.reputation) == (16, 3)


def test_accept_by_stranger_is_refused(session, question, answer, make_user):
    with pytest.raises(Forbidden):
        acceptance.accept_answer(session, make_user(reputation=5000), question.id, answer.id)
    session.rollback()
    assert question.accepted_answer_id is None


def test_mark_by_moderator_gives_answerer_15_and_nobody_2(
    session, question, answer, moderator, member, other_member
):
    acceptance.accept_answer(session, moderator, question.id, answer.id)
    session.commit()
    assert question.accepted_by_id == moderator.id
    assert reasons(session, other_member) == [("answer_accepted", 15)]
    assert reasons(session, member) == [] and reasons(session, moderator) == []


def test_accept_same_answer_twice_changes_nothing(session, question, answer, member, other_member):
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    assert reasons(session, other_member) == [("answer_accepted", 15)]


def test_change_accepted_answer_moves_points(session, question, answer, member, other_member, make_user):
    third = make_user()
    second = posting.post_answer(session, third, question, BODY)
    session.commit()
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    acceptance.accept_answer(session, member, question.id, second.id)
    session.commit()
    assert question.accepted_answer_id == second.id
    assert other_member.reputation == 1 and third.reputation == 16
    assert member.reputation == 3
    assert reasons(session, member) == [
        ("accepted_an_answer", 2),
        ("accept_undone", -2),
        ("accepted_an_answer", 2),
    ]


def test_unaccept_writes_reversing_rows(session, question, answer, member, other_member):
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    acceptance.unaccept_answer(session, member, question.id)
    session.commit()
    assert question.accepted_answer_id is None and question.accepted_by_id is None
    assert reasons(session, other_member) == [("answer_accepted", 15), ("accept_undone", -15)]
    assert (member.reputation, other_member.reputation) == (1, 1)
    assert reputation.find_drift(session) == []


def test_moderator_unmarks_askers_accept(session, question, answer, member, moderator):
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    acceptance.unaccept_answer(session, moderator, question.id)
    session.commit()
    assert question.accepted_answer_id is None
    assert member.reputation == 1


def test_accept_own_answer_before_48_hours_is_too_early(session, question, member):
    own = posting.post_answer(session, member, question, BODY)
    session.commit()
    with pytest.raises(TooEarly, match="48 hours"):
        acceptance.accept_answer(session, member, question.id, own.id)


def test_accept_own_answer_after_48_hours_gives_no_points(session, question, member):
    own = posting.post_answer(session, member, question, BODY)
    session.commit()
    with clock.travel(timedelta(hours=48, seconds=1)):
        acceptance.accept_answer(session, member, question.id, own.id)
        session.commit()
    assert question.accepted_answer_id == own.id
    assert reasons(session, member) == []


def test_accept_answer_of_another_question_is_invalid(session, question, member, other_member):
    elsewhere = posting.ask_question(session, other_member, "Another question entirely here", BODY, ["x"])
    foreign = posting.post_answer(session, member, elsewhere, BODY)
    session.commit()
    with pytest.raises(Invalid, match="another question"):
        acceptance.accept_answer(session, member, question.id, foreign.id)


def test_accept_unknown_or_deleted_answer_is_not_found(session, question, answer, member):
    with pytest.raises(NotFound):
        acceptance.accept_answer(session, member, question.id, 99999)
    answer.deleted_at = clock.now()
    session.commit()
    with pytest.raises(NotFound):
        acceptance.accept_answer(session, member, question.id, answer.id)


def test_accept_on_closed_question_is_allowed(session, question, answer, member):
    question.closed_at = clock.now()
    question.closed_reason = "resolved_elsewhere"
    session.commit()
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    assert question.accepted_answer_id == answer.id


def test_accept_on_locked_question_by_asker_is_refused(session, question, answer, member, moderator):
    question.locked = True
    session.commit()
    with pytest.raises(Conflict):
        acceptance.accept_answer(session, member, question.id, answer.id)
    session.rollback()
    acceptance.accept_answer(session, moderator, question.id, answer.id)
    session.commit()
    assert question.accepted_answer_id == answer.id


def test_accepted_answer_is_listed_first(session, question, answer, member, make_user):
    from forum.services import listing, voting

    better = posting.post_answer(session, make_user(), question, BODY + " Better.")
    session.commit()
    voting.cast_vote(session, make_user(reputation=20), better.id, 1)
    session.commit()
    assert [a.id for a in listing.answers_in_order(session, question)] == [better.id, answer.id]
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    assert [a.id for a in listing.answers_in_order(session, question)] == [answer.id, better.id]
