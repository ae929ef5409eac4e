"""`gunicorn wsgi:app` as production runs it: gevent workers as real processes.

- a worker waiting on PostgreSQL or Redis goes on serving other requests;
- several workers without Redis refuse to start, and say why;
- two workers share events, rate limits and the search index, the mirror
  process reaches sockets on both, and a worker stopped with SIGTERM hands
  its sockets over without losing an event;
- Engine.IO pings keep flowing on the worker's timer-driven pings.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio
import websocket

from forum.live import NAMESPACE
from tests.live.conftest import LiveClient
from tests.serving.conftest import GUNICORN, ROOT, answer_reaches, free_port

PASSWORD = "correct horse"  # tests/conftest.py's make_user
BODY = "A body long enough for the thirty character rule, sent through gunicorn."
MIRROR_SOURCE = ROOT / "forum" / "social" / "demo_live_pages.jsonl"


def token_for(server, user) -> str:
    response = requests.post(
        f"{server.url}/api/v1/tokens", timeout=10, json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def ask(server, token: str, title: str) -> dict:
    response = requests.post(
        f"{server.url}/api/v1/questions",
        headers={"Authorization": f"Bearer {token}"},
        json={"title": title, "body": BODY, "tags": ["router"]},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=30)
    return response.status_code, time.monotonic() - started


# ---- one worker: waiting does not block ----


@pytest.mark.parametrize("wait_in", ["slow-sql", "slow-redis"])
def test_request_waiting_on_database_or_redis_does_not_delay_other_requests(
    gunicorn_server, postgres_url, redis_url, question, wait_in
):
    server = gunicorn_server({"FORUM_REDIS_URL": redis_url}, target="tests.serving.slow_app:app")
    requests.get(f"{server.url}/questions/{question.id}", timeout=10)  # warm the templates

    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(timed_get, f"{server.url}/_test/{wait_in}?seconds=3")
        time.sleep(0.5)  # the slow request is now waiting inside the one worker
        page_status, page_seconds = timed_get(f"{server.url}/questions/{question.id}")
        slow_status, slow_seconds = slow.result()

    assert page_status == 200 and slow_status == 200
    assert slow_seconds >= 3
    assert page_seconds < 1.5, f"the page waited {page_seconds:.2f}s behind a {wait_in} request"


def test_gunicorn_with_two_workers_and_no_redis_refuses_to_start_saying_why(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        {
            "FORUM_WORKERS": "2",
            "FORUM_BIND": f"127.0.0.1:{free_port()}",
            "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}",
        }
    )

    result = subprocess.run(
        [GUNICORN, "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "refuses to start 2 workers without FORUM_REDIS_URL" in result.stderr
    assert "FORUM_WORKERS=1" in result.stderr


def test_engineio_pings_keep_flowing_on_the_gevent_worker(gunicorn_server, postgres_url):
    server = gunicorn_server({"FORUM_LIVE_PING_INTERVAL": "1"})
    ws_url = server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(ws_url, timeout=5)
    try:
        assert json.loads(ws.recv()[1:])["pingInterval"] == 1000
        ws.send(f"40{NAMESPACE},")
        pings = 0
        deadline = time.monotonic() + 4.5
        while time.monotonic() < deadline:
            frame = ws.recv()
            if frame == "2":
                pings += 1
                ws.send("3")
        assert pings >= 3  # each pong schedules the next ping
    finally:
        ws.close()


# ---- two workers sharing PostgreSQL, Redis and the index ----


@pytest.fixture
def two_workers(gunicorn_server, postgres_url, redis_url):
    env = {"FORUM_REDIS_URL": redis_url, "FORUM_RATELIMIT_ENABLED": "1"}
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _: gunicorn_server(env), range(2)))


def test_answer_posted_through_one_worker_reaches_socket_held_by_the_other(two_workers, question, staff):
    a, b = two_workers
    on_b = LiveClient(b.url)
    try:
        on_b.watch(question.id)

        answer_reaches(on_b, a.url, token_for(a, staff), question.id, "Posted through worker A, read on B.")
    finally:
        on_b.close()


def test_failed_logins_through_both_workers_count_against_one_limit(two_workers, member, other_member):
    a, b = two_workers
    for server in (a, b, a, b, a):  # RATELIMIT_LOGIN_ACCOUNT: 5 per minute
        response = requests.post(
            f"{server.url}/api/v1/tokens",
            timeout=10,
            json={"username": member.username, "password": "a wrong guess"},
        )
        assert response.status_code == 400

    refused = requests.post(
        f"{b.url}/api/v1/tokens", timeout=10, json={"username": member.username, "password": PASSWORD}
    )

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert token_for(a, other_member)  # other accounts are not held back


def test_question_posted_through_one_worker_is_found_by_search_through_the_other(two_workers, member):
    a, b = two_workers
    ask(a, token_for(a, member), "Why does the zephyrometer lose its pairing at night?")

    deadline = time.monotonic() + 10
    while True:
        hits = requests.get(f"{b.url}/api/v1/search", params={"q": "zephyrometer"}, timeout=10).json()
        if hits.get("items") or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert [hit["title"] for hit in hits["items"]] == ["Why does the zephyrometer lose its pairing at night?"]


def test_question_mirrored_by_the_mirror_process_reaches_sockets_on_both_workers(two_workers):
    a, b = two_workers
    clients = [LiveClient(a.url), LiveClient(b.url)]
    try:
        mirror = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "flask"),
                "--app",
                "wsgi",
                "forum",
                "mirror",
                "run",
                "--once",
                "--source",
                str(MIRROR_SOURCE),
            ],
            cwd=ROOT,
            env={**a.env, "FORUM_X_BRAND_HANDLES": "AcmeHelp"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert mirror.returncode == 0, mirror.stderr[-2000:]

        arrived = [
            client.wait_for(
                lambda name, data: name == "question.created" and data["post"]["source"] == "twitter",
                timeout=10,
            )
            for client in clients
        ]
        assert arrived[0]["post"]["id"] == arrived[1]["post"]["id"]
    finally:
        for client in clients:
            client.close()


class CatchingUpClient:
    """A socket that reconnects and then reads what it missed from /api/v1/feed, as live.js does."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: dict[int, dict] = {}
        self.connected_at: list[float] = []
        self.last_id = 0
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("question.created", self._record, namespace=NAMESPACE)
        self.sio.on("connect", self._caught_up, namespace=NAMESPACE)
        self.sio.connect(url, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=10)

    def _record(self, event: dict) -> None:
        with self._lock:
            self.seen[event["id"]] = event
            self.last_id = max(self.last_id, event["id"])

    def _caught_up(self) -> None:
        self.connected_at.append(time.monotonic())
        page = requests.get(f"{self.url}/api/v1/feed", params={"after": self.last_id}, timeout=10).json()
        for event in page["items"]:
            if event["type"] == "question.created":
                self._record(event)

    def question_ids(self) -> set[int]:
        with self._lock:
            return {event["post"]["id"] for event in self.seen.values()}

    def close(self) -> None:
        self.sio.disconnect()


def test_sigterm_to_worker_with_open_sockets_loses_no_event(two_workers, member):
    a, b = two_workers
    token = token_for(b, member)
    clients = [CatchingUpClient(a.url) for _ in range(3)]
    try:
        first = ask(b, token, "Asked before worker A was told to stop")
        deadline = time.monotonic() + 10
        while any(first["id"] not in c.question_ids() for c in clients) and time.monotonic() < deadline:
            time.sleep(0.05)
        old_worker = a.wait_workers(1)[0]

        stopped_at = time.monotonic()
        os.kill(old_worker, signal.SIGTERM)
        asked = [ask(b, token, f"Asked while worker A was stopping, number {n}")["id"] for n in range(3)]
        time.sleep(2)
        asked.append(ask(b, token, "Asked after worker A handed its sockets over")["id"])

        wanted = {first["id"], *asked}
        deadline = time.monotonic() + 20
        while any(not wanted <= c.question_ids() for c in clients) and time.monotonic() < deadline:
            time.sleep(0.1)
        for client in clients:
            assert wanted <= client.question_ids(), f"missed {wanted - client.question_ids()}"
            reconnects = [at - stopped_at for at in client.connected_at if at > stopped_at]
            # Handed over once the listener closed (the new worker then takes a few seconds to
            # boot), not held for the graceful timeout (30 s here) and then cut.
            assert reconnects and reconnects[0] < 12, f"reconnected after {reconnects}s"
        assert a.wait_workers(1)[0] != old_worker
    finally:
        for client in clients:
            client.close()
