"""The demo community: loaded once, every role, every language, consistent history."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum import demo
from forum.models import Comment, Post, PostRevision, User
from forum.services import accounts

LANGUAGES = {
    "greek": re.compile("[άέήίόύώ]"),
    "czech": re.compile("[ěřů]"),
    "slovak": re.compile("[ľĺŕôä]"),
    "persian": re.compile("[پچژگ]"),
}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_load_twice_creates_the_data_once(runner, session):
    first = runner.invoke(args=["forum", "demo", "load"])
    counts = [count(session, model) for model in (User, Post, Comment, PostRevision)]
    second = runner.invoke(args=["forum", "demo", "load"])
    assert first.exit_code == 0 and "demo data loaded" in first.output
    assert second.exit_code == 0 and "already present" in second.output
    assert [count(session, model) for model in (User, Post, Comment, PostRevision)] == counts
    usernames = set(session.scalars(select(User.username)))
    assert {name for name, *_ in demo.USERS} <= usernames
    # The CLI also replays the demo Twitter conversations and adds moderation work.
    assert session.scalar(select(func.count()).select_from(Post).where(Post.source == "twitter")) >= 3


def test_demo_load_reports_what_it_mirrored_in_proper_plurals(runner):
    output = runner.invoke(args=["forum", "demo", "load"]).output
    line = next(line for line in output.splitlines() if line.startswith("replayed the demo Twitter"))
    counts = re.findall(r"(\d+) (\w+)", line.split("mirrored", 1)[1])
    assert counts and "skippeds" not in line
    for number, word in counts:
        assert word.endswith("s") == (number != "1" and word != "skipped"), line


def check_has_users_of_every_role_with_the_documented_password(session) -> None:
    roles = dict(session.execute(select(User.username, User.role)).all())
    assert {roles["admin"], roles["mod"], roles["staff_sam"], roles["staff_kim"]} == {
        "admin", "moderator", "staff"
    }  # fmt: skip
    assert list(roles.values()).count("member") >= 8
    assert accounts.authenticate(session, "admin", "password123").username == "admin"
    assert accounts.authenticate(session, "maria_k", "password123").role == "member"


def check_has_questions_in_each_language(session) -> None:
    questions = session.scalars(select(Post).where(Post.kind == "question")).all()
    assert len(questions) >= 14 + len(LANGUAGES)
    for language, letters in LANGUAGES.items():
        threads = [q for q in questions if letters.search(q.title + q.body)]
        assert threads, f"no {language} question"
        assert all(any(letters.search(a.body) for a in q.answers) for q in threads), language


def check_every_question_is_answered_some_by_staff(session) -> None:
    questions = session.scalars(select(Post).where(Post.kind == "question")).all()
    assert all(1 <= q.answer_count == len(q.answers) <= 3 for q in questions)
    staff_answers = [a for q in questions for a in q.answers if a.author.is_staff]
    assert len(staff_answers) >= 10
    assert count(session, Comment) >= 10


def check_timeline_is_spread_and_consistent(session) -> None:
    questions = session.scalars(select(Post).where(Post.kind == "question").order_by(Post.id)).all()
    created = [q.created_at for q in questions]
    assert (max(created) - min(created)).days >= 14
    for question in questions:
        assert question.author.created_at < question.created_at
        moments = [question.updated_at]
        for answer in question.answers:
            assert answer.created_at > question.created_at
            assert answer.updated_at == answer.created_at == answer.last_activity_at
            moments += [answer.created_at] + [c.created_at for c in answer.comments]
        moments += [c.created_at for c in question.comments]
        assert question.last_activity_at == max(moments)
        assert [r.created_at for r in question.revisions] == sorted(r.created_at for r in question.revisions)
        assert question.revisions[0].created_at == question.created_at


def check_edited_questions_have_revision_history(session) -> None:
    community_edits = {t["key"] for t in demo.THREADS if "edit" in t} | {demo.MODERATOR_RETAG["thread"]}
    titles = {t["title"] for t in demo.THREADS if t["key"] in community_edits}
    edited = session.scalars(select(Post).where(Post.title.in_(titles))).all()
    assert len(edited) == len(community_edits) >= 2
    for question in edited:
        assert [r.number for r in question.revisions] == [1, 2]
        assert question.updated_at == question.revisions[-1].created_at > question.created_at
    editors = {question.revisions[-1].editor.username for question in edited}
    assert "mod" in editors


def test_demo_community_has_every_role_language_and_a_consistent_history(session):
    """One load for all the checks below: a load takes seconds (scrypt, votes)."""
    messages: list[str] = []
    assert demo.load_demo_data(session, echo=messages.append) is True
    assert "password123" in messages[0]
    check_has_users_of_every_role_with_the_documented_password(session)
    check_has_questions_in_each_language(session)
    check_every_question_is_answered_some_by_staff(session)
    check_timeline_is_spread_and_consistent(session)
    check_edited_questions_have_revision_history(session)
