"""Browser tests: a really served forum and Debian's Chromium driven by Playwright.

`live_server` runs `flask --app wsgi run` in a subprocess on a free port
against a fresh, migrated SQLite file. The `browser` and `new_page` fixtures
live in tests/conftest.py so every folder shares one Playwright. Tests here
are marked `browser`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
PASSWORD = "a long password"  # what browser tests give the accounts they create


def log_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would, and wait for the header to show it."""
    from playwright.sync_api import expect

    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".user-chip-name")).to_have_text(name)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict
    process: subprocess.Popen

    def create_user(self, name: str, role: str = "member") -> None:
        """An account through `forum users create`, with PASSWORD."""
        email = f"{name}@example.com"
        self.cli("forum", "users", "create", name, "--email", email, "--password", PASSWORD, "--role", role)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run a `flask --app wsgi` command against the served database."""
        return subprocess.run(
            [*FLASK, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True, timeout=120
        )


def start_server(tmp_path: Path, extra_env: dict | None = None) -> LiveServer:
    port = free_port()
    env = {
        **os.environ,
        "FORUM_ENV": "development",
        "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}",
        "FORUM_INDEX_DIR": str(tmp_path / "index"),
        "FORUM_RATELIMIT_ENABLED": "0",
        **(extra_env or {}),
    }
    if "FORUM_REDIS_URL" not in (extra_env or {}):
        env.pop("FORUM_REDIS_URL", None)
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [*FLASK, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return LiveServer(url, env, process)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the forum did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    server = start_server(tmp_path)
    yield server
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
