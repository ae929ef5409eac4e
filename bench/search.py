"""Search benchmark: Whoosh (forum/search) against SQLite FTS5 on the same posts and queries.

    .venv/bin/python bench/search.py [--sizes real,10000,100000] [--queries 300] [--out DIR]
                                     [--reuse-index DIR] [--profile N]

For each size it loads the Stack Exchange dump in ../shared/data/stackexchange/
(real questions and answers, padded with synthetic posts drawn from the
dump's own vocabulary), rebuilds the index through `forum search rebuild`'s
code, and runs the same queries through forum.search and through an FTS5
table built from the same text. Prints rebuild rate, query p50/p95 and index
size for both. Everything runs locally in a temporary folder.

--reuse-index DIR keeps each size's database, index, FTS5 table and queries
in DIR/<size> and, on the next run, times only the queries (the rebuild
figures are then those of the run that built them). --profile N prints a
cProfile of the N slowest Whoosh queries. The first pass over the queries
runs on a freshly opened index (no decoded postings cached: "cold"); the
figures are of a second pass, as a running server sees them ("warm"), and
the cold p50/p95 are printed too.
"""

from __future__ import annotations

import argparse
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
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "stackexchange" / "quantumcomputing"

from sqlalchemy import insert  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.markup import text_of_html  # noqa: E402
from forum.models import Post, Tag, User, post_tags  # noqa: E402
from forum.search import ranking, searching, storage, writer  # noqa: E402

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
                "title": " ".join(rng.choices(words, weights, k=rng.randint(5, 11))).capitalize(),
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


def fill_database(
    engine, real: list[dict], users: dict[int, str], size: int, rng: random.Random
) -> list[dict]:
    """Insert users, tags and `size` posts (the real ones first) with plain Core inserts."""
    posts = real[:size] + synthetic(real, max(0, size - len(real)), rng)
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
        tag_ids = {name: i + 1 for i, name in enumerate(sorted({t for p in posts for t in p["tags"]}))}
        conn.execute(
            insert(Tag.__table__),
            [{"id": i, "name": n[:35], "question_count": 0} for n, i in tag_ids.items()],
        )
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
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(Post.__table__), rows[chunk : chunk + 5000])
        if links:
            conn.execute(insert(post_tags), links)
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
    return posts


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


def build_size(size: int, real, users, query_count: int, folder: str, app) -> dict:
    """Fill the database, rebuild the index and the FTS5 table; the queries and build figures."""
    rng = random.Random(42)
    result: dict = {}
    db.create_all()
    posts = fill_database(db.engine, real, users, size, rng)
    result["posts"] = len(posts)
    report = writer.rebuild(db.engine, app.config["INDEX_DIR"])
    result["whoosh_rate"] = report.documents / report.seconds
    result["whoosh_size"] = folder_size(storage.current_path(app.config["INDEX_DIR"]) + "/")
    result["queries"] = make_queries(posts, query_count, rng)
    fts_path = f"{folder}/fts.db"
    fts = sqlite3.connect(fts_path)
    fts.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, tags, tokenize='unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    thread_tags = {p["id"]: " ".join(p["thread"]["tags"]) for p in posts}
    with fts:
        fts.executemany(
            "INSERT INTO docs(rowid, title, body, tags) VALUES (?, ?, ?, ?)",
            ((p["id"], p["title"] or "", text_of_html(p["body_html"]), thread_tags[p["id"]]) for p in posts),
        )
    result["fts_rate"] = len(posts) / (time.perf_counter() - started)
    fts.close()
    result["fts_size"] = os.path.getsize(fts_path)
    return result


def run_size(
    size_label: str, real, users, query_count: int, workdir: str, reuse: bool = False, profile: int = 0
) -> dict:
    size = len(real) if size_label == "real" else int(size_label)
    if reuse:
        folder = os.path.join(workdir, size_label)
        os.makedirs(folder, exist_ok=True)
    else:
        folder = tempfile.mkdtemp(prefix=f"bench-{size_label}-", dir=workdir)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/forum.db",
            "INDEX_DIR": f"{folder}/index",
            "SEARCH_DRAIN_AFTER_COMMIT": False,
        },
    )
    saved = os.path.join(folder, "build.json")
    with app.app_context():
        if reuse and os.path.exists(saved):
            with open(saved) as f:
                result = json.load(f)
        else:
            result = build_size(size, real, users, query_count, folder, app)
            if reuse:
                with open(saved, "w") as f:
                    json.dump(result, f)
        result["size"] = size_label
        queries = result["queries"][:query_count]

        for phase in ("cold", "warm"):
            if phase == "cold":
                ranking.forget()
                storage.forget_searchers()
            timings = []
            for text in queries:
                started = time.perf_counter()
                searching.search(db.session, app.config["INDEX_DIR"], text, page_size=20)
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
                if phase == "warm":  # a page is remembered per index generation: time the ranking again
                    storage.forget_pages()
            result[f"{phase}_p50"], result[f"{phase}_p95"] = percentiles(timings)
        result["whoosh_p50"], result["whoosh_p95"] = result["warm_p50"], result["warm_p95"]
        # The ask page's suggestions, with each query's words typed as a title.
        timings = []
        for text in queries:
            title = re.sub(r"\S+:\S+|[\[\]\"]", " ", text)
            started = time.perf_counter()
            searching.similar_questions(db.session, app.config["INDEX_DIR"], title)
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        result["similar_p50"], result["similar_p95"] = percentiles(timings)
        if profile:
            slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:profile]
            print("slowest:", [(round(t), q) for t, q in slowest])
            profiler = cProfile.Profile()
            for _, text in slowest:
                profiler.runcall(searching.search, db.session, app.config["INDEX_DIR"], text, page_size=20)
                db.session.rollback()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

        fts = sqlite3.connect(f"{folder}/fts.db")
        timings = []
        for text in queries:
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
        result["fts_p50"], result["fts_p95"] = percentiles(timings)
        fts.close()
        storage.forget_searchers()
        db.session.remove()
        db.engine.dispose()
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
    return result


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
        help="keep each size's data in DIR and time only the queries on later runs",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print a cProfile of the N slowest queries"
    )
    args = parser.parse_args()
    real, users = load_dump()
    workdir = args.reuse_index or args.out or tempfile.mkdtemp(prefix="forum-search-bench-")
    print(f"Stack Exchange dump: {len(real)} questions and answers; {args.queries} queries per size")
    header = (
        f"{'posts':>7} | {'whoosh rebuild/s':>16} {'p50 ms':>7} {'p95 ms':>7} {'index MB':>8} | "
        f"{'fts5 build/s':>12} {'p50 ms':>7} {'p95 ms':>7} {'MB':>6} | {'p95 ratio':>9} | cold p50/p95"
    )
    print(header)
    print("-" * len(header))
    for label in args.sizes.split(","):
        r = run_size(label.strip(), real, users, args.queries, workdir, bool(args.reuse_index), args.profile)
        print(
            f"{r['posts']:>7} | {r['whoosh_rate']:>16.0f} {r['whoosh_p50']:>7.1f} {r['whoosh_p95']:>7.1f} "
            f"{r['whoosh_size'] / 1e6:>8.1f} | {r['fts_rate']:>12.0f} {r['fts_p50']:>7.2f} "
            f"{r['fts_p95']:>7.2f} "
            f"{r['fts_size'] / 1e6:>6.1f} | {r['whoosh_p95'] / max(r['fts_p95'], 1e-6):>8.1f}x | "
            f"{r['cold_p50']:.1f} / {r['cold_p95']:.1f}",
            flush=True,
        )
        print(
            f"{'':>7}   similar questions (ask page) p50/p95: "
            f"{r['similar_p50']:.1f} / {r['similar_p95']:.1f} ms",
            flush=True,
        )
    if not (args.out or args.reuse_index):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
