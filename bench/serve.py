"""The production server under open browsers: idle sockets, watchers, pages and events.

    .venv/bin/python bench/serve.py [--sockets 2000] [--watchers 200] [--pages 300]
                                    [--events 10] [--workers 1] [--pg URL] [--redis URL]

Starts `gunicorn wsgi:app` from the checkout (gunicorn.conf.py: gevent
workers) on PostgreSQL and Redis, seeded with one question, then:

1. pages: sequential GETs of the home page and the question page, a new
   connection each, with no socket open (the baseline of this run);
2. opens --sockets idle Socket.IO connections to /live and --watchers more
   that also watch the question, as browsers would;
3. the same pages again while those sockets are held;
4. posts --events answers through the API, one at a time; each goes to
   every socket (the feed room), and the clock of each delivery runs from
   just before the POST to the moment its client reads the frame;
5. reads each worker's RSS before and after the sockets opened.

Clients speak Engine.IO 4 over aiohttp websockets in this one process,
answering the server's pings like a browser, so thousands fit on one core.
Bounded: at most 10,000 sockets, 2,000 page GETs and 100 events, a 60 s
wait for connections. Targets (a 2-core machine, clients on the same box):
all sockets connected, page p95 under 100 ms while held, delivery p95 under
500 ms, under 50 KB of worker RSS per idle socket.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMESPACE = "/live"
PASSWORD = "bench password 1"
BODY = "An answer long enough for the thirty character rule of the forum, posted by the bench."
TARGETS = {"page_p95_ms": 100, "delivery_p95_ms": 500, "rss_per_socket_kb": 50}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ensure_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def seed(database_url: str, index_dir: str) -> tuple[int, str]:
    """A fresh schema with one member, one question and a token; (question id, token)."""
    from forum import create_app
    from forum.extensions import db
    from forum.services import accounts, posting

    _ensure_database(database_url)
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INDEX_DIR": index_dir,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        },
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = accounts.register_user(db.session, "bench_staff", "bench@example.com", PASSWORD, "staff")
        question = posting.ask_question(
            db.session, user, "How do I keep the router online overnight?", BODY, ["router"]
        )
        _token, plain = accounts.create_token(db.session, user, "bench")
        db.session.commit()
        question_id = question.id
        db.engine.dispose()
    return question_id, plain


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Browser:
    """One Engine.IO 4 websocket on /live: answers pings, records when each event arrives."""

    def __init__(self, arrivals: dict[int, list[float]]) -> None:
        self.arrivals = arrivals
        self.connected = asyncio.Event()
        self.refused: str | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def run(self, session: aiohttp.ClientSession, url: str) -> None:
        try:
            self.ws = await session.ws_connect(
                f"{url}/socket.io/?EIO=4&transport=websocket", autoping=False, max_msg_size=0
            )
            async for frame in self.ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    break
                self._on(frame.data)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            self.refused = self.refused or f"{type(error).__name__}: {error}"
        finally:
            self.connected.set()

    def _on(self, data: str) -> None:
        if data == "2":
            asyncio.ensure_future(self.ws.send_str("3"))
        elif data.startswith("0"):
            asyncio.ensure_future(self.ws.send_str(f"40{NAMESPACE},"))
        elif data.startswith(f"40{NAMESPACE},"):
            self.connected.set()
        elif data.startswith(f"44{NAMESPACE},"):
            self.refused = data
            self.connected.set()
        elif data.startswith(f"42{NAMESPACE},"):
            now = time.monotonic()
            name, payload = json.loads(data[len(f"42{NAMESPACE},") :])
            if name == "answer.created":
                self.arrivals.setdefault(payload["post"]["id"], []).append(now)
        elif data.startswith(f"43{NAMESPACE},"):
            body = data[len(f"43{NAMESPACE},") :]
            ack_id = int(body[: body.index("[")])
            future = self.acks.pop(ack_id, None)
            if future is not None and not future.done():
                future.set_result(json.loads(body[body.index("[") :]))

    async def watch(self, question_id: int) -> list:
        future = asyncio.get_running_loop().create_future()
        self.acks[1] = future
        await self.ws.send_str(f"42{NAMESPACE},1" + json.dumps(["watch", {"question_id": question_id}]))
        return await asyncio.wait_for(future, 10)


async def _pages(url: str, paths: list[str], count: int) -> list[float]:
    timings = []
    connector = aiohttp.TCPConnector(force_close=True)  # a new connection each, as a visitor's first GET
    async with aiohttp.ClientSession(connector=connector) as session:
        for n in range(count):
            started = time.perf_counter()
            async with session.get(url + paths[n % len(paths)]) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{paths[n % len(paths)]} answered {response.status}")
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _open(url: str, count: int, arrivals: dict, session: aiohttp.ClientSession) -> list[Browser]:
    browsers = [Browser(arrivals) for _ in range(count)]
    gate = asyncio.Semaphore(100)  # how many handshakes are in flight at once

    async def start(browser: Browser) -> None:
        async with gate:
            asyncio.ensure_future(browser.run(session, url))
            try:
                await asyncio.wait_for(browser.connected.wait(), 30)
            except TimeoutError:
                browser.refused = browser.refused or "timed out"

    await asyncio.wait_for(asyncio.gather(*(start(b) for b in browsers)), 60)
    return browsers


async def measure(args: argparse.Namespace, url: str, question_id: int, token: str, master: int) -> dict:
    paths = ["/", f"/questions/{question_id}"]
    await _pages(url, paths, 20)  # warm the worker: templates, searchers, connection pool
    before_pages = await _pages(url, paths, args.pages)
    workers = _children(master)
    rss_before = {pid: _rss_kb(pid) for pid in workers}

    arrivals: dict[int, list[float]] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        opened = time.perf_counter()
        idle = await _open(url, args.sockets, arrivals, session)
        watchers = await _open(url, args.watchers, arrivals, session)
        open_seconds = time.perf_counter() - opened
        live = [b for b in idle + watchers if b.ws is not None and not b.refused and not b.ws.closed]
        watch_ok = 0
        for browser in watchers:
            if browser in live and (await browser.watch(question_id))[0].get("ok"):
                watch_ok += 1
        await asyncio.sleep(2)
        rss_after = {pid: _rss_kb(pid) for pid in workers}
        held_pages = await _pages(url, paths, args.pages)

        delays: list[float] = []
        missing = 0
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as api:
            for _ in range(args.events):
                started = time.monotonic()
                async with api.post(
                    f"{url}/api/v1/questions/{question_id}/answers", json={"body": BODY}
                ) as response:
                    answer = await response.json()
                    if response.status != 201:
                        raise RuntimeError(f"posting an answer answered {response.status}: {answer}")
                deadline = time.monotonic() + 5
                while len(arrivals.get(answer["id"], [])) < len(live) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                got = arrivals.get(answer["id"], [])
                missing += len(live) - len(got)
                delays.extend((at - started) * 1000 for at in got)
                await asyncio.sleep(0.2)
        for browser in idle + watchers:
            if browser.ws is not None:
                await browser.ws.close()
        refusals = sorted({b.refused for b in idle + watchers if b.refused})

    socket_count = len(live)
    grown = sum(rss_after.values()) - sum(rss_before.values())
    return {
        "sockets_wanted": args.sockets + args.watchers,
        "sockets_connected": socket_count,
        "watchers_watching": watch_ok,
        "open_seconds": round(open_seconds, 1),
        "refusals": refusals[:3],
        "page_ms_without_sockets": _summary(before_pages),
        "page_ms_with_sockets": _summary(held_pages),
        "page_p95_ratio": round(_percentile(held_pages, 0.95) / _percentile(before_pages, 0.95), 2),
        "delivery_ms": _summary(delays),
        "deliveries": len(delays),
        "deliveries_missing": missing,
        "worker_rss_kb_before": rss_before,
        "worker_rss_kb_after": rss_after,
        "rss_per_socket_kb": round(grown / socket_count, 1) if socket_count else None,
    }


def _summary(values: list[float]) -> dict:
    if not values:
        return {}
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 1),
        "p95": round(_percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


def _wait_ready(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "FORUM_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/forum_bench"
        ),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("FORUM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    )
    args = parser.parse_args()
    args.sockets, args.watchers = min(args.sockets, 10_000), min(args.watchers, 10_000)
    args.pages, args.events = min(args.pages, 2000), min(args.events, 100)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server inherits it too

    with tempfile.TemporaryDirectory(prefix="forum-bench-serve-") as tmp:
        index_dir = os.path.join(tmp, "index")
        question_id, token = seed(args.pg, index_dir)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "FORUM_ENV": "production",
            "FORUM_SECRET_KEY": "bench-only-secret",
            "FORUM_DATABASE_URL": args.pg,
            "FORUM_REDIS_URL": args.redis,
            "FORUM_INDEX_DIR": index_dir,
            "FORUM_BIND": f"127.0.0.1:{port}",
            "FORUM_WORKERS": str(args.workers),
            "FORUM_RATELIMIT_ENABLED": "0",
            "FORUM_ACCESS_LOG": "",
            # Every bench client comes from 127.0.0.1: lift the per-address cap for the run.
            "FORUM_LIVE_MAX_SOCKETS_PER_ADDRESS": str(args.sockets + args.watchers + 10),
        }
        with open(os.path.join(tmp, "gunicorn.log"), "w") as log:
            server = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_ready(url, server)
                figures = asyncio.run(measure(args, url, question_id, token, server.pid))
            finally:
                server.terminate()
                server.wait(30)
    figures["workers"] = args.workers
    figures["targets"] = TARGETS
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
