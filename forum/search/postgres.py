"""The PostgreSQL backend (`FORUM_SEARCH_BACKEND=postgres`): documents in a table several hosts share.

Both backends read the search box with the same parser (query.py) and turn
text into terms with the same analyzer (analysis.py): folding and stemming
happen in Python, and `search_documents` stores the analysed terms, with
their positions, as `tsvector` values built verbatim (PostgreSQL's 'simple'
reading of quoted lexemes: no dictionary touches them). A query becomes a
`tsquery` the same way: `&` for required words, `|` for a word's spellings,
`!` for exclusions and `<->` between a phrase's terms. So Greek, Czech,
Slovak and Persian fold exactly as in the Whoosh index, and snippets are
cut by searching.py from the post's text, as with Whoosh.

Columns: the post's id, kind and question id; `content` (title, body and
tag names) and `title` as tsvectors; the tags as an array; the narrowing
operators' values (author, staff, accepted, has_accepted, source, language,
score, answer_count, created_at); the document boost; the fingerprint that
`check` compares. Ranking is `ts_rank` over the words (length-normalised),
plus the title's rank times TITLE_BOOST, times the document boost.

Writes: the outbox is drained as with Whoosh (after the commit, by the same
`record_changes` subscriber), but the drain is a database transaction that
writes the documents and deletes the outbox rows together: there is no
separate index to fall out of step, a crashed drain leaves its rows, and
drains on several hosts take turns through an advisory lock. Writing the
documents inside the change's own transaction was not chosen: the
subscriber runs mid-flush, where re-reading a post, its thread and its
author would cost every write several queries, and the outbox already
gives "a committed change is never lost". A rebuild rewrites the table in
one transaction, so readers see the old documents until it commits.

The table exists on PostgreSQL only (migration 0018), outside the models'
metadata: SQLite keeps the Whoosh backend.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session
from whoosh import query as wq

from forum.models import Post, SearchOutbox
from forum.search.analysis import TermFilter, WordTokenizer
from forum.search.ranking import Clause, Plan
from forum.search.schema import TITLE_BOOST, document_for, is_searchable
from forum.search.storage import SearchUnavailable
from forum.search.writer import _load_posts

log = logging.getLogger(__name__)

TABLE = "search_documents"
# pg_advisory_lock key of the single writer (any fixed number nobody else uses).
WRITER_LOCK = 0x5EA2C4
BATCH = 500
# tsvector limits: positions run 1..16383, a lexeme is at most 2047 bytes.
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2047

_ANALYZER = WordTokenizer(joined=True) | TermFilter()

# Whoosh field name -> column, for the narrowing operators (query.ParsedQuery._filters).
_FILTER_COLUMNS = {
    "kind": "kind", "accepted": "accepted", "has_accepted": "has_accepted", "answer_count": "answer_count",
    "author": "author", "score": "score", "staff": "staff", "source": "source", "language": "language",
}  # fmt: skip

_COLUMNS = (
    "post_id", "kind", "question_id", "content", "title", "tags", "author", "author_id", "staff",
    "accepted", "has_accepted", "source", "language", "score", "answer_count", "created_at", "boost",
    "fingerprint",
)  # fmt: skip
_INSERT = text(
    f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) VALUES ("
    + ", ".join(
        f"CAST(:{name} AS tsvector)" if name in ("content", "title") else f":{name}" for name in _COLUMNS
    )
    + ")"
)


def _quote(term: str) -> str:
    """A lexeme as tsvector/tsquery input reads it verbatim: in quotes, quotes and backslashes doubled."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(value: str) -> str:
    """`value`'s index terms with their positions, as tsvector input (positions from 1)."""
    positions: dict[str, list[int]] = {}
    for token in _ANALYZER(value, positions=True):
        term = token.text
        if len(term.encode()) > MAX_LEXEME_BYTES:
            continue
        positions.setdefault(term, []).append(min(token.pos + 1, MAX_POSITION))
    return " ".join(f"{_quote(term)}:{','.join(map(str, sorted(set(at))))}" for term, at in positions.items())


def row_for(post: Post) -> dict[str, Any]:
    """The table row of `post` (the caller checks is_searchable first)."""
    doc = document_for(post)
    return {
        "post_id": post.id,
        "kind": doc["kind"],
        "question_id": doc["question_id"],
        "content": tsvector_text(doc["content"]),
        "title": tsvector_text(doc["title"]),
        "tags": doc["tags"].split(),
        "author": doc["author"],
        "author_id": doc["author_id"],
        "staff": doc["staff"],
        "accepted": doc["accepted"],
        "has_accepted": doc["has_accepted"],
        "source": doc["source"],
        "language": doc["language"],
        "score": doc["score"],
        "answer_count": doc["answer_count"],
        "created_at": doc["created_at"],
        "boost": doc["_boost"],
        "fingerprint": doc["fingerprint"],
    }


# -- availability -------------------------------------------------------------------------------


def ensure_available(connection: Connection | Session | scoped_session) -> None:
    """SearchUnavailable("missing") unless the database is PostgreSQL and has the table."""
    bind = connection if isinstance(connection, Connection) else connection.get_bind()
    if bind.dialect.name != "postgresql":
        raise SearchUnavailable("missing", "FORUM_SEARCH_BACKEND=postgres needs a PostgreSQL database")
    if connection.scalar(text("SELECT to_regclass(:name)"), {"name": TABLE}) is None:
        raise SearchUnavailable("missing", f"no {TABLE} table: run `flask db upgrade`")


# -- writing -------------------------------------------------------------------------------------


def _write(connection: Connection, post_ids: Iterable[int], posts: dict[int, Post]) -> None:
    ids = list(post_ids)
    connection.execute(text(f"DELETE FROM {TABLE} WHERE post_id = ANY(:ids)"), {"ids": ids})
    rows = [row_for(posts[i]) for i in ids if i in posts and is_searchable(posts[i])]
    if rows:
        connection.execute(_INSERT, rows)


def drain(session: Session, *, wait: bool = False) -> int:
    """Apply the outbox to the table, a batch per transaction; return the rows applied.

    Without `wait`, another drain holding the lock means it will do the work, and we leave.
    """
    ensure_available(session)
    applied = 0
    while True:
        lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        held = session.scalar(text(f"SELECT {lock}(:key)"), {"key": WRITER_LOCK})
        if held is False:
            session.rollback()
            return applied
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.post_id).order_by(SearchOutbox.id).limit(BATCH)
        ).all()
        if not rows:
            session.rollback()
            return applied
        post_ids = list(dict.fromkeys(row.post_id for row in rows))
        posts = {post.id: post for post in _load_posts(session, Post.id.in_(post_ids))}
        _write(session.connection(), post_ids, posts)
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
        session.commit()  # the documents and the outbox rows they replace, together
        session.expunge_all()
        applied += len(rows)
        wait = True  # a batch is done: the lock is ours to take again


def drain_with_engine(engine: Engine) -> int:
    with Session(engine) as session:
        return drain(session)


def drain_soon(engine: Engine) -> None:
    """Drain after a commit (outbox.py queues it); if it fails, the rows wait for the next drain."""
    try:
        drain_with_engine(engine)
    except Exception:
        log.exception("search documents drain failed; the outbox keeps the work")


def rebuild(
    engine: Engine, progress: Callable[[int], None] | None = None, batch: int = 1000
) -> tuple[int, float]:
    """Rewrite the table from the posts in one transaction (readers see the old rows until it commits)."""
    started = time.perf_counter()
    documents = 0
    with Session(engine) as session:
        ensure_available(session)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        covered = session.scalar(select(func.max(SearchOutbox.id))) or 0
        connection = session.connection()
        connection.execute(text(f"DELETE FROM {TABLE}"))
        last_id = 0
        while True:
            posts = _load_posts(session, Post.id > last_id, batch)
            if not posts:
                break
            rows = [row_for(post) for post in posts if is_searchable(post)]
            if rows:
                connection.execute(_INSERT, rows)
            documents += len(rows)
            last_id = posts[-1].id
            session.expunge_all()
            if progress:
                progress(len(posts))
        # Rows queued before we started reading are in the new documents; later ones are replayed.
        session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        session.commit()
        drain(session, wait=True)
    return documents, time.perf_counter() - started


def indexed_fingerprints(session: Session) -> dict[int, str]:
    ensure_available(session)
    return dict(session.execute(text(f"SELECT post_id, fingerprint FROM {TABLE}")).tuples().all())


# -- reading -------------------------------------------------------------------------------------


def _clause_query(clause: Clause) -> str:
    if clause.phrase:
        return "(" + " <-> ".join(_quote(term) for term in clause.phrase) + ")"
    return _quote(clause.term)


class _Sql:
    """A WHERE clause being built, with its bound parameters."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def narrowing(self, query: wq.Query) -> str:
        """A narrowing operator (a Whoosh query query.py built from validated values) as SQL."""
        if isinstance(query, wq.And):
            return "(" + " AND ".join(self.narrowing(sub) for sub in query.subqueries) + ")"
        if isinstance(query, wq.Term):
            return f"{_FILTER_COLUMNS[query.fieldname]} = {self.param(query.text)}"
        if isinstance(query, wq.NumericRange):
            column = _FILTER_COLUMNS[query.fieldname]
            parts = []
            if query.start is not None:
                parts.append(f"{column} >= {self.param(query.start)}")
            if query.end is not None:
                parts.append(f"{column} <= {self.param(query.end)}")
            return "(" + " AND ".join(parts or ["TRUE"]) + ")"
        raise TypeError(f"no SQL for {query!r}")  # query.py builds only the kinds above


def _content_clauses(clauses: Iterable[Clause]) -> list[Clause]:
    return [c for c in clauses if c.field == "content"]


def _tag_clauses(clauses: Iterable[Clause]) -> list[str]:
    return [c.term for c in clauses if c.field == "tags"]


def _matching(plan: Plan, narrowing: wq.Query | None, sql: _Sql) -> tuple[str, str, str]:
    """(WHERE, the words' rank expression, the title's rank expression) of `plan`."""
    must = [_clause_query(c) for c in _content_clauses(plan.required)]
    must += ["(" + " | ".join(_clause_query(c) for c in group) + ")" for group in plan.alternatives if group]
    if plan.any_of:
        any_content = _content_clauses(plan.any_of)
        any_title = [c for c in plan.any_of if c.field == "title"]
        found = []
        if any_content:
            found.append(
                f"content @@ CAST({sql.param(' | '.join(map(_clause_query, any_content)))} AS tsquery)"
            )
        if any_title:
            found.append(f"title @@ CAST({sql.param(' | '.join(map(_clause_query, any_title)))} AS tsquery)")
        sql.where.append("(" + " OR ".join(found) + ")")
    excluded = [_clause_query(c) for c in _content_clauses(plan.excluded)]
    if must or excluded:
        tsquery = " & ".join(must + [f"!{term}" for term in excluded]) if must else ""
        if tsquery:
            sql.where.append(f"content @@ CAST({sql.param(tsquery)} AS tsquery)")
        elif excluded:
            sql.where.append(f"NOT content @@ CAST({sql.param(' | '.join(excluded))} AS tsquery)")
    if tags := _tag_clauses(plan.required):
        sql.where.append(f"tags @> CAST({sql.param(tags)} AS text[])")
    if tags := _tag_clauses(plan.excluded):
        sql.where.append(f"NOT tags && CAST({sql.param(tags)} AS text[])")
    if narrowing is not None:
        sql.where.append(sql.narrowing(narrowing))
    # Ranking: every positive word (a phrase by its words), and the title's words apart.
    scored: list[str] = []
    titled: list[str] = []
    for clause in (*plan.required, *(c for g in plan.alternatives for c in g), *plan.optional, *plan.any_of):
        terms = clause.phrase or ((clause.term,) if clause.term else ())
        if clause.field == "content":
            scored += [_quote(term) for term in terms]
        elif clause.field == "title":
            titled += [_quote(term) for term in terms]
    words = (
        f"ts_rank(content, CAST({sql.param(' | '.join(dict.fromkeys(scored)))} AS tsquery), 1)"
        if scored
        else "0"
    )
    title = (
        f"ts_rank(title, CAST({sql.param(' | '.join(dict.fromkeys(titled)))} AS tsquery), 1)"
        if titled
        else "0"
    )
    return " AND ".join(sql.where) or "TRUE", words, title


_ORDER = {
    "relevance": "rank DESC, created_at DESC, post_id DESC",
    "newest": "created_at DESC, post_id DESC",
    "votes": "score DESC, created_at DESC, post_id DESC",
}


def rank(
    session: Session,
    plan: Plan,
    narrowing: wq.Query | None,
    limit: int,
    sort: str = "relevance",
    *,
    offset: int = 0,
    title_boost: float = TITLE_BOOST,
    words_boost: float = 1.0,
) -> tuple[list[int], int]:
    """Post ids of `plan`'s matches in `sort` order (`limit` from `offset`), and how many match."""
    ensure_available(session)
    sql = _Sql()
    where, words, title = _matching(plan, narrowing, sql)
    rows = session.execute(
        text(
            f"SELECT post_id, count(*) OVER () AS total, "
            f"({words_boost} * {words} + {title_boost} * {title}) * boost AS rank, created_at, score "
            f"FROM {TABLE} WHERE {where} ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset"
        ),
        {**sql.params, "limit": limit, "offset": offset},
    ).all()
    if not rows and offset:
        total = session.scalar(text(f"SELECT count(*) FROM {TABLE} WHERE {where}"), sql.params) or 0
        return [], total
    return [row.post_id for row in rows], (rows[0].total if rows else 0)


def similar_ids(session: Session, terms: list[str], limit: int) -> list[int]:
    plan = Plan(any_of=[Clause("title", term) for term in terms])
    plan.optional = [Clause("content", term) for term in terms]
    ids, _ = rank(session, plan, wq.Term("kind", "question"), limit, words_boost=0.3)
    return ids
