"""Unit tests of the moderation rules: flags, deletion, closing, locking, merging, curation, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from forum import clock
from forum.models import AuditEntry, Flag, Post, ReputationEvent
from forum.models.moderation import AppendOnly
from forum.services import audit, flags, moderation, posting, recount, voting
from forum.services.errors import Conflict, Forbidden, Invalid, NotAllowed, NotFound


def audit_actions(session, post_id=None) -> list[str]:
    query = select(AuditEntry.action).order_by(AuditEntry.id)
    if post_id is not None:
        query = query.where(AuditEntry.post_id == post_id)
    return list(session.scalars(query))


# --- flags --------------------------------------------------------------------------------


def test_flag_by_new_member_is_refused_for_lack_of_reputation(session, member, answered_question):
    answer = answered_question.answers[0]
    with pytest.raises(NotAllowed) as refused:
        flags.raise_flag(session, member, answer.id, "spam")
    assert refused.value.privilege == "flag" and refused.value.needed == 15


def test_flag_own_post_as_spam_is_refused(session, make_user):
    author = make_user("member", 20)
    question = posting.ask_question(
        session,
        author,
        "Why is my own post flagged here?",
        "A body that is comfortably longer than thirty chars.",
        ["misc"],
    )
    with pytest.raises(Forbidden):
        flags.raise_flag(session, author, question.id, "spam")


def test_flag_same_post_twice_is_a_conflict(session, flaggers, question):
    flags.raise_flag(session, flaggers[0], question.id, "spam")
    with pytest.raises(Conflict):
        flags.raise_flag(session, flaggers[0], question.id, "offensive")


def test_flag_needs_attention_without_text_is_invalid(session, flaggers, question):
    with pytest.raises(Invalid) as invalid:
        flags.raise_flag(session, flaggers[0], question.id, "needs_attention", "short")
    assert "text" in invalid.value.fields


def test_flag_question_as_not_an_answer_is_invalid(session, flaggers, question):
    with pytest.raises(Invalid) as invalid:
        flags.raise_flag(session, flaggers[0], question.id, "not_an_answer")
    assert "reason" in invalid.value.fields


def test_flag_unknown_reason_is_invalid(session, flaggers, question):
    with pytest.raises(Invalid):
        flags.raise_flag(session, flaggers[0], question.id, "boring")


def test_flag_comment_records_the_comment(session, flaggers, question, member):
    comment = posting.add_comment(session, member, question, "Buy cheap watches at example dot com now")
    flag = flags.raise_flag(session, flaggers[0], question.id, "spam", comment_id=comment.id)
    assert flag.comment_id == comment.id and flag.post_id == question.id


def test_five_spam_flags_leave_the_post_visible(session, flaggers, answer):
    for flagger in flaggers[:5]:
        flags.raise_flag(session, flagger, answer.id, "spam")
    session.commit()
    assert posting.get_post(session, answer.id) is answer


def test_six_spam_or_offensive_flags_hide_the_post_until_reviewed(session, flaggers, answer):
    question = answer.question
    for index, flagger in enumerate(flaggers):
        flags.raise_flag(session, flagger, answer.id, "spam" if index % 2 else "offensive")
    session.commit()
    with pytest.raises(NotFound):
        posting.get_post(session, answer.id)
    assert question.answer_count == 0
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "auto_hide"))
    assert entry.actor_id is None and entry.post_id == answer.id
    assert moderation.deletion_of(session, answer).hidden_by_flags


def test_declining_the_flags_of_a_hidden_post_brings_it_back(session, flaggers, answer, moderator):
    for flagger in flaggers:
        flags.raise_flag(session, flagger, answer.id, "spam")
    session.commit()
    ids = list(session.scalars(select(Flag.id).where(Flag.post_id == answer.id)))
    flags.bulk_resolve(session, moderator, ids[:-1], "declined", "not spam")
    assert answer.is_deleted
    flags.resolve_flag(session, moderator, ids[-1], "declined", "not spam")
    session.commit()
    assert posting.get_post(session, answer.id) is answer
    assert answer.question.answer_count == 1
    assert audit_actions(session, answer.id)[-1] == "undelete"


def test_resolve_flag_twice_is_a_conflict(session, flaggers, question, moderator):
    flag = flags.raise_flag(session, flaggers[0], question.id, "spam")
    flags.resolve_flag(session, moderator, flag.id, "handled", "thanks")
    with pytest.raises(Conflict):
        flags.resolve_flag(session, moderator, flag.id, "declined")


def test_resolve_flag_by_member_is_forbidden(session, flaggers, question):
    flag = flags.raise_flag(session, flaggers[0], question.id, "spam")
    with pytest.raises(Forbidden):
        flags.resolve_flag(session, flaggers[1], flag.id, "handled")
    assert flag.status == "open"


def test_resolve_flag_with_unknown_action_is_invalid(session, flaggers, question, moderator):
    flag = flags.raise_flag(session, flaggers[0], question.id, "spam")
    with pytest.raises(Invalid):
        flags.resolve_flag(session, moderator, flag.id, "ignored")


def test_flag_queue_orders_by_weight_then_age(session, flaggers, answered_question, second_question):
    answer = answered_question.answers[0]
    with clock.travel(-timedelta(hours=2)):
        flags.raise_flag(
            session,
            flaggers[0],
            second_question.id,
            "needs_attention",
            "The asker posted their password in the body",
        )
    flags.raise_flag(session, flaggers[1], answer.id, "not_an_answer")
    flags.raise_flag(session, flaggers[2], answered_question.id, "spam")
    flags.raise_flag(session, flaggers[3], answered_question.id, "offensive")
    session.commit()
    queue = session.scalars(flags.queue_query("open")).all()
    groups = flags.grouped(list(queue))
    assert [g.post.id for g in groups] == [answered_question.id, second_question.id, answer.id]


# --- deletion -----------------------------------------------------------------------------


def test_delete_as_spam_costs_the_author_100_and_undelete_gives_it_back(
    session, moderator, make_user, question
):
    author = make_user("member", 150)
    spam = posting.post_answer(session, author, question, "Cheap watches at example dot com, buy now!")
    session.commit()
    moderation.delete_post(session, moderator, spam.id, "spam", "link farm")
    session.commit()
    assert author.reputation == 50
    row = session.scalar(select(ReputationEvent).where(ReputationEvent.reason == "deleted_as_spam"))
    assert row.delta == -100 and row.post_id == spam.id
    moderation.undelete_post(session, moderator, spam.id, "was not spam")
    session.commit()
    assert author.reputation == 150
    assert posting.get_post(session, spam.id) is spam
    assert audit_actions(session, spam.id) == ["delete", "undelete"]


def test_delete_for_other_reason_costs_nothing(session, moderator, answer):
    before = answer.author.reputation
    moderation.delete_post(session, moderator, answer.id, "not_an_answer")
    session.commit()
    assert answer.author.reputation == before


def test_delete_with_unknown_reason_is_invalid_and_changes_nothing(session, moderator, answer):
    with pytest.raises(Invalid):
        moderation.delete_post(session, moderator, answer.id, "boring")
    assert not answer.is_deleted
    assert audit_actions(session) == []


def test_delete_others_post_by_member_is_forbidden(session, member, answer):
    with pytest.raises(Forbidden):
        moderation.delete_post(session, member, answer.id, "spam")
    assert not answer.is_deleted


def test_delete_own_unanswered_question_by_author_is_allowed(session, member, question):
    moderation.delete_post(session, member, question.id)
    session.commit()
    assert question.is_deleted
    assert moderation.deletion_of(session, question).reason == "by_author"


def test_delete_own_question_with_upvoted_answer_is_refused(session, member, answer, make_user):
    voter = make_user("member", 20)
    voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    with pytest.raises(Forbidden):
        moderation.delete_post(session, member, answer.question_id)


def test_delete_and_undelete_keep_counters_true(session, moderator, answer):
    question = answer.question
    moderation.delete_post(session, moderator, question.id, "offensive")
    moderation.delete_post(session, moderator, answer.id, "low_quality")
    session.commit()
    assert recount.find_counter_drift(session) == []
    moderation.undelete_post(session, moderator, answer.id)
    moderation.undelete_post(session, moderator, question.id)
    session.commit()
    assert recount.find_counter_drift(session) == []
    assert question.answer_count == 1


def test_delete_settles_the_posts_open_flags(session, moderator, flaggers, answer):
    flag = flags.raise_flag(session, flaggers[0], answer.id, "spam")
    moderation.delete_post(session, moderator, answer.id, "spam")
    session.commit()
    session.refresh(flag)
    assert flag.status == "handled" and flag.resolved_by_id == moderator.id


def test_delete_accepted_answer_withdraws_acceptance(session, moderator, member, answer):
    from forum.services import acceptance

    acceptance.accept_answer(session, member, answer.question_id, answer.id)
    session.commit()
    moderation.delete_post(session, moderator, answer.id, "spam")
    session.commit()
    assert answer.question.accepted_answer_id is None


def test_undelete_live_post_is_a_conflict(session, moderator, question):
    with pytest.raises(Conflict):
        moderation.undelete_post(session, moderator, question.id)


def test_bulk_delete_uses_one_reason_for_each_post(session, moderator, answer, second_question):
    deleted = moderation.bulk_delete(session, moderator, [answer.id, second_question.id], "spam", "wave")
    session.commit()
    assert {p.id for p in deleted} == {answer.id, second_question.id}
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()
    assert {e.reason for e in entries} == {"wave"}


# --- closing, locking, editing ------------------------------------------------------------


def test_close_as_duplicate_links_both_ways(session, moderator, question, second_question):
    moderation.close_question(session, moderator, second_question.id, "duplicate", question.id)
    session.commit()
    assert second_question.closed and second_question.duplicate_of_id == question.id
    assert moderation.duplicates_of(session, question) == [second_question]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "close"))
    assert entry.before["closed"] is False and entry.after["duplicate_of"] == question.id


def test_close_duplicate_without_target_is_invalid(session, moderator, question):
    with pytest.raises(Invalid) as invalid:
        moderation.close_question(session, moderator, question.id, "duplicate")
    assert "duplicate_of" in invalid.value.fields


@pytest.mark.parametrize("reason", ["spam", "", None, "Off topic"])
def test_close_with_unknown_reason_is_invalid(session, moderator, question, reason):
    with pytest.raises(Invalid):
        moderation.close_question(session, moderator, question.id, reason)
    assert not question.closed


@pytest.mark.parametrize("reason", ["off_topic", "needs_detail", "resolved_elsewhere"])
def test_close_with_each_reason_and_reopen(session, moderator, question, reason):
    moderation.close_question(session, moderator, question.id, reason)
    assert question.closed_reason == reason
    with pytest.raises(Conflict):
        moderation.close_question(session, moderator, question.id, reason)
    moderation.reopen_question(session, moderator, question.id)
    assert not question.closed and question.closed_reason is None


def test_close_by_member_without_3000_is_refused(session, other_member, question):
    with pytest.raises(NotAllowed):
        moderation.close_question(session, other_member, question.id, "off_topic")


def test_close_by_member_with_3000_is_allowed(session, make_user, question):
    veteran = make_user("member", 3000)
    moderation.close_question(session, veteran, question.id, "needs_detail")
    assert question.closed


def test_lock_stops_answers_and_is_audited(session, moderator, question, other_member):
    moderation.set_locked(session, moderator, question.id, True, "heated")
    session.commit()
    with pytest.raises(Conflict):
        posting.post_answer(session, other_member, question, "An answer that is long enough to post.")
    moderation.set_locked(session, moderator, question.id, False)
    assert audit_actions(session, question.id) == ["lock", "unlock"]


def test_lock_by_member_is_forbidden(session, other_member, question):
    with pytest.raises(Forbidden):
        moderation.set_locked(session, other_member, question.id, True)
    assert not question.locked


def test_moderator_edit_keeps_a_revision_and_an_audit_entry(session, moderator, question):
    moderation.edit_post(
        session, moderator, question, body="A clearer body for this question, edited.", summary="clarified"
    )
    session.commit()
    assert [r.number for r in question.revisions] == [1, 2]
    assert question.revisions[-1].editor_id == moderator.id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "edit"))
    assert entry.before["body"] != entry.after["body"] and entry.reason == "clarified"


# --- merging and curation -----------------------------------------------------------------


def test_merge_twitter_thread_moves_answers_and_closes_it(session, moderator, twitter_question, question):
    moved = twitter_question.answers[0]
    moderation.merge_twitter_thread(session, moderator, twitter_question.id, question.id)
    session.commit()
    assert moved.question_id == question.id
    assert question.answer_count == 1 and twitter_question.answer_count == 0
    assert twitter_question.closed_reason == "duplicate" and twitter_question.duplicate_of_id == question.id
    assert recount.find_counter_drift(session) == []
    assert audit_actions(session, twitter_question.id) == ["merge"]


def test_merge_web_question_is_invalid(session, moderator, question, second_question):
    with pytest.raises(Invalid):
        moderation.merge_twitter_thread(session, moderator, second_question.id, question.id)


def test_merge_into_itself_is_invalid(session, moderator, twitter_question):
    with pytest.raises(Invalid):
        moderation.merge_twitter_thread(session, moderator, twitter_question.id, twitter_question.id)


def _old_question_with_good_answer(session, make_user, days: int) -> tuple[Post, Post]:
    asker, helper, voter = make_user(), make_user(), make_user("member", 20)
    with clock.travel(-timedelta(days=days)):
        question = posting.ask_question(
            session,
            asker,
            "An old question about firmware updates",
            "Long enough body for a question about firmware.",
            ["firmware"],
        )
        answer = posting.post_answer(session, helper, question, "Update from the settings menu, then reboot.")
        voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    return question, answer


def test_curation_queue_lists_old_questions_with_good_unaccepted_answers(session, make_user):
    old, _ = _old_question_with_good_answer(session, make_user, 10)
    recent, _ = _old_question_with_good_answer(session, make_user, 1)
    listed = session.scalars(moderation.curation_query()).all()
    assert old in listed and recent not in listed


def test_curate_accept_marks_the_answer_and_is_audited(session, make_user, moderator):
    question, answer = _old_question_with_good_answer(session, make_user, 10)
    before = answer.author.reputation
    moderation.curate_accept(session, moderator, question.id, answer.id, "best answer")
    session.commit()
    assert question.accepted_answer_id == answer.id and question.accepted_by_id == moderator.id
    assert answer.author.reputation == before + 15
    assert question not in session.scalars(moderation.curation_query()).all()
    moderation.curate_unaccept(session, moderator, question.id)
    session.commit()
    assert audit_actions(session, question.id) == ["accept", "unaccept"]


def test_curate_accept_by_member_is_forbidden(session, make_user, other_member):
    question, answer = _old_question_with_good_answer(session, make_user, 10)
    with pytest.raises(Forbidden):
        moderation.curate_accept(session, other_member, question.id, answer.id)


# --- the audit log ------------------------------------------------------------------------


def test_audit_entry_cannot_be_changed_through_the_orm(session, moderator, question):
    entry = audit.record(session, moderator, "lock", post=question)
    session.commit()
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        session.commit()
    session.rollback()
    session.delete(entry)
    with pytest.raises(AppendOnly):
        session.commit()
    session.rollback()


def test_audit_entry_cannot_be_changed_in_sql(session, moderator, question):
    audit.record(session, moderator, "lock", post=question)
    session.commit()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE audit_entries SET reason = 'x'"))
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("DELETE FROM audit_entries"))
    session.rollback()
    assert session.scalar(select(AuditEntry.reason)) == ""


def test_audit_filters_by_actor_post_and_action(session, moderator, admin, question, second_question):
    moderation.set_locked(session, moderator, question.id, True)
    moderation.close_question(session, admin, second_question.id, "off_topic")
    session.commit()
    by_actor = session.scalars(audit.entries_query(session, actor=moderator.username)).all()
    assert [e.action for e in by_actor] == ["lock"]
    by_post = session.scalars(audit.entries_query(session, post_id=str(second_question.id))).all()
    assert [e.actor_id for e in by_post] == [admin.id]
    assert session.scalars(audit.entries_query(session, action="close")).all() == by_post
    with pytest.raises(Invalid):
        audit.entries_query(session, action="explode")


def test_change_role_is_audited(session, admin, member):
    moderation.change_role(session, admin, member, "staff")
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "change_role"))
    assert entry.subject_user_id == member.id and entry.after == {"role": "staff"}


def test_confirming_a_post_hidden_by_flags_deletes_it_as_spam(session, flaggers, answer, moderator):
    author = answer.author
    before = author.reputation
    for flagger in flaggers:
        flags.raise_flag(session, flagger, answer.id, "spam")
    session.commit()
    moderation.delete_post(session, moderator, answer.id, "spam", "confirmed")
    session.commit()
    deletion = moderation.deletion_of(session, answer)
    assert deletion.reason == "spam" and not deletion.hidden_by_flags
    assert author.reputation == max(1, before - 100)
    assert set(session.scalars(select(Flag.status))) == {"handled"}
    assert recount.find_counter_drift(session) == []
