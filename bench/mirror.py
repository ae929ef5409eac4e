"""Tweets mirrored per second, and tweet-to-post latency with the mirror polling the fake X server.

    .venv/bin/python bench/mirror.py [--pg URL] [--tweets 60] [--poll 1.0] [--spacing 0.5]

Throughput: the 3,005 TWCS tweets (../shared/data/twcs; synthetic
conversations when absent) sit on the fake X server and one `--once` run
fetches and mirrors them, timed as a whole and per phase (fetching the
pages, then mirroring). Latency: the mirror polls every --poll seconds
while --tweets new tweets appear on the server one every --spacing seconds;
each tweet's latency runs from its appearance to the commit of its post.
Everything stays on 127.0.0.1; the database is a fresh SQLite file, or with
--pg that PostgreSQL database (its tables are dropped and made again).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import MirroredTweet  # noqa: E402
from forum.social import brands as brand_accounts  # noqa: E402
from forum.social import conversations, mirror  # noqa: E402
from tests.social.fake_x import TOKEN, FakeX  # noqa: E402

TWCS = ROOT.parent / "shared" / "data" / "twcs" / "twcs_pages.jsonl"


def make_app(url: str, fake: FakeX, poll_seconds: float, brands: str):
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "X_API_URL": fake.url,
            "X_BEARER_TOKEN": TOKEN,
            "X_QUERY": "@AcmeHelp",
            "X_BRAND_HANDLES": brands,
            "X_POLL_SECONDS": poll_seconds,
            "X_DELETION_CHECK_SECONDS": 3600,
            "INDEX_DIR": tempfile.mkdtemp(prefix="mirror-bench-index-"),
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def load_backlog(fake: FakeX) -> tuple[int, str]:
    if TWCS.exists():
        import csv

        count = fake.load_pages(TWCS)
        with TWCS.with_name("twcs_sample.csv").open(encoding="utf-8") as rows:
            brands = {r["author_id"] for r in csv.DictReader(rows) if r["inbound"] == "False"}
        return count, ",".join(sorted(brands))
    for n in range(750):
        question = fake.tweet(f"cust{n}", f"@AcmeHelp my order {n} has not arrived, what now?")
        answer = fake.tweet("AcmeHelp", f"@cust{n} Sorry! Please DM us the order number.", reply_to=question)
        fake.tweet(f"cust{n}", "@AcmeHelp done, thanks", reply_to=answer)
        fake.tweet(f"helper{n}", f"@cust{n} mine came two days late, hang on", reply_to=question)
    return 3000, "AcmeHelp"


def throughput(url: str) -> dict:
    fake = FakeX()
    fake.start()
    try:
        count, brands = load_backlog(fake)
        app = make_app(url, fake, 1.0, brands)
        with app.app_context():
            client = mirror.make_client(app)
            source = mirror.ApiSource(client, app.config["X_QUERY"])
            patience = mirror.Patience(db.session, source.key, client, once=True)
            started = time.perf_counter()
            batch = conversations.collect(source.pages(None, patience))
            fetched = time.perf_counter()
            brand_ids, _problems = brand_accounts.brand_ids(
                app, db.session, batch.handles, client.users_by_username
            )
            mirror.ingest(db.session, batch, source.key, brand_ids)
            done = time.perf_counter()
        return {
            "tweets": count,
            "pages": fake.count("GET", "/2/tweets/search/recent"),
            "fetch_s": fetched - started,
            "mirror_s": done - fetched,
            "total_s": done - started,
            "tweets_per_s": count / (done - started),
        }
    finally:
        fake.stop()


def latency(url: str, tweets: int, poll_seconds: float, spacing: float) -> dict:
    fake = FakeX()
    fake.start()
    app = make_app(url, fake, poll_seconds, "AcmeHelp")
    stop = threading.Event()

    def run_mirror() -> None:
        with app.app_context():
            client = mirror.make_client(app)
            mirror.run(
                app,
                db.session,
                mirror.ApiSource(client, app.config["X_QUERY"]),
                client=client,
                should_stop=stop.is_set,
                sleep=lambda s: stop.wait(s),
            )

    worker = threading.Thread(target=run_mirror, daemon=True)
    worker.start()
    appeared: dict[int, datetime] = {}
    question = None
    try:
        for n in range(tweets):
            if n % 4 == 0:
                question = fake.tweet(f"cust{n}", f"@AcmeHelp question number {n}: the app will not start.")
                tweet = question
            else:
                author = "AcmeHelp" if n % 2 else f"helper{n}"
                text = f"Reply {n}: reinstall the app and sign in again, please."
                tweet = fake.tweet(author, text, reply_to=question)
            appeared[int(tweet["id"])] = datetime.now(UTC).replace(tzinfo=None)
            time.sleep(spacing)
        deadline = time.monotonic() + 30 + poll_seconds * 3
        with app.app_context():
            while time.monotonic() < deadline:
                db.session.rollback()
                rows = db.session.execute(select(MirroredTweet.tweet_id, MirroredTweet.mirrored_at))
                done = dict(rows.all())
                if all(tweet_id in done for tweet_id in appeared):
                    break
                time.sleep(0.1)
    finally:
        stop.set()
        worker.join(timeout=30)
        fake.stop()
    seconds = sorted((done[t] - appeared[t]).total_seconds() for t in appeared if t in done)
    return {
        "tweets": len(appeared),
        "mirrored": len(seconds),
        "poll_s": poll_seconds,
        "p50_s": statistics.median(seconds),
        "p95_s": seconds[int(0.95 * (len(seconds) - 1))],
        "max_s": seconds[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("FORUM_TEST_DATABASE_URL"))
    parser.add_argument("--tweets", type=int, default=60)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--spacing", type=float, default=0.5)
    args = parser.parse_args()
    logging.getLogger("forum.social").setLevel(logging.WARNING)
    targets = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='mirror-bench-')}/bench.db")]
    if args.pg:
        targets.append(("postgresql", args.pg))
    for name, url in targets:
        t = throughput(url)
        print(
            f"[{name}] backlog: {t['tweets']} tweets in {t['pages']} pages: fetch {t['fetch_s']:.2f} s, "
            f"mirror {t['mirror_s']:.2f} s -> {t['tweets_per_s']:.0f} tweets/s overall"
        )
        lat = latency(url, args.tweets, args.poll, args.spacing)
        print(
            f"[{name}] tweet-to-post with a {lat['poll_s']:g} s poll: {lat['mirrored']}/{lat['tweets']} "
            f"mirrored, p50 {lat['p50_s']:.2f} s, p95 {lat['p95_s']:.2f} s, max {lat['max_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
