"""Full-text search over questions and answers, behind a small interface.

The rest of the app calls these functions and never touches Whoosh:
`search`, `similar_questions`, `catch_up`, `rebuild`, `check`, `status`.
Indexing is driven by the outbox (forum/models/search.py) and applied by
the single writer (writer.py) after each commit. Whoosh stores the index
(segments, postings, deletions) and matches the narrowing operators;
ranking.py matches and scores words and phrases over Whoosh's postings
with NumPy, since Whoosh's own one-document-at-a-time matchers are too slow
for words found in most posts.

The engine is whoosh-reloaded 2.7.5, imported as `whoosh`. Of the forks
that install on Python 3.11+, it is the one with the stable Whoosh 2.7 API
and file format that this code is written against; whoosh-ng (5.x) changes
its API and scope from release to release (async, embeddings, S3) under
one maintainer and calls itself beta, whoosh-novo has only an alpha, and
whoosh3 is a few months old with a hundred releases. whoosh-reloaded's
repository is marked unmaintained, so everything Whoosh-specific stays in
this package: moving to another fork touches no other code.

`FORUM_SEARCH_BACKEND=postgres` keeps the documents in a PostgreSQL table
instead (postgres.py), for several hosts sharing one database; the query
language, analysis, snippets and these functions are the same.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from forum.extensions import db
from forum.search import postgres, writer
from forum.search.query import ParsedQuery, parse
from forum.search.searching import SORTS, SearchHit, SearchResults
from forum.search.searching import search as _search
from forum.search.searching import similar_questions as _similar
from forum.search.storage import SearchUnavailable, open_index
from forum.search.writer import CheckReport, RebuildReport

__all__ = [
    "SORTS", "CheckReport", "ParsedQuery", "RebuildReport", "SearchHit", "SearchResults",
    "SearchUnavailable", "backend", "catch_up", "check", "index_dir", "parse", "rebuild", "search",
    "similar_questions", "status",
]  # fmt: skip


BACKENDS = ("whoosh", "postgres")


def index_dir() -> str:
    return current_app.config["INDEX_DIR"]


def backend() -> str:
    """The configured backend (FORUM_SEARCH_BACKEND): "whoosh" or "postgres"."""
    chosen = current_app.config.get("SEARCH_BACKEND") or "whoosh"
    if chosen not in BACKENDS:
        raise RuntimeError(f"FORUM_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {chosen!r}")
    return chosen


def search(
    session: Session, text: object, *, page: int = 1, page_size: int = 20, sort: object = "relevance"
) -> SearchResults:
    return _search(session, index_dir(), text, page=page, page_size=page_size, sort=sort, backend=backend())


def similar_questions(session: Session, title: object, limit: int = 5) -> list[SearchHit]:
    return _similar(session, index_dir(), title, limit, backend=backend())


def catch_up(session: Session) -> int:
    """Apply whatever the outbox holds, unless another writer is already doing it."""
    if backend() == "postgres":
        return postgres.drain_with_engine(writer.engine_of(session))
    return writer.drain_with_engine(writer.engine_of(session), index_dir())


def rebuild(session: Session, progress=None) -> RebuildReport:
    """Rebuild from the database (in a session of its own) and swap the new index in."""
    if backend() == "postgres":
        return RebuildReport(*postgres.rebuild(writer.engine_of(session), progress))
    return writer.rebuild(writer.engine_of(session), index_dir(), progress)


def check(session: Session, progress=None) -> CheckReport:
    """Compare the index with the database (in a session of its own)."""
    if backend() == "postgres":
        return writer.check(writer.engine_of(session), index_dir(), progress, postgres.indexed_fingerprints)
    return writer.check(writer.engine_of(session), index_dir(), progress)


def status() -> str:
    """ "ok", "missing", "corrupt" or "outdated": what the search page tells its readers."""
    try:
        if backend() == "postgres":
            postgres.ensure_available(db.session)
        else:
            open_index(index_dir()).close()
    except SearchUnavailable as error:
        return error.reason
    return "ok"
