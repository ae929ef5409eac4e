"""Schemathesis with every check against /api/v1/openapi.json, on the demo data, signed in
as its admin: the server takes each request the description allows and refuses the rest.

The run's settings are in tests/api/schemathesis.toml and its hooks in
tests/api/schemathesis_hooks.py. Deselect it with `-m "not schemathesis"`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from forum import search
from forum.api.openapi import OPERATIONS
from forum.demo import DEMO_PASSWORD
from forum.models import User
from forum.search import storage

pytestmark = [pytest.mark.schemathesis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Cases per operation and phase, and a fixed seed: the same run every time, in about a minute.
MAX_EXAMPLES = 25
SEED = 14
DEADLINE_SECONDS = 240


class _QuietHandler(WSGIRequestHandler):
    """Thousands of requests: their log lines would bury a failure's report."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def demo_api(app, runner, session) -> Iterator[str]:
    """The base URL of a real server on the demo data, with its search index built."""
    loaded = runner.invoke(args=["forum", "demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    search.rebuild(session)
    session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join()
    storage.forget_searchers()


def test_schemathesis_finds_nothing_on_the_demo_data(demo_api, session):
    admin = session.scalars(select(User).where(User.role == "admin").order_by(User.id)).first()
    env = {
        **os.environ,
        "FORUM_SCHEMATHESIS_USERNAME": admin.username,
        "FORUM_SCHEMATHESIS_PASSWORD": DEMO_PASSWORD,
        "FORUM_SCHEMATHESIS_ADMIN_ID": str(admin.id),
    }
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{demo_api}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--no-color",
    ]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=DEADLINE_SECONDS)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-30000:]
    # Every operation but the description's own was tried.
    operations = sum(len(methods) for methods in OPERATIONS.values()) - 1
    assert re.search(rf"Selected: {operations}/{operations}\s+Tested: {operations}\b", report), report[-5000:]
