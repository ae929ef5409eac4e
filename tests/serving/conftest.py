"""The production server as real processes: `gunicorn wsgi:app` with gunicorn.conf.py.

`gunicorn_server(...)` starts one from the checkout on a free port, against
the test's database and index folder, and waits for /healthz. The
multi-worker tests need PostgreSQL and Redis (FORUM_TEST_DATABASE_URL,
FORUM_TEST_REDIS_URL; .ci/run sets both): SQLite and in-process limits are
exactly what several workers cannot share. Rate-limit counters go to a
Redis database of the suite's own (SERVING_REDIS_DB), emptied before each
test, and live events to a channel of the test's own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
SERVING_REDIS_DB = 13


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(master_pid: int) -> list[int]:
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


@pytest.fixture
def postgres_url() -> str:
    if not PG_URL:
        pytest.skip(
            "FORUM_TEST_DATABASE_URL is not set: gevent workers are tested on PostgreSQL "
            "(SQLite's waits cannot yield to other greenlets)"
        )
    return PG_URL


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("FORUM_TEST_REDIS_URL is not set: several workers share limits and events through Redis")
    url = REDIS_URL.rsplit("/", 1)[0] + f"/{SERVING_REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {url} does not answer: {error}")
    return url


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False)

    @property
    def workers(self) -> list[int]:
        return worker_pids(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_workers(self, count: int, timeout: float = 20) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers
            if len(pids) == count:
                return pids
            time.sleep(0.1)
        raise AssertionError(f"expected {count} worker(s), have {self.workers}: {self.log()}")


def wait_healthy(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.process.returncode}: {server.log()}")
        try:
            if requests.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer /healthz: {server.log()}")


@pytest.fixture
def gunicorn_server(app, tmp_path) -> Iterator[Callable[..., Server]]:
    """gunicorn_server(env=..., target="wsgi:app", wait=True) -> a running server (stopped afterwards)."""
    servers: list[Server] = []
    channel = f"forum-serving-test-{uuid.uuid4().hex[:12]}"

    def start(env: dict | None = None, target: str = "wsgi:app", wait: bool = True) -> Server:
        port = free_port()
        full_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FORUM_")},
            "PYTHONPATH": str(ROOT),
            "FORUM_ENV": "development",
            "FORUM_SECRET_KEY": "serving-test-secret",
            "FORUM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "FORUM_INDEX_DIR": app.config["INDEX_DIR"],
            "FORUM_BIND": f"127.0.0.1:{port}",
            "FORUM_WORKERS": "1",
            "FORUM_SOCKETIO_CHANNEL": channel,
            "FORUM_GRACEFUL_TIMEOUT": "30",
            **(env or {}),
        }
        log_path = tmp_path / f"gunicorn-{port}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [GUNICORN, target], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
            )
        server = Server(f"http://127.0.0.1:{port}", process, log_path, full_env)
        servers.append(server)
        if wait:
            wait_healthy(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)


def answer_reaches(watcher, base_url: str, token: str, question_id: int, body: str) -> None:
    """Post an answer through `base_url` and expect `watcher` (watching the question) to get it."""
    response = requests.post(
        f"{base_url}/api/v1/questions/{question_id}/answers",
        timeout=10,
        headers={"Authorization": f"Bearer {token}"},
        json={"body": body},
    )
    assert response.status_code == 201, response.text
    event = watcher.wait_type("answer.created", question_id=question_id, timeout=10)
    assert event["post"]["id"] == response.json()["id"]
