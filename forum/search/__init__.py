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
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from forum.search import writer
from forum.search.query import ParsedQuery, parse
from forum.search.searching import SORTS, SearchHit, SearchResults
from forum.search.searching import search as _search
from forum.search.searching import similar_questions as _similar
from forum.search.storage import SearchUnavailable, open_index
from forum.search.writer import CheckReport, RebuildReport

__all__ = [
    "SORTS", "CheckReport", "ParsedQuery", "RebuildReport", "SearchHit", "SearchResults",
    "SearchUnavailable", "catch_up", "check", "index_dir", "parse", "rebuild", "search",
    "similar_questions", "status",
]  # fmt: skip


def index_dir() -> str:
    return current_app.config["INDEX_DIR"]


def search(
    session: Session, text: object, *, page: int = 1, page_size: int = 20, sort: object = "relevance"
) -> SearchResults:
    return _search(session, index_dir(), text, page=page, page_size=page_size, sort=sort)


def similar_questions(session: Session, title: object, limit: int = 5) -> list[SearchHit]:
    return _similar(session, index_dir(), title, limit)


def catch_up(session: Session) -> int:
    """Apply whatever the outbox holds, unless another writer is already doing it."""
    return writer.drain_with_engine(writer.engine_of(session), index_dir())


def rebuild(session: Session, progress=None) -> RebuildReport:
    """Rebuild from the database (in a session of its own) and swap the new index in."""
    return writer.rebuild(writer.engine_of(session), index_dir(), progress)


def check(session: Session, progress=None) -> CheckReport:
    """Compare the index with the database (in a session of its own)."""
    return writer.check(writer.engine_of(session), index_dir(), progress)


def status() -> str:
    """ "ok", "missing", "corrupt" or "outdated": what the search page tells its readers."""
    try:
        open_index(index_dir()).close()
    except SearchUnavailable as error:
        return error.reason
    return "ok"
