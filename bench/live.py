"""Live event latency: from the commit of a new question to 200 connected browsers.

    .venv/bin/python bench/live.py [--clients 200] [--events 40] [--redis URL] [--pg URL]

The forum is served in this process on a free port of 127.0.0.1; the
clients are python-socketio clients (websocket transport) spread over
worker processes, so their work does not slow the server's. Each event's
clock starts just before `session.commit()` (the event is stored in that
transaction and emitted after it), and stops when a client's handler runs;
both ends read the same host clock. With --redis the events travel through
Redis as the Socket.IO message queue. Bounded: at most 1000 clients and 500
events, one event every --gap seconds, a 60 s wait for the clients.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIENTS_PER_WORKER = 50
BODY = "A body long enough for the thirty character rule of the forum, for the bench."


def worker(url: str, count: int) -> None:
    """Connect `count` clients, print READY, record arrivals until stdin closes, print them."""
    import socketio

    arrivals: list[list] = []
    lock = threading.Lock()
    clients = []
    for n in range(count):
        client = socketio.Client(reconnection=False)

        def record(data, n=n):
            at = time.time()
            with lock:
                arrivals.append([n, data["id"], at])

        client.on("question.created", record, namespace="/live")
        client.connect(url, namespaces=["/live"], transports=["websocket"], wait_timeout=10)
        clients.append(client)
    print("READY", flush=True)
    sys.stdin.read()
    with lock:
        print(json.dumps(arrivals), flush=True)
    os._exit(0)  # drop the sockets at once: a polite close takes seconds per client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(args: argparse.Namespace, database_url: str) -> dict:
    from werkzeug.serving import make_server

    from forum import create_app
    from forum.extensions import db, socketio
    from forum.services import accounts, posting

    if args.redis:
        socketio.server_options["channel"] = f"forum-bench-{uuid.uuid4().hex[:8]}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": args.redis})
    with app.app_context():
        db.drop_all()
        db.create_all()
        author = accounts.register_user(db.session, "bench_asker", "asker@example.com", "correct horse")
        db.session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"

    workers = []
    left = args.clients
    while left > 0:
        count = min(CLIENTS_PER_WORKER, left)
        left -= count
        workers.append(
            subprocess.Popen(
                [sys.executable, __file__, "--worker", url, str(count)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
    deadline = time.monotonic() + 60
    for process in workers:
        line = process.stdout.readline()
        if line.strip() != "READY" or time.monotonic() > deadline:
            raise SystemExit(f"a client worker did not connect: {line!r}")

    started: dict[int, float] = {}
    with app.app_context():
        author = db.session.merge(author)
        for n in range(args.events):
            question = posting.ask_question(
                db.session, author, f"Bench question number {n} here", BODY, ["bench"]
            )
            db.session.flush()
            t0 = time.time()
            db.session.commit()
            started[question.id] = t0
            time.sleep(args.gap)
        time.sleep(1.0)
        from forum.models import LiveEvent

        event_of = {e.payload["post"]["id"]: e.id for e in db.session.query(LiveEvent)}
    start_by_event = {event_of[qid]: t0 for qid, t0 in started.items()}

    latencies, last_arrivals, received = [], {}, 0
    for process in workers:
        out, _ = process.communicate("", timeout=60)
        for _client, event_id, at in json.loads(out.strip().splitlines()[-1]):
            if event_id in start_by_event:
                received += 1
                ms = (at - start_by_event[event_id]) * 1000
                latencies.append(ms)
                last_arrivals[event_id] = max(last_arrivals.get(event_id, 0), ms)
    server.shutdown()
    expected = args.clients * args.events
    slowest = list(last_arrivals.values())
    return {
        "database": database_url.split("://")[0],
        "redis": bool(args.redis),
        "clients": args.clients,
        "events": args.events,
        "delivered": f"{received}/{expected}",
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "last_client_p50_ms": round(statistics.median(slowest), 1) if slowest else None,
        "last_client_p95_ms": round(percentile(slowest, 95), 1) if slowest else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between events")
    parser.add_argument("--redis", default=None, help="Redis URL for the Socket.IO message queue")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL whose tables may be dropped")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return
    args.clients = max(1, min(args.clients, 1000))
    args.events = max(1, min(args.events, 500))
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"sqlite:///{tmp}/bench.db"] + ([args.pg] if args.pg else [])
        for url in urls:
            print(json.dumps(run(args, url)), flush=True)


if __name__ == "__main__":
    main()
