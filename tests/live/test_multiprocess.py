"""Several processes sharing Redis as the Socket.IO message queue: two servers
deliver each other's events, and a process that serves nobody (like the
mirror or a CLI command) reaches clients of both."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from tests.live.conftest import REDIS_URL, LiveClient

ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip() -> str:
    if not REDIS_URL:
        pytest.skip("FORUM_TEST_REDIS_URL is not set: the multi-process tests need Redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} does not answer: {error}")
    return REDIS_URL


def _run(command: str, app, channel: str, *extra: str, **popen) -> subprocess.Popen:
    args = [
        sys.executable,
        "-m",
        "tests.live.processes",
        command,
        "--database",
        app.config["SQLALCHEMY_DATABASE_URI"],
        "--redis",
        REDIS_URL,
        "--channel",
        channel,
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, **popen)


@pytest.fixture
def servers(app, redis_channel) -> Iterator[list[str]]:
    _redis_or_skip()
    processes = [_run("serve", app, redis_channel) for _ in range(2)]
    try:
        urls = []
        for process in processes:
            line = process.stdout.readline()
            assert line.startswith("PORT "), f"server did not start: {line!r}"
            urls.append(f"http://127.0.0.1:{int(line.split()[1])}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


@pytest.fixture
def clients(servers) -> Iterator[list[LiveClient]]:
    connected = [LiveClient(url) for url in servers]
    yield connected
    for client in connected:
        client.close()


def test_answer_posted_on_one_server_reaches_client_of_the_other(servers, clients, question, staff):
    on_a, on_b = clients
    on_b.watch(question.id)
    token = requests.post(
        f"{servers[0]}/api/v1/tokens",
        timeout=5,
        json={"username": staff.username, "password": "correct horse"},
    ).json()["token"]

    response = requests.post(
        f"{servers[0]}/api/v1/questions/{question.id}/answers",
        timeout=5,
        headers={"Authorization": f"Bearer {token}"},
        json={"body": "Posted on server A, read on server B, through Redis."},
    )

    assert response.status_code == 201
    for client in (on_a, on_b):
        event = client.wait_type("answer.created", question_id=question.id)
        assert event["post"]["id"] == response.json()["id"]


def test_process_serving_nobody_reaches_clients_of_every_server(app, redis_channel, clients, member):
    asker = _run(
        "ask",
        app,
        redis_channel,
        "--username",
        member.username,
        "--title",
        "Tweeted: my parcel never arrived",
        "--body",
        "Ordered last week, tracking says delivered, nothing at the door.",
    )
    out, _ = asker.communicate(timeout=30)
    assert asker.returncode == 0
    question_id = int(out.split()[-1])

    for client in clients:
        event = client.wait_type("question.created", question_id=question_id, timeout=10)
        assert event["post"]["source"] == "twitter"
