"""Page speed for readers: question pages, lists and search, against bare Flask sending the same bytes.

    .venv/bin/python bench/pages.py [--requests 300] [--warmup 20] [--pg URL] [--redis URL] [--json]

Seeds a fresh database through the forum's services (`flask db upgrade`
first, `flask forum search rebuild` after): a question with 30 answers of
about 120 words (Markdown with a code block and a list) and 10 comments,
the same kind of thread with 1 and with 100 answers, 60 more questions, a
few votes, staff verifications and accepted answers, and a member to sign
in as. The database is a temporary SQLite file, or the PostgreSQL database
of --pg (its tables are dropped and made again). --redis gives the forum a
Redis (use a database number of its own: the forum may keep pages there).

Then it starts `gunicorn wsgi:app` from the checkout with ONE SYNC worker
(`--worker-class sync --workers 1` over gunicorn.conf.py), the same with
FORUM_PAGE_CACHE off (the signed-in page with none of its parts kept, as
the first reader after a change gets it: shown for comparison, no target)
and, with the same settings, the bare Flask app of this file, which answers
GET /bytes/N with N bytes: the baseline of the run, sent as many bytes as
the forum's question page. Each page gets --warmup GETs, then --requests
sequential GETs, a new connection each, as readers arriving from a web
search; the pages take turns in five rounds so a noisy machine weighs on
all of them alike. Signed in, the client logs in through the real form
(CSRF token and all) and keeps its cookies. For each page: req/s, p50 and
p95 ms, bytes, and req/s as a share of bare Flask's.

Targets (issue 13): the anonymous question page at least 0.3 of bare Flask;
signed in, at least 150 req/s; the home page and /questions?sort=active at
least 0.3 of bare Flask; and nothing slower as answers grow from 1 to 100
apart from the bytes sent, read here as: the 100-answer page's share of bare
Flask at its own size is at least 0.8 of the 1-answer page's share at its
size. A measurement, so it exits 0 whether targets are met or not, and
nonzero only when something failed to run. Bounded: at most 5,000 measured
and 500 warm-up GETs a page. Only loopback traffic; the servers and the
temporary folder go when it ends, and instance/ of the checkout is untouched.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = ROOT / ".venv/bin/gunicorn"
SYNC_WORKER = ["--worker-class", "sync", "--workers", "1"]

SECRET_KEY = "bench-pages-only-secret"
MEMBER, PASSWORD = "bench_reader", "bench password 1"
FILLER_QUESTIONS = 60
THREAD_SIZES = (1, 30, 100)  # answers; the 30-answer thread is the page
SEARCH_PATH = "/search?q=router"
ROUNDS = 5
MAX_REQUESTS, MAX_WARMUP = 5000, 500

TARGET_SHARE_OF_BARE = 0.3
TARGET_SIGNED_IN_RPS = 150
TARGET_GROWTH_KEPT = 0.8


# --- the baseline ----------------------------------------------------------------------------


def make_bare_app():
    """The baseline: Flask answering GET /bytes/N with N bytes of HTML, built once per size."""
    from flask import Flask, Response

    app = Flask("bare")
    bodies: dict[int, bytes] = {}

    @app.get("/bytes/<int:size>")
    def sized(size: int) -> Response:
        if size > 10_000_000:
            return Response("too large", status=400)
        if size not in bodies:
            bodies[size] = (b"<!doctype html><p>" + b"x" * size)[:size]
        return Response(bodies[size], mimetype="text/html")

    return app


# --- the seed --------------------------------------------------------------------------------

DEVICES = ("router", "mesh router", "travel router", "router's 5 GHz band", "router's guest network")
TROUBLES = (
    "drops every client after a firmware update",
    "reboots itself overnight",
    "loses its DNS settings",
    "stops handing out addresses",
    "slows to a crawl on video calls",
    "refuses the new admin password",
    "forgets port forwarding rules",
)
SENTENCES = (
    "I had the same symptom on two units and it came down to the lease time on the router.",
    "Before changing anything, write down the current settings so you can put them back.",
    "The firmware notes mention this case, although the wording is easy to miss.",
    "A factory reset is the last resort, because it also clears your port forwarding rules.",
    "Check whether the problem follows the device or stays with the network.",
    "Most of the time the culprit is a channel that a neighbour's access point also uses.",
    "Support confirmed that the next release changes the default for this setting.",
    "If the log shows repeated DHCP requests, the client is not keeping its address.",
    "Power cycling helps for a day, which points at memory slowly filling up on the router.",
    "Turning off band steering made the connection stable again in my house.",
)
STEPS = (
    "Open the admin page and sign in",
    "Export the current configuration",
    "Switch the 5 GHz channel to a fixed one",
    "Set the DHCP lease to 24 hours",
    "Install the latest firmware from the support site",
    "Restart the router and wait two minutes",
    "Reconnect one device and watch the log",
)
COMMANDS = (
    "ping -c 4 192.168.1.1",
    "ip route show default",
    "nslookup example.com 192.168.1.1",
    "sudo dhclient -r && sudo dhclient",
    "curl -s http://192.168.1.1/status.json | head",
)
REMARKS = (
    "This fixed it for me, thanks for the detailed steps.",
    "Which firmware version were you running when this started?",
    "Worked on the travel router too, after the second restart.",
    "The channel change alone was enough on my side.",
)
TAGS = ("router", "wifi", "firmware", "dhcp", "dns", "mesh", "guest-network", "port-forwarding")


def answer_text(rng: random.Random) -> str:
    """About 120 words of Markdown: a paragraph, a code block, a list, a closing line."""
    paragraph = " ".join(rng.sample(SENTENCES, 4))
    code = "\n".join(rng.sample(COMMANDS, 3))
    steps = "\n".join(f"- {step}" for step in rng.sample(STEPS, 4))
    return (
        f"{paragraph}\n\nWhat I ran to see what was going on:\n\n```\n{code}\n```\n\n"
        f"Then, in this order:\n\n{steps}\n\n{rng.choice(SENTENCES)}"
    )


def question_title(rng: random.Random, number: int) -> str:
    return f"Why does my {rng.choice(DEVICES)} {rng.choice(TROUBLES)} (case {number})?"


@dataclass
class Seeded:
    threads: dict[int, int]  # answers -> question id
    posts: int


def _reset_postgres(url: str) -> None:
    """Drop everything in the --pg database, so `flask db upgrade` builds it from nothing."""
    from serve import _ensure_database  # bench/serve.py: create the database if it is missing
    from sqlalchemy import MetaData, create_engine, text

    from forum.models.audit_triggers import AUDIT_TRIGGERS_TEARDOWN

    _ensure_database(url)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)
            for statement in AUDIT_TRIGGERS_TEARDOWN["postgresql"]:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-4000:]}")


def seed(env: dict[str, str]) -> Seeded:
    """Build the schema with the migrations, then the community through the services."""
    if env["FORUM_DATABASE_URL"].startswith("postgresql"):
        _reset_postgres(env["FORUM_DATABASE_URL"])
    _flask(env, "db", "upgrade")

    from sqlalchemy import func, select

    from forum import create_app
    from forum.extensions import db
    from forum.models import Post
    from forum.services import acceptance, accounts, posting, staff, voting

    app = create_app(
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": env["FORUM_DATABASE_URL"],
            "INDEX_DIR": env["FORUM_INDEX_DIR"],
            "SECRET_KEY": SECRET_KEY,
            "REDIS_URL": env.get("FORUM_REDIS_URL") or None,
            # The index is rebuilt once at the end; a cheaper scrypt cost only makes sign-ups quicker.
            "SEARCH_DRAIN_AFTER_COMMIT": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        },
    )
    rng = random.Random(13)
    with app.app_context():

        def user(name: str, role: str = "member"):
            return accounts.register_user(db.session, name, f"{name}@example.com", PASSWORD, role)

        asker = user("bench_asker")
        reader = user(MEMBER)
        staffers = [user(f"bench_staff{n}", "staff") for n in range(1, 4)]
        members = [user(f"bench_member{n}") for n in range(1, 13)]
        answerers = [reader, *staffers, *members]
        db.session.commit()

        # Older questions first, so the measured threads are on the home page too.
        for number in range(FILLER_QUESTIONS):
            author = members[number % len(members)]
            question = posting.ask_question(
                db.session, author, question_title(rng, number), answer_text(rng), rng.sample(TAGS, 2)
            )
            others = [a for a in answerers if a.id != author.id]
            for k in range(number % 4):
                posting.post_answer(
                    db.session, others[(number + k) % len(others)], question, answer_text(rng)
                )
            db.session.commit()

        threads: dict[int, int] = {}
        # Largest first: the upvotes on the reader's answers there earn the reputation to vote with.
        for size in sorted(THREAD_SIZES, reverse=True):
            question = posting.ask_question(
                db.session,
                asker,
                f"How do I keep the router online overnight ({size})?",
                answer_text(rng),
                ["router", "wifi", "firmware"],
            )
            answers = [
                posting.post_answer(db.session, answerers[k % len(answerers)], question, answer_text(rng))
                for k in range(size)
            ]
            db.session.commit()
            for k in range(round(size / 3)):  # 10 comments on the 30-answer thread
                target = answers[(3 * k) % size]
                posting.add_comment(
                    db.session, asker if k % 2 == 0 else target.author, target, rng.choice(REMARKS)
                )
            for k, answer in enumerate(answers):
                if k % 2 == 0:
                    voter = next(s for s in staffers[k % 3 :] + staffers if s.id != answer.author_id)
                    voting.cast_vote(db.session, voter, answer.id, 1)
                if k % 5 == 1 and answer.author_id != staffers[0].id:
                    staff.verify_answer(db.session, staffers[0], answer.id)
            if size > 1:
                acceptance.accept_answer(db.session, asker, question.id, answers[size // 2].id)
            db.session.commit()
            if size == 30:  # the signed-in reader's own votes show on the measured page
                for answer in answers[1:12:2]:
                    if answer.author_id != reader.id:
                        voting.cast_vote(db.session, reader, answer.id, 1)
                db.session.commit()
            threads[size] = question.id
        posts = db.session.scalar(select(func.count()).select_from(Post))
        db.session.remove()
        db.engine.dispose()
    _flask(env, "forum", "search", "rebuild")
    return Seeded(threads, posts)


# --- the servers -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn APP` from the checkout with one sync worker, on a free loopback port."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], folder: str, ready_path: str) -> None:
        self.name, self.app_spec, self.env, self.ready_path = name, app_spec, env, ready_path
        self.port = _free_port()
        self.log_path = os.path.join(folder, f"{name}.log")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), *SYNC_WORKER, "--bind", f"127.0.0.1:{self.port}", self.app_spec],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name}: gunicorn exited with {self.process.returncode}\n{self.log_tail()}"
                )
            try:
                if get(self.port, self.ready_path).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: gunicorn was not ready within 60 s\n{self.log_tail()}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def log_tail(self) -> str:
        with open(self.log_path) as log:
            return log.read()[-3000:]


# --- the client ------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def get(
    port: int,
    path: str,
    cookies: dict[str, str] | None = None,
    method: str = "GET",
    form: dict[str, str] | None = None,
) -> Reply:
    """One request on a new connection, as a reader's first visit (or a form post)."""
    headers = {"User-Agent": "forum-bench-pages", "Accept": "text/html", "Accept-Encoding": "identity"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def keep_cookies(jar: dict[str, str], reply: Reply) -> None:
    for line in reply.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(line).items():
            if morsel.value and morsel["max-age"] != "0":
                jar[name] = morsel.value
            else:
                jar.pop(name, None)


def canonical_path(port: int, question_id: int) -> str:
    """The question page's own address (/questions/<id> redirects to /questions/<id>/<slug>)."""
    reply = get(port, f"/questions/{question_id}")
    if reply.status in (301, 302):
        return urllib.parse.urlsplit(reply.headers["Location"]).path
    if reply.status == 200:
        return f"/questions/{question_id}"
    raise RuntimeError(f"/questions/{question_id} answered {reply.status}")


def sign_in(port: int) -> dict[str, str]:
    """Log in through the real form, CSRF token and all; the cookies a browser would keep."""
    jar: dict[str, str] = {}
    page = get(port, "/login")
    keep_cookies(jar, page)
    field = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', page.body)
    token = re.search(rb'value="([^"]+)"', field.group(0)) if field else None
    if page.status != 200 or token is None:
        raise RuntimeError(f"/login answered {page.status} without a CSRF token")
    done = get(
        port,
        "/login",
        jar,
        "POST",
        {"csrf_token": token.group(1).decode(), "username": MEMBER, "password": PASSWORD, "next": ""},
    )
    keep_cookies(jar, done)
    if done.status != 302:
        raise RuntimeError(f"logging in answered {done.status}, not a redirect")
    return jar


# --- the measurement -------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    port: int
    path: str
    cookies: dict[str, str] | None = None  # a signed-in reader's; None for an anonymous one
    must_contain: bytes = b""
    timings: list[float] = field(default_factory=list)
    size: int = 0

    def fetch(self) -> float:
        started = time.perf_counter()
        reply = get(self.port, self.path, self.cookies)
        elapsed = time.perf_counter() - started
        if reply.status != 200:
            raise RuntimeError(f"{self.label}: {self.path} answered {reply.status}")
        if self.must_contain not in reply.body:
            raise RuntimeError(f"{self.label}: {self.path} lacks {self.must_contain!r}")
        if self.cookies is not None:
            keep_cookies(self.cookies, reply)
        self.size = len(reply.body)
        return elapsed

    @property
    def rps(self) -> float:
        return len(self.timings) / sum(self.timings)

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.timings)
        return 1000 * ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(pages: list[Page], requests: int, warmup: int) -> None:
    for page in pages:
        for _ in range(warmup):
            page.fetch()
    for round_number in range(ROUNDS):
        share = requests // ROUNDS + (1 if round_number < requests % ROUNDS else 0)
        for page in pages:
            page.timings.extend(page.fetch() for _ in range(share))


def run(args: argparse.Namespace) -> dict:
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="forum-bench-pages-"))
        database = args.pg or f"sqlite:///{folder}/forum.db"
        env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
        env.update(
            FORUM_ENV="production",
            FORUM_SECRET_KEY=SECRET_KEY,
            FORUM_DATABASE_URL=database,
            FORUM_INDEX_DIR=os.path.join(folder, "index"),
            FORUM_REDIS_URL=args.redis or "",
            FORUM_ACCESS_LOG="",
        )
        print("seeding ...", file=sys.stderr, flush=True)
        seeded = seed(env)
        forum = stack.enter_context(Server("forum", "wsgi:app", env, folder, "/readyz"))
        bare = stack.enter_context(Server("bare", "bench.pages:make_bare_app()", env, folder, "/bytes/1"))
        # The same forum keeping nothing: what a signed-in page costs when none of its parts
        # are kept (the first reader after a change), for comparison.
        uncached_env = {**env, "FORUM_PAGE_CACHE": "false"}
        uncached = stack.enter_context(Server("uncached", "wsgi:app", uncached_env, folder, "/readyz"))

        paths = {size: canonical_path(forum.port, question) for size, question in seeded.threads.items()}
        sizes = {size: len(get(forum.port, paths[size]).body) for size in THREAD_SIZES}
        reader = sign_in(forum.port)
        signed_in = b'action="/logout"'  # the log-out form, on every page of a signed-in reader
        baseline = Page("bare Flask, bytes of the 30-answer page", bare.port, f"/bytes/{sizes[30]}")
        pages = {
            "bare": baseline,
            "question": Page("question, 30 answers, anonymous", forum.port, paths[30]),
            "signed_in": Page("question, 30 answers, signed in", forum.port, paths[30], reader, signed_in),
            "signed_in_cold": Page(
                "  the same, nothing kept (cache off)", uncached.port, paths[30], reader, signed_in
            ),
            "home": Page("home page /, anonymous", forum.port, "/"),
            "active": Page("/questions?sort=active, anonymous", forum.port, "/questions?sort=active"),
            "search": Page(
                f"search {SEARCH_PATH}, anonymous", forum.port, SEARCH_PATH, None, b'class="search-hit '
            ),
            "question_1": Page("question, 1 answer, anonymous", forum.port, paths[1]),
            "bare_1": Page("bare Flask, bytes of the 1-answer page", bare.port, f"/bytes/{sizes[1]}"),
            "question_100": Page("question, 100 answers, anonymous", forum.port, paths[100]),
            "bare_100": Page("bare Flask, bytes of the 100-answer page", bare.port, f"/bytes/{sizes[100]}"),
        }
        print(
            f"measuring {len(pages)} pages, {args.warmup} + {args.requests} GETs each ...",
            file=sys.stderr,
            flush=True,
        )
        measure(list(pages.values()), args.requests, args.warmup)

    rows = [
        {
            "page": key,
            "label": page.label,
            "path": page.path,
            "requests": len(page.timings),
            "req_per_s": round(page.rps, 1),
            "p50_ms": round(page.percentile_ms(0.5), 2),
            "p95_ms": round(page.percentile_ms(0.95), 2),
            "bytes": page.size,
            "share_of_bare": round(page.rps / baseline.rps, 3),
        }
        for key, page in pages.items()
    ]
    return {
        "setup": {
            "database": "postgresql" if args.pg else "sqlite (temporary file)",
            "redis": bool(args.redis),
            "server": "gunicorn wsgi:app, 1 sync worker",
            "requests_per_page": args.requests,
            "warmup_per_page": args.warmup,
            "posts": seeded.posts,
            "questions": FILLER_QUESTIONS + len(THREAD_SIZES),
            # Others' work on the box weighs on every page; the shares of bare Flask less so.
            "load_average": round(os.getloadavg()[0], 1),
            "cores": os.cpu_count(),
        },
        "pages": rows,
        "growth": growth(pages),
        "targets": targets(pages),
    }


def growth(pages: dict[str, Page]) -> dict:
    """How the question page's cost beyond its bytes changes from 1 to 100 answers."""
    kept = {size: pages[f"question_{size}"].rps / pages[f"bare_{size}"].rps for size in (1, 100)}

    def beyond_bytes_ms(size: int) -> float:
        return 1000 * (1 / pages[f"question_{size}"].rps - 1 / pages[f"bare_{size}"].rps)

    return {
        "share_of_bare_same_bytes_1": round(kept[1], 3),
        "share_of_bare_same_bytes_100": round(kept[100], 3),
        "kept": round(kept[100] / kept[1], 3),
        "ms_per_answer_beyond_bytes": round((beyond_bytes_ms(100) - beyond_bytes_ms(1)) / 99, 3),
    }


def targets(pages: dict[str, Page]) -> list[dict]:
    bare = pages["bare"].rps
    share = {key: pages[key].rps / bare for key in ("question", "home", "active")}
    kept = growth(pages)["kept"]
    checks = [
        ("anonymous question page, share of bare Flask", TARGET_SHARE_OF_BARE, share["question"]),
        ("signed-in question page, req/s", TARGET_SIGNED_IN_RPS, pages["signed_in"].rps),
        ("home page, share of bare Flask", TARGET_SHARE_OF_BARE, share["home"]),
        ("/questions?sort=active, share of bare Flask", TARGET_SHARE_OF_BARE, share["active"]),
        ("1 -> 100 answers, share of same-bytes bare kept", TARGET_GROWTH_KEPT, kept),
    ]
    return [
        {"target": name, "at_least": wanted, "measured": round(measured, 3), "met": measured >= wanted}
        for name, wanted, measured in checks
    ]


def print_table(figures: dict) -> None:
    setup = figures["setup"]
    print(
        f"{setup['server']}, {setup['database']}, {setup['posts']} posts; sequential GETs, "
        f"a new connection each: {setup['warmup_per_page']} warm-up + {setup['requests_per_page']} a page; "
        f"load average {setup['load_average']} on {setup['cores']} cores"
    )
    print(f"\n{'page':<42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9} {'x bare':>7}")
    for row in figures["pages"]:
        print(
            f"{row['label']:<42} {row['req_per_s']:>8,.1f} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
            f"{row['bytes']:>9,} {row['share_of_bare']:>7.3f}"
        )
    grown = figures["growth"]
    print(
        f"\n1 -> 100 answers: share of bare Flask at the same bytes "
        f"{grown['share_of_bare_same_bytes_1']:.3f} -> {grown['share_of_bare_same_bytes_100']:.3f}; "
        f"{grown['ms_per_answer_beyond_bytes']:+.3f} ms per answer beyond the bytes"
    )
    print("\ntargets (issue 13)")
    for check in figures["targets"]:
        print(
            f"  {check['target']:<50} >= {check['at_least']:<5} {check['measured']:>9,.3f}  "
            f"{'met' if check['met'] else 'NOT MET'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="measured GETs a page (at most 5,000)")
    parser.add_argument("--warmup", type=int, default=20, help="GETs a page before measuring (at most 500)")
    parser.add_argument("--pg", help="a PostgreSQL URL (postgresql+psycopg://...) to use and drop")
    parser.add_argument("--redis", help="a Redis URL for the forum (a database number of its own)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    args.requests = max(ROUNDS, min(args.requests, MAX_REQUESTS))
    args.warmup = max(0, min(args.warmup, MAX_WARMUP))
    # A SIGTERM unwinds like Ctrl-C, so the servers and the temporary folder still go.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    figures = run(args)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)


if __name__ == "__main__":
    main()
