"""Votes per second with 16 concurrent clients, and `reputation recompute` on 1M ledger rows.

    .venv/bin/python bench/votes.py [--pg URL] [--rows 1000000] [--votes 1600]

Runs on a fresh SQLite file and, when --pg (or FORUM_TEST_DATABASE_URL) is
given, on that PostgreSQL database too (its tables are dropped and made
again). Each figure comes with a baseline measured in the same run, so the
ratio means something on a noisy shared machine: votes against plain
16-thread INSERTs of vote rows without any rules, and the recompute against
a bare GROUP BY over the same ledger.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Post, ReputationEvent, User, Vote  # noqa: E402
from forum.services import reputation, voting  # noqa: E402
from forum.services.transactions import retrying  # noqa: E402

THREADS = 16
BODY = "A body long enough for the thirty character rule of the forum."


def make_app(url: str):
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DAILY_VOTE_LIMIT": 10**9,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 4} if url.startswith("postgresql") else {},
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def seed(app, posts: int, voters: int, authors: int = 50) -> tuple[list[int], list[int]]:
    """Staff voters (no reputation needed) and posts spread over `authors` members."""
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "username": f"a{i}",
                    "email": f"a{i}@example.com",
                    "password_hash": None,
                    "role": "member",
                    "reputation": 1,
                }
                for i in range(authors)
            ]
            + [
                {
                    "username": f"u{i}",
                    "email": f"u{i}@example.com",
                    "password_hash": None,
                    "role": "staff",
                    "reputation": 1,
                }
                for i in range(voters)
            ],
        )
        author_ids = list(db.session.scalars(select(User.id).where(User.role == "member")))
        db.session.execute(
            insert(Post),
            [
                {
                    "kind": "question",
                    "author_id": author_ids[i % authors],
                    "title": f"Question {i} for the bench",
                    "body": BODY,
                    "body_html": BODY,
                }
                for i in range(posts)
            ],
        )
        db.session.commit()
        user_ids = list(db.session.scalars(select(User.id).where(User.role == "staff")))
        post_ids = list(db.session.scalars(select(Post.id)))
        return user_ids, post_ids


def run_threads(app, work_per_thread) -> float:
    barrier = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                work_per_thread(index)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def bench_votes(url: str, total_votes: int) -> None:
    per_thread = total_votes // THREADS
    app = make_app(url)
    voters, posts = seed(app, posts=per_thread * 2, voters=THREADS)

    def vote_through_rules(index: int) -> None:
        voter_id = voters[index]
        for post_id in random.Random(index).sample(posts, per_thread):
            retrying(
                db.session,
                lambda post_id=post_id: voting.cast_vote(
                    db.session, db.session.get(User, voter_id), post_id, random.choice((1, -1))
                ),
            )

    rules = run_threads(app, vote_through_rules)
    with app.app_context():
        votes = db.session.scalar(select(func.count()).select_from(Vote))
        drift = len(reputation.find_drift(db.session))
        db.session.execute(text("DELETE FROM votes"))
        db.session.commit()

    def bare_insert(index: int) -> None:
        voter_id = voters[index]
        for post_id in random.Random(index).sample(posts, per_thread):
            db.session.execute(insert(Vote).values(post_id=post_id, user_id=voter_id, value=1))
            db.session.commit()

    bare = run_threads(app, bare_insert)
    print(
        f"  votes through the rules: {votes} in {rules:.2f} s = {votes / rules:,.0f} votes/s "
        f"({THREADS} threads; drift after: {drift} users)"
    )
    print(
        f"  baseline bare INSERT+COMMIT: {votes / bare:,.0f} rows/s; "
        f"rules cost {rules / bare:.1f}x the baseline"
    )


def bench_recompute(url: str, rows: int) -> None:
    app = make_app(url)
    users = max(1000, rows // 100)
    seed(app, posts=1, voters=users)
    with app.app_context():
        user_ids = list(db.session.scalars(select(User.id)))
        rng = random.Random(1)
        started = time.perf_counter()
        batch = 50_000
        for offset in range(0, rows, batch):
            db.session.execute(
                insert(ReputationEvent),
                [
                    {
                        "user_id": rng.choice(user_ids),
                        "delta": rng.choice((10, 10, -2, 15)),
                        "reason": "bench",
                    }
                    for _ in range(min(batch, rows - offset))
                ],
            )
        db.session.commit()
        load = time.perf_counter() - started

        started = time.perf_counter()
        db.session.execute(
            select(ReputationEvent.user_id, func.sum(ReputationEvent.delta)).group_by(ReputationEvent.user_id)
        ).all()
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        drift = reputation.find_drift(db.session)
        check = time.perf_counter() - started
        started = time.perf_counter()
        reputation.fix_drift(db.session, drift)
        db.session.commit()
        fix = time.perf_counter() - started
    print(f"  ledger of {rows:,} rows over {users:,} users (loaded in {load:.1f} s)")
    print(f"  recompute check: {check:.2f} s ({len(drift):,} users drifted), --fix: {fix:.2f} s more")
    print(f"  baseline bare GROUP BY: {baseline:.2f} s; check costs {check / baseline:.2f}x the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("FORUM_TEST_DATABASE_URL"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=1600)
    args = parser.parse_args()
    targets = [("SQLite (file, WAL)", None)]
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    for label, url in targets:
        with tempfile.TemporaryDirectory() as tmp:
            url = url or f"sqlite:///{tmp}/bench.db"
            print(f"== {label}")
            bench_votes(url, args.votes)
            bench_recompute(url, args.rows)


if __name__ == "__main__":
    main()
