"""One writer at a time across processes, and nothing lost when a writer is killed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import search
from forum.models import SearchOutbox
from forum.search import writer
from forum.services import posting
from tests.conftest import LONG_BODY

# The processes here drain into the Whoosh index; the postgres backend's drains take turns
# through an advisory lock inside the database (forum/search/postgres.py).
pytestmark = pytest.mark.whoosh_only

PROCESS = str(Path(__file__).with_name("writer_process.py"))


def _run(app, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    command = [sys.executable, PROCESS, app.config["SQLALCHEMY_DATABASE_URI"], app.config["INDEX_DIR"], *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def _start(app, *args: str) -> subprocess.Popen:
    command = [sys.executable, PROCESS, app.config["SQLALCHEMY_DATABASE_URI"], app.config["INDEX_DIR"], *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _queue_questions(app, session, member, count: int, word: str) -> list[int]:
    """Questions committed with their outbox rows, but not yet applied (as if the drain never ran)."""
    app.config["SEARCH_DRAIN_AFTER_COMMIT"] = False
    ids = [
        posting.ask_question(session, member, f"Queued question {n} about {word}", LONG_BODY, ["queued"]).id
        for n in range(count)
    ]
    session.commit()
    app.config["SEARCH_DRAIN_AFTER_COMMIT"] = True
    return ids


def test_two_processes_writing_at_once_lose_nothing_and_never_hit_lockerror(app, session, member, find):
    first, second = _start(app, "post", "12", "alpha"), _start(app, "post", "12", "beta")
    outputs = [process.communicate(timeout=180) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert not any("LockError" in out + err for out, err in outputs)
    assert not any("drain failed" in err for _, err in outputs)
    assert len(find("alphaword")) == 12
    assert len(find("betaword")) == 12
    assert search.check(session).ok


def test_writer_killed_after_indexing_leaves_its_rows_for_the_next_writer(app, session, member, find):
    ids = _queue_questions(app, session, member, 3, "kiwi")
    result = _run(app, "die-after-index")
    assert result.returncode == -9, result.stderr
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 3  # rows survived the crash
    assert writer.drain(session, app.config["INDEX_DIR"]) == 3
    assert sorted(find("kiwi")) == ids
    assert search.check(session).ok


def test_writer_killed_mid_write_leaves_no_lock_and_the_next_writer_finishes(app, session, member, find):
    ids = _queue_questions(app, session, member, 4, "mango")
    result = _run(app, "die-while-writing")
    assert result.returncode == -9, result.stderr
    assert find("mango") == []  # the half-written Whoosh segment never committed
    posting.ask_question(session, member, "A later question from a web request", LONG_BODY, ["later"])
    session.commit()  # its after-commit drain takes over the dead writer's rows
    assert sorted(find("mango")) == ids
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def test_drain_while_another_writer_holds_the_lock_leaves_rows_queued(app, session, member, index):
    from forum.search import storage

    with storage.writer_lock(app.config["INDEX_DIR"], wait=False) as held:
        assert held
        posting.ask_question(session, member, "Question asked while the writer is busy", LONG_BODY, ["busy"])
        session.commit()
        assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
    assert writer.drain(session, app.config["INDEX_DIR"]) == 1
