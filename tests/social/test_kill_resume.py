"""Kill the mirror process (SIGKILL) mid-run, restart it, and get what an uninterrupted run gets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.models import MirroredTweet
from tests.social.conftest import REPO, row_counts, thread_shape, wipe
from tests.social.fake_x import TOKEN

pytestmark = pytest.mark.slow
CONVERSATIONS = 90


def load_subset(fake, twcs_pages: Path) -> int:
    """The first CONVERSATIONS real conversations (by root id), every tweet of each."""
    import json

    roots = set()
    with twcs_pages.open(encoding="utf-8") as lines:
        for line in lines:
            roots.update(t["conversation_id"] for t in json.loads(line)["data"])
    keep = set(sorted(roots, key=int)[:CONVERSATIONS])
    return fake.load_pages(twcs_pages, keep=lambda tweet: tweet["conversation_id"] in keep)


def mirror_process(app, fake_url: str, brands: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "FORUM_ENV": "development",
        "FORUM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FORUM_INDEX_DIR": str(tmp_path / "index"),
        "FORUM_X_API_URL": fake_url,
        "FORUM_X_BEARER_TOKEN": TOKEN,
        "FORUM_X_QUERY": "customer support",
        "FORUM_X_BRAND_HANDLES": brands,
        "FORUM_X_BACKOFF_SECONDS": "0.05",
    }
    env.pop("FORUM_REDIS_URL", None)
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen(
        [flask, "--app", "wsgi", "forum", "mirror", "run", "--once"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def mirrored_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(MirroredTweet))


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    return out


@pytest.mark.parametrize("kill_when", ["fetching pages", "mirroring tweets"])
def test_mirror_killed_and_restarted_matches_an_uninterrupted_run(
    app, db, session, fake_x, twcs_pages, twcs_brands, tmp_path, kill_when
):
    total = load_subset(fake_x, twcs_pages)
    session.commit()
    finish(mirror_process(app, fake_x.url, twcs_brands, tmp_path))
    expected = (row_counts(session), thread_shape(session))
    assert expected[0]["mirrored"] == total

    wipe(db)
    fake_x.requests.clear()
    fake_x.delay = 0.2 if kill_when == "fetching pages" else 0.0
    process = mirror_process(app, fake_x.url, twcs_brands, tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if kill_when == "fetching pages" and fake_x.count("GET", "/2/tweets/search/recent") >= 2:
            break
        if kill_when == "mirroring tweets" and mirrored_count(session) >= total // 3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the mirror finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = mirrored_count(session)
    assert interrupted < total

    fake_x.delay = 0.0
    finish(mirror_process(app, fake_x.url, twcs_brands, tmp_path))
    session.expire_all()
    assert (row_counts(session), thread_shape(session)) == expected
