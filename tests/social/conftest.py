"""Fixtures for the mirror: a fake X server, settings pointing at it, the TWCS recording."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from forum.models import Comment, MirroredTweet, Post
from tests.social.fake_x import TOKEN, FakeX

REPO = Path(__file__).resolve().parents[2]
TWCS_PAGES = REPO.parent / "shared" / "data" / "twcs" / "twcs_pages.jsonl"
TWCS_CSV = REPO.parent / "shared" / "data" / "twcs" / "twcs_sample.csv"
DEMO_PAGES = REPO / "forum" / "social" / "demo_pages.jsonl"


@pytest.fixture
def fake_x() -> Iterator[FakeX]:
    fake = FakeX()
    fake.start()
    yield fake
    fake.stop()


def mirror_settings(fake_url: str, **extra) -> dict:
    return {
        "X_API_URL": fake_url,
        "X_BEARER_TOKEN": TOKEN,
        "X_QUERY": "@AcmeHelp -is:retweet",
        "X_BRAND_HANDLES": "AcmeHelp",
        "X_POLL_SECONDS": 0,
        "X_BACKOFF_SECONDS": 0.01,
        "X_BACKOFF_MAX_SECONDS": 0.05,
        "X_HTTP_TIMEOUT_SECONDS": 5.0,
        **extra,
    }


@pytest.fixture
def app_overrides(fake_x) -> dict:
    return mirror_settings(fake_x.url)


@pytest.fixture
def twcs_pages() -> Path:
    if not TWCS_PAGES.exists():
        pytest.skip(f"the TWCS recording is not at {TWCS_PAGES}")
    return TWCS_PAGES


@pytest.fixture
def twcs_brands() -> str:
    """The brand handles of the TWCS sample: the authors of its outbound tweets."""
    import csv

    if not TWCS_CSV.exists():
        pytest.skip(f"the TWCS sample is not at {TWCS_CSV}")
    with TWCS_CSV.open(encoding="utf-8") as rows:
        brands = {row["author_id"] for row in csv.DictReader(rows) if row["inbound"] == "False"}
    return ",".join(sorted(brands))


def thread_shape(session) -> dict:
    """What the forum shows, keyed by tweet ids (not row ids), to compare two runs."""
    by_post = {
        m.post_id: m.tweet_id
        for m in session.scalars(select(MirroredTweet).where(MirroredTweet.kind.in_(("question", "answer"))))
    }
    shape = {}
    for m in session.scalars(select(MirroredTweet)):
        root = by_post.get(m.question_id)
        target = by_post.get(m.post_id) if m.kind == "comment" else None
        author = m.identity.handle if m.identity else None
        shape[m.tweet_id] = (m.kind, m.skip_reason, root, target, author)
    return shape


def row_counts(session) -> dict:
    return {
        "questions": session.scalar(select(func.count()).select_from(Post).where(Post.kind == "question")),
        "answers": session.scalar(select(func.count()).select_from(Post).where(Post.kind == "answer")),
        "comments": session.scalar(select(func.count()).select_from(Comment)),
        "mirrored": session.scalar(select(func.count()).select_from(MirroredTweet)),
        "answer_count_sum": session.scalar(
            select(func.coalesce(func.sum(Post.answer_count), 0)).where(Post.kind == "question")
        ),
    }


def wipe(db) -> None:
    """Empty every table (between two runs in one test)."""
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.drop_all()
        db.create_all()
