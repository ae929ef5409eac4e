"""Concurrent voters and double clicks: one vote each, one ledger row each,
no "database is locked", on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ReputationEvent, User, Vote
from forum.services import reputation, voting
from forum.services.transactions import retrying


def _run_threads(app, jobs):
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        with app.app_context():
            barrier.wait()
            try:
                job()
            except BaseException as error:  # collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def _vote_job(user_id, post_id, value):
    def job():
        voter = db.session.get(User, user_id)
        retrying(db.session, lambda: voting.cast_vote(db.session, voter, post_id, value))

    return job


def test_vote_by_16_concurrent_voters_counts_each_once(app, session, question, member, make_user):
    voters = [make_user(reputation=20).id for _ in range(16)]
    question_id, author_id = question.id, member.id
    session.remove()
    errors = _run_threads(app, [_vote_job(uid, question_id, 1) for uid in voters])
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 16
    assert db.session.get(type(question), question_id).score == 16
    author = db.session.get(User, author_id)
    assert author.reputation == 1 + 160
    assert reputation.find_drift(db.session) == []


def test_vote_double_click_by_one_user_makes_one_vote_and_one_row(app, session, question, make_user):
    voter_id = make_user(reputation=20).id
    question_id, author_id = question.id, question.author_id
    session.remove()
    errors = _run_threads(app, [_vote_job(voter_id, question_id, 1) for _ in range(8)])
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
    rows = db.session.scalar(
        select(func.count()).select_from(ReputationEvent).where(ReputationEvent.user_id == author_id)
    )
    assert rows == 1
    assert db.session.get(type(question), question_id).score == 1
