"""Each page runs a fixed number of SQL statements, however many answers, comments or rows.

Pages are rendered afresh (the anonymous page cache is off here): what is
counted is the work of building the page, for a reader and for a member.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.models import Post
from forum.services import posting, voting
from forum.services import staff as desk
from tests.conftest import LONG_BODY


@pytest.fixture
def app_overrides() -> dict:
    return {"PAGE_CACHE": False}


@contextmanager
def counted(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def grow_thread(session, question: Post, authors, answers: int) -> None:
    """`answers` answers by different authors, each with a comment, votes and a verification."""
    verifier, members = authors[0], authors[1:]
    for number in range(answers):
        author = members[number % len(members)]
        answer = posting.post_answer(session, author, question, f"Answer {number}: " + LONG_BODY)
        # Comments by someone who writes no answers, so that 1 answer and 30 load the same people.
        posting.add_comment(session, verifier, answer, "Did that work for you?")
        voting.cast_vote(session, members[(number + 2) % len(members)], answer.id, 1)
        if number % 3 == 0:
            desk.verify_answer(session, verifier, answer.id)
    posting.add_comment(session, authors[1], question, "Which model is it?")
    session.commit()


@pytest.fixture
def authors(make_user, session):
    people = [make_user(reputation=200, role="staff" if i == 0 else "member") for i in range(6)]
    session.commit()
    return people


def statements_for(app, client, path: str) -> int:
    client.get(path, follow_redirects=True)  # warm: redirects, first-use lookups
    db.session.expire_all()  # count what a fresh request loads, not what the test left in memory
    with counted(app) as statements:
        response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    return len(statements)


def two_threads(session, member, authors, sizes=(1, 30)) -> list[Post]:
    threads = []
    for size in sizes:
        question = posting.ask_question(session, member, f"Why does my router drop Wi-Fi {size}?",
                                        LONG_BODY, ["router", f"size{size}"])  # fmt: skip
        session.commit()
        grow_thread(session, question, authors, size)
        threads.append(question)
    return threads


def test_question_page_for_a_reader_with_1_or_30_answers_runs_the_same_statements(
    app, client, session, member, authors
):
    small, large = two_threads(session, member, authors)
    assert statements_for(app, client, f"/questions/{small.id}") == statements_for(
        app, client, f"/questions/{large.id}"
    )


def test_question_page_for_a_member_with_1_or_30_answers_runs_the_same_statements(
    app, client, session, member, authors, logged_in, make_user
):
    small, large = two_threads(session, member, authors)
    reader = make_user(reputation=200)  # writes nothing in either thread: loaded alike in both
    session.commit()
    logged_in(reader)
    assert statements_for(app, client, f"/questions/{small.id}") == statements_for(
        app, client, f"/questions/{large.id}"
    )


@pytest.mark.parametrize("path", [
    "/", "/questions?sort=active", "/questions?sort=votes", "/questions?sort=unanswered",
    "/tags", "/questions?tagged=router", "/search?q=router", "/feed",
])  # fmt: skip
def test_list_page_with_2_or_12_questions_runs_the_same_statements(
    path, app, client, session, member, authors
):
    two_threads(session, member, authors, sizes=(1, 2))
    few = statements_for(app, client, path)
    two_threads(session, authors[4], authors, sizes=(3, 1, 2, 1, 1))
    two_threads(session, authors[5], authors, sizes=(1, 1, 1, 1, 1))
    assert statements_for(app, client, path) == few


def test_profile_with_1_or_12_posts_runs_the_same_statements(app, client, session, member, authors):
    two_threads(session, member, authors, sizes=(1,))
    few = statements_for(app, client, f"/users/{member.id}")
    two_threads(session, member, authors, sizes=(1,) * 11)
    assert statements_for(app, client, f"/users/{member.id}") == few
