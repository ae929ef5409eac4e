"""The moderation demo adds what a newcomer needs to try every desk, once."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.demo import load_demo_data, load_moderation_demo
from forum.models import AuditEntry, Flag, Post
from forum.services import recount, reputation, staff


def test_moderation_demo_adds_flags_duplicate_audit_and_overdue_queue_once(session):
    load_demo_data(session, echo=lambda _: None)
    assert load_moderation_demo(session, echo=lambda _: None) is True
    open_flags = session.scalar(select(func.count()).select_from(Flag).where(Flag.status == "open"))
    assert open_flags >= 4
    assert session.scalar(select(Post).where(Post.closed_reason == "duplicate")) is not None
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"auto_hide", "close", "delete", "lock"} <= actions
    items = staff.queue_items(session, list(session.scalars(staff.queue_query().limit(50))))
    assert any(item.overdue for item in items)
    assert any(item.question.source == "twitter" for item in items)
    assert any(item.claim is not None for item in items)
    assert recount.find_counter_drift(session) == [] and reputation.find_drift(session) == []
    assert load_moderation_demo(session, echo=lambda _: None) is False
