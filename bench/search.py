"""Search benchmark: Whoosh (forum/search), PostgreSQL (forum/search/postgres.py) and SQLite FTS5
on the same posts and queries.

    .venv/bin/python bench/search.py [--sizes real,10000,100000] [--queries 300] [--out DIR]
                                     [--reuse-index DIR] [--profile N]
                                     [--backends whoosh,fts5,postgres] [--pg URL] [--pg-prefix P]

For each size it makes the posts from the Stack Exchange dump in
../shared/data/stackexchange/ (real questions and answers, padded with
synthetic posts drawn from the dump's own vocabulary; the same posts and
queries for every backend), and for each backend:

- whoosh: fills an SQLite forum, rebuilds the index through `forum search
  rebuild`'s code and times the queries through forum.search;
- postgres: fills a PostgreSQL forum in the database PREFIX_<size>
  (default bench_search_<size>) on the server of --pg (default
  FORUM_TEST_DATABASE_URL; the URL's own database is never touched), made
  by the migrations as in production, rebuilds `search_documents` the same
  way, and times the same queries through forum.search with
  FORUM_SEARCH_BACKEND=postgres; its size is the table's with its TOAST and
  indexes (each printed apart);
- fts5: an FTS5 table of the same text, and the same words queried on it.

It prints each backend's rebuild rate, query p50/p95, similar questions
p50/p95 and index size. Everything runs in a temporary folder, and a
PostgreSQL database is dropped at the end.

--reuse-index DIR keeps each size's SQLite database, index, FTS5 table and
queries in DIR/<size>, and its PostgreSQL database, and on later runs times
only the queries (the rebuild figures are then those of the run that built
them); a backend not built yet is built then. --backends picks the
backends (default all, postgres only when a --pg URL is known). --profile N
prints a cProfile of the N slowest queries (for PostgreSQL also each one's slowest SQL statements,
with their times and parameters, to EXPLAIN in psql). --fill-only fills the PostgreSQL databases
and stops: a later run with the same --reuse-index rebuilds and times (a large fill is kept when
its rebuild is interrupted). The first pass over the queries
runs on freshly opened indexes and new database connections (Whoosh: no
decoded postings cached; PostgreSQL: a new server process, its shared
buffers and the OS cache as they are: "cold"); the main figures are of a
second pass, as a running server sees them ("warm").
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import html
import json
import os
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "stackexchange" / "quantumcomputing"

import flask_migrate  # noqa: E402
from sqlalchemy import create_engine, event, insert  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.markup import text_of_html  # noqa: E402
from forum.models import Post, Tag, User, post_tags  # noqa: E402
from forum.search import postgres, ranking, searching, storage, writer  # noqa: E402

WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


def load_dump() -> tuple[list[dict], dict[int, str]]:
    users = {
        int(r.get("Id")): r.get("DisplayName") or f"user{r.get('Id')}"
        for r in ET.parse(DATA / "Users.xml").getroot()
    }
    posts = []
    for row in ET.parse(DATA / "Posts.xml").getroot():
        kind = {"1": "question", "2": "answer"}.get(row.get("PostTypeId"))
        if kind is None:
            continue
        posts.append(
            {
                "se_id": int(row.get("Id")),
                "kind": kind,
                "title": row.get("Title"),
                "body_html": row.get("Body") or "",
                "score": int(row.get("Score") or 0),
                "owner": int(row.get("OwnerUserId") or -1),
                "parent": int(row.get("ParentId") or 0),
                "accepted": int(row.get("AcceptedAnswerId") or 0),
                "tags": re.findall(r"<([^>]+)>", html.unescape(row.get("Tags") or "")),
                "created_at": datetime.fromisoformat(row.get("CreationDate")),
            }
        )
    return posts, users


def synthetic(real: list[dict], count: int, rng: random.Random) -> list[dict]:
    """More posts in the dump's own words and word frequencies, in threads of 1 question : 1.7 answers."""
    vocabulary = Counter(w.lower() for p in real for w in WORD.findall(text_of_html(p["body_html"])))
    words, weights = zip(*vocabulary.most_common(20000), strict=True)
    tags = sorted({t for p in real for t in p["tags"]})
    start = datetime(2019, 1, 1)
    made: list[dict] = []
    question = None
    for n in range(count):
        if question is None or rng.random() < 0.37:
            length = int(rng.lognormvariate(4.6, 0.6))
            question = {
                "se_id": None,
                "kind": "question",
                # A title fits posts.title (150 characters), which PostgreSQL enforces.
                "title": " ".join(rng.choices(words, weights, k=rng.randint(5, 11))).capitalize()[:150],
                "tags": rng.sample(tags, rng.randint(1, 4)),
                "parent": None,
                "accepted": 0,
            }
            post = question
        else:
            length = int(rng.lognormvariate(5.2, 0.7))
            post = {
                "se_id": None,
                "kind": "answer",
                "title": None,
                "tags": [],
                "parent": question,
                "accepted": 0,
            }
        text = " ".join(rng.choices(words, weights, k=max(12, min(length, 1500))))
        post.update(
            body_html=f"<p>{text}</p>",
            score=max(-3, int(rng.expovariate(0.3)) - 1),
            owner=rng.randint(1, 3000),
            created_at=start + timedelta(minutes=n),
        )
        made.append(post)
    return made


@dataclass
class Corpus:
    """A size's posts (dicts with their ids and threads) and the rows that put them in a forum database."""

    posts: list[dict]
    rows: list[dict]
    links: list[dict]
    tag_ids: dict[str, int]


def make_corpus(real: list[dict], size: int, rng: random.Random) -> Corpus:
    """`size` posts, the real ones first (a copy: `real` serves every size), then synthetic ones."""
    posts = copy.deepcopy(real[:size]) + synthetic(real, max(0, size - len(real)), rng)
    tag_ids = {name: i + 1 for i, name in enumerate(sorted({t for p in posts for t in p["tags"]}))}
    by_se = {}
    for number, post in enumerate(posts, start=1):
        post["id"] = number
        if post["se_id"]:
            by_se[post["se_id"]] = post
    rows, links = [], []
    for post in posts:
        parent = post["parent"]
        if isinstance(parent, int):
            parent = by_se.get(parent) if parent else None
        if post["kind"] == "answer" and parent is None:
            post["kind"], post["title"] = "question", "Orphan answer " + str(post["id"])
        accepted = by_se.get(post["accepted"]) if post["accepted"] else None
        rows.append(
            {
                "id": post["id"],
                "kind": post["kind"],
                "author_id": (post["owner"] % 3000) + 1,
                "body": text_of_html(post["body_html"]),
                "body_html": post["body_html"],
                "score": post["score"],
                "created_at": post["created_at"],
                "updated_at": post["created_at"],
                "last_activity_at": post["created_at"],
                "locked": False,
                "title": post["title"],
                "answer_count": 0,
                "source": "web",
                "question_id": parent["id"] if post["kind"] == "answer" else None,
            }
        )
        post["thread"] = parent if post["kind"] == "answer" else post
        links += [{"post_id": post["id"], "tag_id": tag_ids[t]} for t in post["tags"]]
        post["accepted_id"] = accepted["id"] if accepted else None
    return Corpus(posts, rows, links, tag_ids)


def fill_database(engine, corpus: Corpus, users: dict[int, str]) -> None:
    """Insert the users, tags and posts of `corpus` with plain Core inserts (no outbox rows)."""
    with engine.begin() as conn:
        conn.execute(
            insert(User.__table__),
            [
                {
                    "id": i + 1,
                    "username": f"u{i + 1}_{re.sub(r'[^A-Za-z0-9_.-]', '', name)[:20]}",
                    "email": f"u{i + 1}@example.com",
                    "role": "staff" if i % 40 == 0 else "member",
                    "reputation": 1,
                    "about": "",
                    "created_at": datetime(2018, 1, 1),
                }
                for i, name in enumerate(list(users.values())[:3000])
            ],
        )
        conn.execute(
            insert(Tag.__table__),
            [{"id": i, "name": n[:35], "question_count": 0} for n, i in corpus.tag_ids.items()],
        )
        for chunk in range(0, len(corpus.rows), 5000):
            conn.execute(insert(Post.__table__), corpus.rows[chunk : chunk + 5000])
        for chunk in range(0, len(corpus.links), 20000):
            conn.execute(insert(post_tags), corpus.links[chunk : chunk + 20000])
        posts = corpus.posts
        counts = Counter(p["thread"]["id"] for p in posts if p["kind"] == "answer")
        conn.execute(
            Post.__table__.update()
            .where(Post.__table__.c.id == db.bindparam("pid"))
            .values(answer_count=db.bindparam("n")),
            [{"pid": k, "n": v} for k, v in counts.items()],
        )
        accepted = [{"pid": p["id"], "a": p["accepted_id"]} for p in posts if p.get("accepted_id")]
        if accepted:
            conn.execute(
                Post.__table__.update()
                .where(Post.__table__.c.id == db.bindparam("pid"))
                .values(accepted_answer_id=db.bindparam("a")),
                accepted,
            )


def make_queries(posts: list[dict], count: int, rng: random.Random) -> list[str]:
    """Word queries taken from real titles and bodies, plus a share with operators."""
    titles = [p["title"] for p in posts if p["title"]]
    tags = sorted({t for p in posts for t in p["tags"]})
    queries = []
    while len(queries) < count:
        words = [w for w in WORD.findall(rng.choice(titles)) if len(w) > 3]
        if not words:
            continue
        picked = " ".join(rng.sample(words, min(len(words), rng.choice([1, 2, 2, 3]))))
        roll = rng.random()
        if roll < 0.1:
            picked = f'"{" ".join(words[:2])}"'
        elif roll < 0.2:
            picked += f" [{rng.choice(tags)}]"
        elif roll < 0.25:
            picked += " is:answer score:2"
        queries.append(picked)
    return queries


def fts5_query(text: str) -> str | None:
    """The same words for FTS5: each a quoted string (AND), a phrase kept, tags as words."""
    parts = re.findall(r'"[^"]+"|[^\s"]+', text)
    out = []
    for part in parts:
        if part.startswith(("is:", "score:")):
            continue
        part = part.strip("[]")
        out.append('"' + part.strip('"').replace('"', "") + '"')
    return " AND ".join(out) or None


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def folder_size(path: str) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


@contextmanager
def statement_times(enabled: bool):
    """(ms, SQL, parameters) of each statement run on db.engine inside the block (when `enabled`):
    for PostgreSQL, what to EXPLAIN (ANALYZE, BUFFERS) in psql."""
    found: list[tuple[float, str, str]] = []
    if not enabled:
        yield found
        return

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        shown = {
            k: (f"<{len(v)} values>" if isinstance(v, list) and len(v) > 5 else v)
            for k, v in parameters.items()
        }
        found.append((ms, " ".join(statement.split()), repr(shown)))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)


def time_queries(app, queries: list[str], backend: str, profile: int = 0) -> dict:
    """Cold and warm p50/p95 of the search page's queries on `backend`, and of similar questions."""
    figures: dict = {}
    index_dir = app.config["INDEX_DIR"]
    for phase in ("cold", "warm"):
        if phase == "cold":
            ranking.forget()
            storage.forget_searchers()
            db.session.remove()
            db.engine.dispose()  # new connections: for PostgreSQL, a new server process
        timings = []
        for text in queries:
            started = time.perf_counter()
            searching.search(db.session, index_dir, text, page_size=20, backend=backend)
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
            if phase == "warm":  # a page is remembered per index generation: time the ranking again
                storage.forget_pages()
        figures[f"{phase}_p50"], figures[f"{phase}_p95"] = percentiles(timings)
        if phase == "warm" and profile:
            slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:profile]
            print(f"{backend} slowest:", [(round(t), q) for t, q in slowest])
            profiler = cProfile.Profile()
            for _, text in slowest:
                with statement_times(backend == "postgres") as statements:
                    profiler.runcall(
                        searching.search, db.session, index_dir, text, page_size=20, backend=backend
                    )
                db.session.rollback()
                for ms, statement, parameters in sorted(statements, reverse=True)[:3]:
                    print(f"  {text!r}: {ms:.1f} ms  {statement}  {parameters}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    # The ask page's suggestions, with each query's words typed as a title.
    timings = []
    for text in queries:
        title = re.sub(r"\S+:\S+|[\[\]\"]", " ", text)
        started = time.perf_counter()
        searching.similar_questions(db.session, index_dir, title, backend=backend)
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    figures["similar_p50"], figures["similar_p95"] = percentiles(timings)
    return figures


class Size:
    """One size's run: its folder, what earlier runs built there (build.json), its posts when made."""

    def __init__(self, label: str, real, users, args, workdir: str) -> None:
        self.label, self.real, self.users, self.args = label, real, users, args
        self.size = len(real) if label == "real" else int(label)
        self.reuse = bool(args.reuse_index)
        if self.reuse:
            self.folder = os.path.join(workdir, label)
            os.makedirs(self.folder, exist_ok=True)
        else:
            self.folder = tempfile.mkdtemp(prefix=f"bench-{label}-", dir=workdir)
        self.saved = os.path.join(self.folder, "build.json")
        self.built: dict = {}
        if self.reuse and os.path.exists(self.saved):
            with open(self.saved) as f:
                self.built = json.load(f)
            if "whoosh_rate" in self.built:  # written before the backends had entries of their own
                old = self.built
                self.built = {
                    "queries": old["queries"],
                    "whoosh": {"rate": old["whoosh_rate"], "bytes": old["whoosh_size"]},
                    "fts5": {"rate": old["fts_rate"], "bytes": old["fts_size"]},
                }
        self._corpus: Corpus | None = None

    def corpus(self) -> Corpus:
        """The posts (the same for every backend: the same seed), and the queries drawn from them."""
        if self._corpus is None:
            rng = random.Random(42)
            self._corpus = make_corpus(self.real, self.size, rng)
            self.built.setdefault("queries", make_queries(self._corpus.posts, self.args.queries, rng))
        return self._corpus

    def record(self, backend: str, figures: dict) -> None:
        self.built[backend] = figures
        if self.reuse:
            with open(self.saved, "w") as f:
                json.dump(self.built, f)

    def queries(self) -> list[str]:
        if "queries" not in self.built:
            self.corpus()
        return self.built["queries"][: self.args.queries]

    def done(self) -> None:
        if not self.reuse:
            shutil.rmtree(self.folder, ignore_errors=True)


def run_whoosh(run: Size) -> dict:
    """Fill an SQLite forum, rebuild the Whoosh index through `forum search rebuild`'s code, time it."""
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{run.folder}/forum.db",
            "INDEX_DIR": f"{run.folder}/index",
            "SEARCH_DRAIN_AFTER_COMMIT": False,
        },
    )
    with app.app_context():
        if "whoosh" not in run.built:
            shutil.rmtree(f"{run.folder}/index", ignore_errors=True)
            if os.path.exists(f"{run.folder}/forum.db"):
                os.remove(f"{run.folder}/forum.db")
            db.create_all()
            fill_database(db.engine, run.corpus(), run.users)
            report = writer.rebuild(db.engine, app.config["INDEX_DIR"])
            run.record(
                "whoosh",
                {
                    "rate": report.documents / report.seconds,
                    "bytes": folder_size(storage.current_path(app.config["INDEX_DIR"]) + "/"),
                },
            )
        figures = {**run.built["whoosh"], **time_queries(app, run.queries(), "whoosh", run.args.profile)}
        storage.forget_searchers()
        db.session.remove()
        db.engine.dispose()
    return figures


def run_fts5(run: Size) -> dict:
    """An FTS5 table of the same posts (title, body, the thread's tags), and the same queries on it."""
    fts_path = f"{run.folder}/fts.db"
    if "fts5" not in run.built or not os.path.exists(fts_path):
        if os.path.exists(fts_path):
            os.remove(fts_path)
        posts = run.corpus().posts
        fts = sqlite3.connect(fts_path)
        fts.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, tags, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        started = time.perf_counter()
        thread_tags = {p["id"]: " ".join(p["thread"]["tags"]) for p in posts}
        with fts:
            fts.executemany(
                "INSERT INTO docs(rowid, title, body, tags) VALUES (?, ?, ?, ?)",
                (
                    (p["id"], p["title"] or "", text_of_html(p["body_html"]), thread_tags[p["id"]])
                    for p in posts
                ),
            )
        rate = len(posts) / (time.perf_counter() - started)
        fts.close()
        run.record("fts5", {"rate": rate, "bytes": os.path.getsize(fts_path)})
    fts = sqlite3.connect(fts_path)
    timings = []
    for text in run.queries():
        match = fts5_query(text)
        started = time.perf_counter()
        if match:
            fts.execute(
                "SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', ' … ', 24) FROM docs "
                "WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0, 1.0) LIMIT 20",
                (match,),
            ).fetchall()
            fts.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
        timings.append((time.perf_counter() - started) * 1000)
    fts.close()
    figures = dict(run.built["fts5"])
    figures["warm_p50"], figures["warm_p95"] = percentiles(timings)
    return figures


def _admin_engine(server_url: str):
    """A connection to the server's `postgres` database, for CREATE and DROP DATABASE."""
    return create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def pg_database_url(run: Size) -> str:
    name = f"{run.args.pg_prefix}_{run.label}"
    if not name.startswith("bench_") or name == make_url(run.args.pg).database:
        raise SystemExit(f"refusing to use {name!r}: the bench drops and fills it (--pg-prefix bench_...)")
    return make_url(run.args.pg).set(database=name).render_as_string(hide_password=False)


def pg_relation_sizes(connection) -> dict:
    """Bytes of search_documents: its rows (with TOAST), each of its indexes, and the whole."""
    table = postgres.TABLE
    sizes = {
        "table": connection.scalar(sql("SELECT pg_table_size(CAST(:t AS regclass))"), {"t": table}),
        "total": connection.scalar(sql("SELECT pg_total_relation_size(CAST(:t AS regclass))"), {"t": table}),
    }
    for name, size in connection.execute(
        sql(
            "SELECT CAST(indexrelid AS regclass)::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = CAST(:t AS regclass) ORDER BY 1"
        ),
        {"t": table},
    ):
        sizes[name] = size
    return sizes


def run_postgres(run: Size) -> dict:
    """Fill a PostgreSQL forum (database <prefix>_<size>, migrated as production does), rebuild
    search_documents through `forum search rebuild`'s code, measure the table and time the queries."""
    url = pg_database_url(run)
    name = make_url(url).database
    admin = _admin_engine(run.args.pg)
    with admin.connect() as conn:
        exists = conn.scalar(sql("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        # A database filled by an earlier run is kept even when its rebuild did not finish.
        fresh = not (run.reuse and exists and ("postgres" in run.built or "postgres_filled" in run.built))
        if fresh:
            conn.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sql(f'CREATE DATABASE "{name}"'))
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INDEX_DIR": f"{run.folder}/index-unused",
            "SEARCH_BACKEND": "postgres",
            "SEARCH_DRAIN_AFTER_COMMIT": False,
        },
    )
    with app.app_context():
        if fresh:
            flask_migrate.upgrade()
            started = time.perf_counter()
            fill_database(db.engine, run.corpus(), run.users)
            filled = time.perf_counter() - started
            print(f"  postgres: {run.size} posts filled in {filled:.0f}s", flush=True)
            run.record("postgres_filled", {"seconds": filled})
        else:
            flask_migrate.upgrade()  # a kept database gets this release's migrations
        if run.args.fill_only:
            db.session.remove()
            db.engine.dispose()
            admin.dispose()
            return {}
        if "postgres" not in run.built:
            documents, seconds = postgres.rebuild(db.engine)
            run.record("postgres", {"rate": documents / seconds, "documents": documents, "seconds": seconds})
        with db.engine.connect() as conn:
            sizes = pg_relation_sizes(conn)
        figures = {
            **run.built["postgres"],
            "bytes": sizes["total"],
            "sizes": sizes,
            **time_queries(app, run.queries(), "postgres", run.args.profile),
        }
        db.session.remove()
        db.engine.dispose()
    if not run.reuse:
        with admin.connect() as conn:
            conn.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    return figures


RUNNERS = {"whoosh": run_whoosh, "fts5": run_fts5, "postgres": run_postgres}


def print_row(posts: int, backend: str, r: dict) -> None:
    def pair(key: str) -> str:
        if f"{key}_p50" not in r:
            return f"{'':>15}"
        return f"{r[f'{key}_p50']:>6.1f} / {r[f'{key}_p95']:>6.1f}"

    print(
        f"{posts:>7} | {backend:<8} | {r['rate']:>9.0f} | {pair('warm')} | {pair('cold')} | "
        f"{pair('similar')} | {r['bytes'] / 1e6:>9.1f}",
        flush=True,
    )
    if "sizes" in r:
        parts = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in r["sizes"].items() if k != "total")
        print(f"{'':>7}   {'':<8}   {postgres.TABLE} MB: {parts}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="real,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", default=None, help="work folder (default: a temporary one)")
    parser.add_argument(
        "--reuse-index",
        default=None,
        metavar="DIR",
        help="keep each size's data in DIR (and its PostgreSQL database); later runs time only the queries",
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("FORUM_TEST_DATABASE_URL"),
        metavar="URL",
        help="PostgreSQL server for the postgres backend (default: FORUM_TEST_DATABASE_URL); "
        "the bench uses databases named PREFIX_<size> on it, never the URL's own database",
    )
    parser.add_argument("--pg-prefix", default="bench_search", metavar="PREFIX")
    parser.add_argument(
        "--backends",
        default=None,
        help="comma-separated, of whoosh, fts5, postgres (default: all; postgres only with --pg)",
    )
    parser.add_argument(
        "--fill-only",
        action="store_true",
        help="with --reuse-index: fill the PostgreSQL databases and stop (a later run rebuilds and times)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print a cProfile of the N slowest queries"
    )
    args = parser.parse_args()
    backends = [b.strip() for b in (args.backends or "whoosh,fts5,postgres").split(",") if b.strip()]
    if args.backends is None and not args.pg:
        backends.remove("postgres")
    if unknown := set(backends) - set(RUNNERS):
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if "postgres" in backends and not (args.pg and args.pg.startswith("postgresql")):
        parser.error("the postgres backend needs --pg postgresql+psycopg://USER@HOST:PORT/DB")
    real, users = load_dump()
    workdir = args.reuse_index or args.out or tempfile.mkdtemp(prefix="forum-search-bench-")
    print(f"Stack Exchange dump: {len(real)} questions and answers; {args.queries} queries per size")
    header = (
        f"{'posts':>7} | {'backend':<8} | {'rebuild/s':>9} | {'p50 / p95 ms':>15} | "
        f"{'cold p50 / p95':>15} | {'similar p50/p95':>15} | {'index MB':>9}"
    )
    print(header)
    print("-" * len(header))
    for label in args.sizes.split(","):
        run = Size(label.strip(), real, users, args, workdir)
        for backend in backends:
            if figures := RUNNERS[backend](run):
                print_row(run.size, backend, figures)
        run.done()
    if not (args.out or args.reuse_index):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
