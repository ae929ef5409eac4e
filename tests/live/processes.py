"""Separate processes for the multi-process live tests, run as
`python -m tests.live.processes serve|ask ...`.

`serve` serves the app on a free port of 127.0.0.1 and prints `PORT n`;
`ask` posts one question through the services and exits, as the mirror or
a CLI command would.
"""

from __future__ import annotations

import argparse
import sys

from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db, socketio


def _app(args: argparse.Namespace):
    socketio.server_options["channel"] = args.channel
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": args.database, "REDIS_URL": args.redis})


def serve(args: argparse.Namespace) -> None:
    app = _app(args)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


def ask(args: argparse.Namespace) -> None:
    from forum.models import User
    from forum.services import posting

    app = _app(args)
    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == args.username))
        question = posting.ask_question(
            db.session, author, args.title, args.body, ["twitter"], source="twitter"
        )
        db.session.commit()
        print(f"QUESTION {question.id}", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "ask"])
    parser.add_argument("--database", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    parser.add_argument("--username")
    parser.add_argument("--title")
    parser.add_argument("--body")
    args = parser.parse_args(argv)
    {"serve": serve, "ask": ask}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
