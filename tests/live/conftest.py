"""Fixtures for the live tests: the app really served on a free port, and real
python-socketio clients that record what they receive."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import requests
import socketio
from werkzeug.serving import make_server

from forum.extensions import socketio as forum_socketio
from forum.live import NAMESPACE

USER_AGENT = "forum-live-test"
# With this set, the whole live suite runs through Redis as the Socket.IO message queue.
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")


@pytest.fixture
def app_overrides() -> dict:
    return {"REDIS_URL": REDIS_URL} if REDIS_URL else {}


@pytest.fixture
def redis_channel() -> str:
    return f"forum-live-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _private_message_queue(redis_channel) -> Iterator[None]:
    """A Socket.IO channel of this test's own on the shared Redis, and no queue left behind.

    Flask-SocketIO keeps the message queue it built in `server_options`, so
    the next app built in this process would reuse it: drop it afterwards.
    """
    forum_socketio.server_options["channel"] = redis_channel
    yield
    for key in ("channel", "client_manager", "message_queue"):
        forum_socketio.server_options.pop(key, None)


class LiveClient:
    """A Socket.IO client on /live that keeps every event it receives."""

    def __init__(self, base_url: str, cookie: str | None = None, origin: str | None = None) -> None:
        self.events: list[tuple[str, dict]] = []
        self._changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record, namespace=NAMESPACE)
        headers = {"User-Agent": USER_AGENT}
        if cookie:
            headers["Cookie"] = cookie
        if origin:
            headers["Origin"] = origin
        self.sio.connect(
            base_url, namespaces=[NAMESPACE], transports=["websocket"], headers=headers, wait_timeout=5
        )

    def _record(self, name: str, data: dict) -> None:
        with self._changed:
            self.events.append((name, data))
            self._changed.notify_all()

    def watch(self, question_id: int) -> dict:
        return self.sio.call("watch", {"question_id": question_id}, namespace=NAMESPACE, timeout=5)

    def unwatch(self, question_id: int) -> dict:
        return self.sio.call("unwatch", {"question_id": question_id}, namespace=NAMESPACE, timeout=5)

    def wait_for(self, match: Callable[[str, dict], bool], timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for name, data in self.events:
                    if match(name, data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching event within {timeout}s; got {self.names()}")
                self._changed.wait(remaining)

    def wait_type(self, type_: str, timeout: float = 5.0, **fields) -> dict:
        return self.wait_for(
            lambda name, data: name == type_ and all(data.get(k) == v for k, v in fields.items()), timeout
        )

    def wait_disconnected(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.sio.connected

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def served(app) -> Iterator[str]:
    """The test's app, served with Socket.IO on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_client(served) -> Iterator[Callable[..., LiveClient]]:
    clients: list[LiveClient] = []

    def connect(cookie: str | None = None, origin: str | None = None) -> LiveClient:
        client = LiveClient(served, cookie, origin)
        clients.append(client)
        return client

    yield connect
    # A client's disconnect waits for the server's close frame: close them side by side.
    closers = [threading.Thread(target=client.close) for client in clients]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(10)


@pytest.fixture
def web_login(served) -> Callable[[str], requests.Session]:
    """web_login(username) -> a requests session logged in through the real log-in form."""

    def login(username: str, password: str = "correct horse") -> requests.Session:
        browser = requests.Session()
        browser.headers["User-Agent"] = USER_AGENT
        response = browser.post(
            f"{served}/login",
            data={"username": username, "password": password},
            allow_redirects=False,
            timeout=5,
        )
        assert response.status_code == 302, response.text[:500]
        return browser

    return login


def cookie_header(browser: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
