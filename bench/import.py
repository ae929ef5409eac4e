"""Posts per second of `forum import stackexchange` for Posts.xml plus Votes.xml.

    .venv/bin/python bench/import.py [--posts 100000] [--pg URL] [--workers N] [--no-search]

Builds a dump of --posts posts by repeating the quantumcomputing dump in
../shared (each copy's post ids shifted past the last, with its votes), and
imports it into a fresh SQLite file and, with --pg (or
FORUM_TEST_DATABASE_URL), into that PostgreSQL database (its tables are
dropped and made again). The figure counts the import itself; the search
index's catch-up is timed apart (--no-search leaves it out). --workers sets the
processes that convert bodies (0: in the importer's process; default: the
importer's choice, one per CPU for a big dump). Everything is made in a temporary folder
that is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from forum import create_app, search  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.importers import stackexchange  # noqa: E402

DUMP = Path(__file__).resolve().parents[2] / "shared" / "data" / "stackexchange" / "quantumcomputing"
ID_FIELDS = {"posts": ("Id", "ParentId", "AcceptedAnswerId"), "votes": ("Id", "PostId")}


def build_dump(target: Path, posts: int) -> int:
    """Copies of Posts.xml and Votes.xml with shifted ids until `posts` question and answer rows."""
    source = {name: list(ElementTree.parse(DUMP / f"{name.title()}.xml").getroot()) for name in ID_FIELDS}
    shift = max(int(row.get("Id", 0)) for row in source["posts"]) + 1
    per_copy = sum(1 for row in source["posts"] if row.get("PostTypeId") in ("1", "2"))
    copies = -(-posts // per_copy)
    for name, fields in ID_FIELDS.items():
        with (target / f"{name.title()}.xml").open("w", encoding="utf-8") as out:
            out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<{name}>\n')
            for copy in range(copies):
                for row in source[name]:
                    attrs = dict(row.attrib)
                    for key in fields:
                        if key in attrs and not (key == "Id" and name == "votes"):
                            attrs[key] = str(int(attrs[key]) + copy * shift)
                    out.write(
                        "  " + ElementTree.tostring(ElementTree.Element("row", attrs), "unicode") + "\n"
                    )
            out.write(f"</{name}>\n")
    return copies * per_copy


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the pool converting bodies): on a shared
    machine, what the import costs whatever else runs."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(url: str, dump: Path, index_dir: Path, workers: int | None, rebuild_search: bool) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": str(index_dir)})
    with app.app_context():
        if not url.startswith("sqlite"):  # the search backend's table is outside the models and needs posts
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS search_documents"))
        db.drop_all()
        db.create_all()
        before = _cpu_seconds()
        report = stackexchange.import_dump(
            db.session, dump, site="bench", catch_up_search=False, workers=workers
        )
        cpu = _cpu_seconds() - before
        rate = report.posts / report.seconds
        line = f"{url.split(':')[0]}: {report.posts} posts in {report.seconds:.1f}s = {rate:.0f} posts/s"
        line += f" (target 2000); CPU {cpu:.1f}s = {1000 * cpu / report.posts:.2f} ms a post"
        if rebuild_search:
            started = time.perf_counter()
            indexed = search.rebuild(db.session)
            line += f"; search rebuild {indexed.documents} documents in {time.perf_counter() - started:.1f}s"
        print(line, flush=True)
        db.session.remove()
        if not url.startswith("sqlite"):  # a SQLite file goes with the folder; dropping its tables is slow
            db.drop_all()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("FORUM_TEST_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-search", action="store_true", help="leave out the search rebuild")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="forum-import-bench-") as folder:
        work = Path(folder)
        (work / "dump").mkdir()
        made = build_dump(work / "dump", args.posts)
        print(f"dump: {made} posts with their votes")
        rebuild = not args.no_search
        run(f"sqlite:///{work / 'bench.db'}", work / "dump", work / "index", args.workers, rebuild)
        if args.pg:
            run(args.pg, work / "dump", work / "pg-index", args.workers, rebuild)


if __name__ == "__main__":
    main()
