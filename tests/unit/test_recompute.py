"""The rebuild commands report drift, exit 1, and mend it with --fix."""

from __future__ import annotations

from sqlalchemy import update

from forum.models import Post, Tag, User
from forum.services import voting


def test_reputation_recompute_with_drift_reports_and_exits_1(runner, session, question, member, make_user):
    voting.cast_vote(session, make_user(reputation=20), question.id, 1)
    session.commit()
    session.execute(update(User).where(User.id == member.id).values(reputation=999))
    session.commit()
    result = runner.invoke(args=["forum", "reputation", "recompute"])
    assert result.exit_code == 1
    assert "drift: 1 users" in result.output
    assert "cached 999, ledger says 11" in result.output


def test_reputation_recompute_with_fix_mends_and_exits_0(runner, session, question, member):
    session.execute(update(User).where(User.id == member.id).values(reputation=42))
    session.commit()
    result = runner.invoke(args=["forum", "reputation", "recompute", "--fix"])
    assert result.exit_code == 0, result.output
    assert "fixed: 1 users" in result.output
    session.expire_all()
    assert session.get(User, member.id).reputation == 1
    again = runner.invoke(args=["forum", "reputation", "recompute"])
    assert again.exit_code == 0 and "drift: 0 users" in again.output


def test_counts_recompute_with_drift_reports_and_fixes(runner, session, answered_question):
    session.execute(update(Post).where(Post.id == answered_question.id).values(score=7, answer_count=5))
    session.execute(update(Tag).values(question_count=9))
    session.commit()
    result = runner.invoke(args=["forum", "counts", "recompute"])
    assert result.exit_code == 1
    assert "drift: 4 counters" in result.output  # score, answer_count, two tags
    fixed = runner.invoke(args=["forum", "counts", "recompute", "--fix"])
    assert fixed.exit_code == 0
    session.expire_all()
    q = session.get(Post, answered_question.id)
    assert (q.score, q.answer_count) == (0, 1)
    assert runner.invoke(args=["forum", "counts", "recompute"]).exit_code == 0
