"""After-commit effects run once, after the outer commit, and never after a rollback."""

from __future__ import annotations

from forum.changes import after_commit


def test_effect_queued_in_savepoint_runs_only_after_outer_commit(session):
    ran = []
    with session.begin_nested():
        after_commit(session, lambda: ran.append("effect"))
    assert ran == []
    session.commit()
    assert ran == ["effect"]


def test_effect_queued_before_rollback_never_runs(session, member):
    ran = []
    member.about = "changed, then rolled back"
    session.flush()
    after_commit(session, lambda: ran.append("effect"))
    session.rollback()
    session.commit()
    assert ran == []
