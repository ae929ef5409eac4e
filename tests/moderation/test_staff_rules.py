"""Unit tests of the staff desk: the queue, claims, verification, escalation, dashboard, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import clock
from forum.models import AuditEntry, Escalation, LiveEvent
from forum.services import flags, moderation, posting, site_settings
from forum.services import staff as desk
from forum.services.errors import Conflict, Forbidden, Invalid
from forum.services.permissions import has_privilege
from tests.conftest import LONG_BODY


def ask(session, author, title: str, hours_ago: float, source: str = "web"):
    with clock.travel(-timedelta(hours=hours_ago)):
        question = posting.ask_question(session, author, title, LONG_BODY, ["support"], source=source)
    session.commit()
    return question


def queue(session):
    return list(session.scalars(desk.queue_query()))


def test_queue_puts_overdue_then_twitter_then_oldest(session, member):
    fresh_web = ask(session, member, "A fresh web question from today", 0.1)
    older_web = ask(session, member, "An older web question from today", 0.5)
    fresh_tweet = ask(session, member, "A fresh tweet about my order", 0.2, "twitter")
    overdue = ask(session, member, "An overdue web question from yesterday", 20)
    assert queue(session) == [overdue, fresh_tweet, older_web, fresh_web]


def test_queue_leaves_out_staff_answered_accepted_and_closed(session, member, other_member, staff, moderator):
    waiting = ask(session, member, "Still waiting for somebody to help", 1)
    by_staff = ask(session, member, "Already answered by the staff team", 1)
    posting.post_answer(session, staff, by_staff, "Staff here: reset the device from the menu.")
    accepted = ask(session, member, "Solved by the community already", 1)
    answer = posting.post_answer(session, other_member, accepted, "Community answer that solved it.")
    from forum.services import acceptance

    acceptance.accept_answer(session, member, accepted.id, answer.id)
    closed = ask(session, member, "Closed as off topic by moderators", 1)
    moderation.close_question(session, moderator, closed.id, "off_topic")
    session.commit()
    assert queue(session) == [waiting]


def test_queue_item_reports_age_and_overdue_against_target(session, member, app):
    app.config["STAFF_TARGET_SECONDS"] = 1800
    late = ask(session, member, "Asked forty minutes ago, nobody answered", 40 / 60)
    early = ask(session, member, "Asked ten minutes ago, nobody answered", 10 / 60)
    items = {i.question.id: i for i in desk.queue_items(session, [late, early])}
    assert items[late.id].overdue and not items[early.id].overdue
    assert 2350 < items[late.id].age_seconds < 2450


def test_needs_attention_flag_raises_question_and_announces(session, member, make_user):
    old = ask(session, member, "Old but calm question here", 0.5)
    flagged = ask(session, member, "Newer question that needs attention", 0.1)
    flagger = make_user("member", 20)
    flags.raise_flag(session, flagger, flagged.id, "needs_attention", "Customer is very upset, please help")
    session.commit()
    assert queue(session)[0] == flagged
    assert desk.queue_items(session, [flagged])[0].needs_attention
    escalation = session.get(Escalation, flagged.id)
    assert escalation.reason == "needs_attention"
    announced = session.scalars(select(LiveEvent.type).where(LiveEvent.staff_only.is_(True))).all()
    assert "question.escalated" in announced and old.id != flagged.id


def test_escalate_overdue_announces_each_question_once(session, member):
    overdue = ask(session, member, "Nobody answered this for hours", 3)
    ask(session, member, "Asked just now, not overdue yet", 0)
    assert desk.escalate_overdue(session) == [overdue]
    assert desk.escalate_overdue(session) == []
    session.commit()
    rows = session.scalars(select(LiveEvent).where(LiveEvent.type == "question.escalated")).all()
    assert len(rows) == 1 and rows[0].rooms == "staff" and rows[0].staff_only


def test_claim_by_second_staff_is_a_conflict_naming_the_first(session, make_user, question):
    first, second = make_user("staff", username="first_staff"), make_user("staff", username="second_staff")
    desk.claim_question(session, first, question.id)
    session.commit()
    with pytest.raises(Conflict, match="first_staff is on it until"):
        desk.claim_question(session, second, question.id)
    claim = desk.active_claims(session, [question.id])[question.id]
    assert claim.user_id == first.id
    assert claim.expires_at - claim.claimed_at == timedelta(minutes=10)


def test_claim_expires_after_ten_minutes(session, make_user, question):
    first, second = make_user("staff"), make_user("staff")
    desk.claim_question(session, first, question.id)
    session.commit()
    with clock.travel(timedelta(minutes=11)):
        assert desk.active_claims(session, [question.id]) == {}
        desk.claim_question(session, second, question.id)
        session.commit()
        assert desk.active_claims(session, [question.id])[question.id].user_id == second.id


def test_claim_ends_with_the_claimers_answer(session, staff, question):
    staff_claim = claim_and_look(session, staff, question)
    assert staff_claim is not None
    posting.post_answer(session, staff, question, "Staff answer: please reset the router fully.")
    session.commit()
    assert desk.active_claims(session, [question.id]) == {}


def claim_and_look(session, user, question):
    desk.claim_question(session, user, question.id)
    session.commit()
    return desk.active_claims(session, [question.id]).get(question.id)


def test_claim_by_member_is_forbidden(session, other_member, question):
    with pytest.raises(Forbidden):
        desk.claim_question(session, other_member, question.id)


def test_release_claim_by_other_staff_is_forbidden_but_moderator_may(session, make_user, question, moderator):
    first, second = make_user("staff"), make_user("staff")
    desk.claim_question(session, first, question.id)
    session.commit()
    with pytest.raises(Forbidden):
        desk.release_claim(session, second, question.id)
    desk.release_claim(session, moderator, question.id)
    session.commit()
    assert desk.active_claims(session, [question.id]) == {}


def test_verify_answer_by_staff_shows_who_and_is_audited(session, staff, answered_question):
    answer = answered_question.answers[0]
    staff_user = staff
    desk.verify_answer(session, staff_user, answer.id)
    session.commit()
    assert answer.verified_by == staff_user
    desk.verify_answer(session, staff_user, answer.id)  # twice changes nothing
    desk.unverify_answer(session, staff_user, answer.id)
    session.commit()
    assert answer.verified_by is None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["verify", "unverify"]


def test_verify_own_answer_is_forbidden(session, staff, question):
    mine = posting.post_answer(session, staff, question, "Staff answer that I would like to verify.")
    with pytest.raises(Forbidden):
        desk.verify_answer(session, staff, mine.id)


def test_verify_answer_by_member_is_forbidden(session, member, answered_question):
    with pytest.raises(Forbidden):
        desk.verify_answer(session, member, answered_question.answers[0].id)


def test_dashboard_counts_by_source_and_who_answered(session, member, other_member, staff):
    web = ask(session, member, "Web question for the dashboard", 5)
    tweet = ask(session, member, "Tweet question for the dashboard", 4, "twitter")
    with clock.travel(-timedelta(hours=4)):
        posting.post_answer(session, other_member, web, "Community answer posted an hour later.")
        posting.post_answer(session, staff, tweet, "Staff answer posted right away to the tweet.")
    session.commit()
    figures = desk.dashboard(session, days=7)
    assert sum(figures.per_day["web"]) == 1 and sum(figures.per_day["twitter"]) == 1
    assert figures.answered_by_staff == 1 and figures.answered_by_community == 1
    assert figures.median_first_answer == pytest.approx(1800, abs=60)
    assert [user.username for user, _, _ in figures.helpers] == [other_member.username]


def test_thresholds_set_by_admin_apply_after_refresh(session, app, admin, make_user):
    newcomer = make_user("member", 10)
    assert not has_privilege(newcomer, "flag")
    site_settings.set_thresholds(session, admin, {"flag": "5"}, dict(app.config["PRIVILEGES"]))
    session.commit()
    site_settings.forget_cached()
    assert has_privilege(newcomer, "flag")
    assert session.scalar(select(AuditEntry.action)) == "change_settings"


def test_thresholds_refuse_bad_values_and_non_admins(session, app, moderator, admin):
    with pytest.raises(Forbidden):
        site_settings.set_thresholds(session, moderator, {"flag": 5}, {})
    with pytest.raises(Invalid) as invalid:
        site_settings.set_thresholds(session, admin, {"flag": "-3", "fly": 2, "vote_up": "x"}, {})
    assert set(invalid.value.fields) == {"flag", "fly", "vote_up"}
