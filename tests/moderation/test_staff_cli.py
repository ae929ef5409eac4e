"""`forum staff escalate`: overdue questions are raised once, for a cron job."""

from __future__ import annotations

from datetime import timedelta

from forum import clock
from forum.services import posting

BODY = "My order has not arrived and the tracking page shows nothing."


def test_staff_escalate_with_overdue_question_raises_it_once(runner, session, member):
    with clock.travel(-timedelta(hours=3)):
        question = posting.ask_question(session, member, "Order never arrived, what now?", BODY, ["orders"])
    session.commit()
    first = runner.invoke(args=["forum", "staff", "escalate"])
    assert first.exit_code == 0, first.output
    assert f"escalated {question.id}: Order never arrived, what now?" in first.output
    assert "escalated: 1 questions" in first.output
    second = runner.invoke(args=["forum", "staff", "escalate"])
    assert "escalated: 0 questions" in second.output


def test_staff_escalate_with_fresh_question_raises_nothing(runner, session, member):
    posting.ask_question(session, member, "Order is late by a day, normal?", BODY, ["orders"])
    session.commit()
    result = runner.invoke(args=["forum", "staff", "escalate"])
    assert "escalated: 0 questions" in result.output
