"""A separate process that writes to the forum and its index, for the concurrency tests.

python writer_process.py DB_URL INDEX_DIR post COUNT PREFIX
    asks COUNT questions, each in its own commit (each commit drains the outbox)
python writer_process.py DB_URL INDEX_DIR die-after-index
    drains the outbox and is killed after Whoosh commits, before the rows are deleted
python writer_process.py DB_URL INDEX_DIR die-while-writing
    is killed halfway through a Whoosh write, holding both locks
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import User  # noqa: E402
from forum.search import writer  # noqa: E402
from forum.services import posting  # noqa: E402
from forum.services.transactions import retrying  # noqa: E402

BODY = "A body long enough for the thirty character rule, written by another process."


def post_questions(count: int, prefix: str) -> None:
    author = db.session.query(User).filter_by(username="alice").one()
    for number in range(count):
        retrying(
            db.session,
            lambda n=number: posting.ask_question(
                db.session, author, f"Question {prefix} number {n} about {prefix}word", BODY, ["concurrency"]
            ),
        )


def die_after_index() -> None:
    original = writer._write

    def write_then_die(ix, post_ids, posts):
        original(ix, post_ids, posts)
        os.kill(os.getpid(), signal.SIGKILL)

    writer._write = write_then_die
    writer.drain(db.session, app.config["INDEX_DIR"], wait=True)


def die_while_writing() -> None:
    def write_half_then_die(ix, post_ids, posts):
        whoosh_writer = ix.writer()
        from forum.search.schema import document_for

        for post_id in list(post_ids)[: max(1, len(post_ids) // 2)]:
            whoosh_writer.update_document(**document_for(posts[post_id]))
        os.kill(os.getpid(), signal.SIGKILL)

    writer._write = write_half_then_die
    writer.drain(db.session, app.config["INDEX_DIR"], wait=True)


if __name__ == "__main__":
    url, index_dir, mode, *rest = sys.argv[1:]
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": index_dir})
    with app.app_context():
        if mode == "post":
            post_questions(int(rest[0]), rest[1])
        elif mode == "die-after-index":
            die_after_index()
        elif mode == "die-while-writing":
            die_while_writing()
        else:
            raise SystemExit(f"unknown mode {mode}")
