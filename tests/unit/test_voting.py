"""The voting rules of DESIGN.md: points, privileges, window, cap, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import clock
from forum.models import ReputationEvent, Vote
from forum.services import acceptance, posting, reputation, voting
from forum.services.errors import Forbidden, Invalid, NotAllowed, NotFound

BODY = "An answer long enough to pass the thirty character minimum."


def ledger(session, user):
    """The user's ledger, oldest first, without the rows that gave test users their start."""
    rows = reputation.ledger_for(session, user)[::-1]
    return [(e.reason, e.delta) for e in rows if e.reason != "granted_for_test"]


def answer_of(session, question, author):
    answer = posting.post_answer(session, author, question, BODY)
    session.commit()
    return answer


def test_upvote_answer_by_voter_with_15_gives_author_10(session, question, other_member, make_user):
    answer = answer_of(session, question, other_member)
    voter = make_user(reputation=15)
    result = voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    assert (result.score, result.my_vote) == (1, 1)
    assert other_member.reputation == 11
    assert ledger(session, other_member) == [("answer_upvoted", 10)]


def test_upvote_question_gives_asker_10(session, question, member, make_user):
    voting.cast_vote(session, make_user(reputation=15), question.id, 1)
    session.commit()
    assert member.reputation == 11
    assert ledger(session, member) == [("question_upvoted", 10)]


def test_downvote_answer_costs_author_2_and_voter_1(session, question, other_member, make_user):
    answer = answer_of(session, question, other_member)
    other_member_rep_before = other_member.reputation
    voter = make_user(reputation=125)
    result = voting.cast_vote(session, voter, answer.id, -1)
    session.commit()
    assert result.score == -1
    assert ledger(session, other_member) == [("post_downvoted", -2)]
    assert ledger(session, voter) == [("downvoted_answer", -1)]
    assert voter.reputation == 124
    # The floor of 1 hides the -2, but the ledger keeps the full delta.
    assert other_member_rep_before == 1 and other_member.reputation == 1


def test_downvote_question_costs_voter_nothing(session, question, make_user):
    voter = make_user(reputation=125)
    voting.cast_vote(session, voter, question.id, -1)
    session.commit()
    assert ledger(session, voter) == []
    assert voter.reputation == 125


def test_upvote_without_15_reputation_is_refused_with_privilege(session, question, make_user):
    voter = make_user(reputation=14)
    with pytest.raises(NotAllowed) as refused:
        voting.cast_vote(session, voter, question.id, 1)
    assert (refused.value.privilege, refused.value.needed, refused.value.have) == ("vote_up", 15, 14)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_downvote_without_125_reputation_is_refused(session, question, make_user):
    with pytest.raises(NotAllowed) as refused:
        voting.cast_vote(session, make_user(reputation=124), question.id, -1)
    assert refused.value.privilege == "vote_down"


def test_vote_by_staff_with_1_reputation_is_allowed(session, question, staff):
    assert staff.reputation == 1
    assert voting.cast_vote(session, staff, question.id, -1).score == -1


def test_vote_on_own_post_is_refused(session, question, member):
    member.reputation = 500
    with pytest.raises(Forbidden, match="own post"):
        voting.cast_vote(session, member, question.id, 1)


@pytest.mark.parametrize("value", [0, 2, -2, "1", True, None, 1.0])
def test_vote_with_value_other_than_one_is_invalid(session, question, make_user, value):
    with pytest.raises(Invalid):
        voting.cast_vote(session, make_user(reputation=500), question.id, value)


def test_vote_on_deleted_post_is_not_found(session, question, make_user):
    question.deleted_at = clock.now()
    session.commit()
    with pytest.raises(NotFound):
        voting.cast_vote(session, make_user(reputation=500), question.id, 1)


def test_vote_same_way_twice_changes_nothing(session, question, member, make_user):
    voter = make_user(reputation=15)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    again = voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    assert (again.score, again.changed) == (1, False)
    assert ledger(session, member) == [("question_upvoted", 10)]


def test_change_up_to_down_within_window_replaces_vote(session, question, member, make_user):
    voter = make_user(reputation=200)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    result = voting.cast_vote(session, voter, question.id, -1)
    session.commit()
    assert (result.score, result.my_vote) == (-1, -1)
    assert ledger(session, member) == [("question_upvoted", 10), ("vote_undone", -10), ("post_downvoted", -2)]
    assert session.scalar(select(func.count()).select_from(Vote)) == 1


def test_change_vote_after_window_is_locked(session, question, make_user):
    voter = make_user(reputation=200)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    with clock.travel(timedelta(minutes=6)), pytest.raises(voting.VoteLocked):
        voting.cast_vote(session, voter, question.id, -1)
    session.rollback()
    vote = session.scalar(select(Vote).where(Vote.post_id == question.id, Vote.user_id == voter.id))
    assert vote.value == 1


def test_undo_after_window_when_post_edited_is_allowed(session, question, member, make_user):
    voter = make_user(reputation=200)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    with clock.travel(timedelta(minutes=10)):
        posting.edit_post(session, member, question, body="An edited body that is long enough to count.")
        session.commit()
        result = voting.undo_vote(session, voter, question.id)
        session.commit()
    assert result.score == 0
    assert member.reputation == 1
    assert ledger(session, member) == [("question_upvoted", 10), ("vote_undone", -10)]


def test_undo_without_vote_is_not_found(session, question, make_user):
    with pytest.raises(NotFound):
        voting.undo_vote(session, make_user(reputation=200), question.id)


def test_upvotes_beyond_daily_cap_give_partial_then_nothing(session, member, make_user, app):
    app.config["REPUTATION_DAILY_UPVOTE_CAP"] = 195
    questions = [
        posting.ask_question(session, member, f"Question number {i} about routers", BODY, ["cap"])
        for i in range(21)
    ]
    session.commit()
    for q in questions:
        voting.cast_vote(session, make_user(reputation=15), q.id, 1)
        session.commit()
    deltas = [d for _, d in ledger(session, member)]
    assert deltas == [10] * 19 + [5, 0]  # partial credit at the cap, then nothing
    assert member.reputation == 1 + 195


def test_accept_at_daily_cap_still_gives_15(session, member, make_user, app):
    app.config["REPUTATION_DAILY_UPVOTE_CAP"] = 10
    asker = make_user()
    first = posting.ask_question(session, asker, "First question about the cap", BODY, ["cap"])
    second = posting.ask_question(session, asker, "Second question about the cap", BODY, ["cap"])
    answers = [posting.post_answer(session, member, q, BODY) for q in (first, second)]
    session.commit()
    for a in answers:
        voting.cast_vote(session, make_user(reputation=15), a.id, 1)
        session.commit()
    assert member.reputation == 11
    acceptance.accept_answer(session, asker, second.id, answers[1].id)
    session.commit()
    assert member.reputation == 26


def test_vote_again_after_undo_next_day_counts_toward_new_day(session, question, member, make_user):
    voter = make_user(reputation=15)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    with clock.travel(timedelta(days=1)):
        assert reputation.upvote_gain_today(session, member.id) == 0


def test_daily_vote_limit_refuses_the_41st_vote(session, member, make_user, app):
    app.config["DAILY_VOTE_LIMIT"] = 3
    voter = make_user(reputation=20)
    questions = [
        posting.ask_question(session, member, f"Limit question number {i}", BODY, ["limit"]) for i in range(4)
    ]
    session.commit()
    for q in questions[:3]:
        voting.cast_vote(session, voter, q.id, 1)
        session.commit()
    with pytest.raises(voting.VoteLimitReached):
        voting.cast_vote(session, voter, questions[3].id, 1)
    session.rollback()
    assert questions[3].score == 0


def test_cached_reputation_equals_ledger_after_votes(session, question, other_member, make_user):
    answer = answer_of(session, question, other_member)
    for _ in range(3):
        voting.cast_vote(session, make_user(reputation=130), answer.id, 1)
    voting.cast_vote(session, make_user(reputation=130), answer.id, -1)
    session.commit()
    total = session.scalar(
        select(func.sum(ReputationEvent.delta)).where(ReputationEvent.user_id == other_member.id)
    )
    assert other_member.reputation == max(1, 1 + total) == 29
    assert reputation.find_drift(session) == []
