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

import dataclasses
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, scoped_session
from whoosh import query as wq

from forum.models import Post, SearchOutbox
from forum.search import analysis
from forum.search.ranking import Clause, Plan
from forum.search.schema import TITLE_BOOST, document_for, id_ranges, is_searchable
from forum.search.schema import documents as schema_documents
from forum.search.storage import SearchUnavailable
from forum.search.writer import _load_posts

log = logging.getLogger(__name__)

TABLE = "search_documents"
# The table a rebuild fills, renamed to TABLE when it is ready (it exists only inside that transaction).
_NEW = f"{TABLE}_new"
# Memory for building the new table's indexes (a session setting, for the rebuild's transaction only).
REBUILD_MEMORY = "256MB"
# How long a rebuild waits for readers to let go of the live table before it copies rows instead.
SWAP_WAIT = "2s"
# A relevance page ranks at most this many matches (the most recent), and work_mem for a search.
RANK_POOL = 2000
# A phrase's positions are read in at most this many posts with all its words, the newest (about
# 5 µs a post: 25 ms; a phrase of two common words has 300,000 of them at 1M posts).
PHRASE_CANDIDATES = 5000
# When that many are among at most this many newest posts, those posts are read one by one instead
# of the words' GIN bitmap (which for two words in most of 1M posts costs 100 ms by itself).
PHRASE_WALK_ROWS = 50000
SEARCH_MEMORY = "64MB"
# The table's comment after a rebuild: "newest first up to " and the last post id it wrote.
NEWEST_FIRST = "newest first up to "
# pg_advisory_lock key of the single writer (any fixed number nobody else uses).
WRITER_LOCK = 0x5EA2C4
BATCH = 500
# A rebuild reads and tokenises posts REBUILD_BATCH at a time, in up to REBUILD_PROCESSES worker
# processes when there are at least PARALLEL_FROM_POSTS posts.
REBUILD_BATCH = 2000
REBUILD_PROCESSES = 2
PARALLEL_FROM_POSTS = 20000
# tsvector limits: positions run 1..16383, a lexeme is at most 2047 bytes.
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2047

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
    if "'" in term or "\\" in term:
        term = term.replace("\\", "\\\\").replace("'", "''")
    return "'" + term + "'"


def tsvector_text(value: str) -> str:
    """`value`'s index terms with their positions, as tsvector input (positions from 1).

    The analyzer's own steps (analysis.words, then analysis.index_term), with the positions of
    WordTokenizer and JoinedStartFilter (a word written with ZWNJ counts its parts; its joined
    spelling has the last part's position and the first's), without a Whoosh token for each word:
    this is most of a rebuild's time. (tsvector input sorts a term's positions and drops repeats.)
    """
    positions: dict[str, list[int]] = {}
    position, last_end = 0, -1
    index_term = analysis.index_term
    for word, begin, end in analysis.words(value):
        first = position + 1
        if end > last_end:
            position = first
            last_end = end
        else:  # the joined spelling of the parts just read
            first = position - value.count(analysis.ZWNJ, begin, end)
        term = index_term(word)
        if not term or (len(term) * 4 > MAX_LEXEME_BYTES and len(term.encode()) > MAX_LEXEME_BYTES):
            continue
        at = positions.get(term)
        if at is None:
            at = positions[term] = []
        elif at[-1] == position or at[-1] == MAX_POSITION:
            continue
        if first < position:
            at.append(min(first, MAX_POSITION))
        at.append(min(position, MAX_POSITION))
    return " ".join([f"{_quote(term)}:{','.join(map(str, at))}" for term, at in positions.items()])


def row_for(post: Post) -> dict[str, Any]:
    """The table row of `post` (the caller checks is_searchable first)."""
    return dict(zip(_COLUMNS, row_of(document_for(post)), strict=True))


def row_of(doc: dict) -> tuple:
    """The table row (values in _COLUMNS' order) of a document of schema.document()."""
    return (
        int(doc["id"]), doc["kind"], doc["question_id"], tsvector_text(doc["content"]),
        tsvector_text(doc["title"]), doc["tags"].split(), doc["author"], doc["author_id"], doc["staff"],
        doc["accepted"], doc["has_accepted"], doc["source"], doc["language"], doc["score"],
        doc["answer_count"], doc["created_at"], doc["_boost"], doc["fingerprint"],
    )  # fmt: skip


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
    engine: Engine,
    progress: Callable[[int], None] | None = None,
    batch: int | None = None,
    processes: int | None = None,
) -> tuple[int, float]:
    """Write the documents of all posts into a new table and swap it in, in one transaction.

    Readers see the old table until the commit. The new table is filled with COPY … FREEZE (it was
    created in this transaction: its rows are written frozen and its pages all-visible), then gets
    the live table's indexes and constraints, which are built once over all the rows instead of
    being updated row by row, and its statistics.

    The posts are read with plain queries (schema.documents), `batch` ids at a time. Turning their
    text into tsvectors is most of the work: from PARALLEL_FROM_POSTS posts on, `processes` worker
    processes (default: one a core, at most REBUILD_PROCESSES) each read and tokenise a batch on a
    connection of their own, and this one copies their rows into the new table in id order (the
    new table is visible only to this transaction, so only this connection can write it).
    """
    started = time.perf_counter()
    documents = 0
    with Session(engine) as session:
        ensure_available(session)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        covered = session.scalar(select(func.max(SearchOutbox.id))) or 0
        connection = session.connection()
        connection.execute(text(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'"))
        connection.execute(
            text(
                f"CREATE TABLE {_NEW} "
                f"(LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
            )
        )
        driver = connection.connection.driver_connection
        assert driver is not None  # a live connection: the session just used it
        cursor = driver.cursor()
        # A COPY a batch: between batches the connection reads the next one (without workers).
        for posts, rows in _rows(engine, connection, batch or REBUILD_BATCH, processes):
            with cursor.copy(f"COPY {_NEW} ({', '.join(_COLUMNS)}) FROM STDIN (FREEZE)") as copy:
                for row in rows:
                    copy.write_row(row)
            documents += len(rows)
            if progress:
                progress(posts)
        newest = connection.scalar(text(f"SELECT coalesce(max(post_id), 0) FROM {_NEW}"))
        unvalidated = _swap_in_new_table(connection)
        # Documents up to this post id lie newest first (see rank); later ones wherever drains put them.
        connection.execute(text(f"COMMENT ON TABLE {TABLE} IS '{NEWEST_FIRST}{int(newest or 0)}'"))
        # Rows queued before we started reading are in the new documents; later ones are replayed.
        session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        session.commit()
        for name in unvalidated:
            session.execute(text(f"ALTER TABLE {TABLE} VALIDATE CONSTRAINT {name}"))
            session.commit()
        drain(session, wait=True)
    return documents, time.perf_counter() - started


def _rows(
    engine: Engine, connection: Connection, batch: int, processes: int | None
) -> Iterator[tuple[int, list[tuple]]]:
    """(posts covered, table rows) of all posts, a batch at a time, newest first (see `rank`)."""
    total = connection.scalar(select(func.count()).select_from(Post)) or 0
    if processes is None:
        processes = min(os.cpu_count() or 1, REBUILD_PROCESSES) if total >= PARALLEL_FROM_POSTS else 1
    ranges = id_ranges(connection, batch)[::-1]
    if processes < 2:
        for bounds in ranges:
            yield _range_rows(connection, bounds, batch)
        return
    # Forked workers share nothing of this process's connections (_start_worker lets go of them).
    # A worker that dies (killed for memory, say) fails the rebuild with BrokenProcessPool
    # instead of leaving it waiting for the batch (multiprocessing.Pool would wait forever).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, context, _start_worker, (engine, batch)) as workers:
        yield from workers.map(_rows_between, ranges)


_worker: tuple[Engine, int] | None = None


def _start_worker(engine: Engine, batch: int) -> None:
    global _worker
    engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    _worker = (engine, batch)


def _rows_between(bounds: tuple[int, int | None]) -> tuple[int, list[tuple]]:
    """In a worker: (posts covered, table rows) of the posts after bounds[0] up to bounds[1]."""
    assert _worker is not None
    engine, batch = _worker
    with engine.connect() as connection:
        return _range_rows(connection, bounds, batch)


def _range_rows(
    connection: Connection, bounds: tuple[int, int | None], batch: int
) -> tuple[int, list[tuple]]:
    """(posts covered, table rows newest first) of the posts after bounds[0] up to bounds[1]."""
    covered, rows = 0, []
    for posts, docs in schema_documents(connection, batch, after=bounds[0], up_to=bounds[1]):
        covered += posts
        rows += [row_of(doc) for doc in docs]
    return covered, rows[::-1]


def _swap_in_new_table(connection: Connection) -> list[str]:
    """Give the new table the live one's indexes and constraints (as the migrations made them, under
    their own names), its statistics, and its name; the live table is dropped. Returns the foreign
    keys to validate after the commit (added NOT VALID: see below)."""
    constraints = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid), contype, CAST(confrelid AS regclass)::text "
            "FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) AND contype IN ('p', 'u', 'f', 'x')"
        ),
        {"table": TABLE},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = :table AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass))"
        ),
        {"table": TABLE},
    ).all()
    foreign = [(name, definition, other) for name, definition, kind, other in constraints if kind == "f"]
    for name, definition, kind, _ in constraints:
        if kind != "f":
            connection.execute(text(f"ALTER TABLE {_NEW} ADD CONSTRAINT {name}_new {definition}"))
    for name, definition in indexes:
        create = definition.partition(f" {name} ON ")[0]  # CREATE [UNIQUE] INDEX
        using = definition.partition(" USING ")[2]
        connection.execute(text(f"{create} {name}_new ON {_NEW} USING {using}"))
    connection.execute(text(f"ANALYZE {_NEW}"))
    # Dropping the live table waits for every transaction that has read it, and so does adding
    # or dropping a foreign key for the table it references (posts: its triggers are there): a
    # caller's own open transaction would wait forever. Past SWAP_WAIT the rows are copied into
    # the live table instead (the new one has no foreign key yet, so dropping it waits for
    # nobody). The foreign keys are added NOT VALID, at once, while posts is locked, and
    # validated after the commit without blocking anyone.
    try:
        with connection.begin_nested():
            connection.execute(text(f"SET LOCAL lock_timeout = '{SWAP_WAIT}'"))
            tables = ", ".join(dict.fromkeys([TABLE, *(other for _, _, other in foreign)]))
            connection.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
    except OperationalError:
        log.warning("%s is in use: the rebuilt documents are copied into it", TABLE)
        connection.execute(text(f"DELETE FROM {TABLE}"))
        connection.execute(text(f"INSERT INTO {TABLE} SELECT * FROM {_NEW}"))
        connection.execute(text(f"DROP TABLE {_NEW}"))
        return []
    connection.execute(text("SET LOCAL lock_timeout = 0"))
    for name, definition, _ in foreign:
        connection.execute(text(f"ALTER TABLE {_NEW} ADD CONSTRAINT {name}_new {definition} NOT VALID"))
    connection.execute(text(f"DROP TABLE {TABLE}"))
    connection.execute(text(f"ALTER TABLE {_NEW} RENAME TO {TABLE}"))
    for name, *_ in constraints:
        connection.execute(text(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {name}_new TO {name}"))
    for name, _ in indexes:
        connection.execute(text(f"ALTER INDEX {name}_new RENAME TO {name}"))
    return [name for name, _, _ in foreign]


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

    def __init__(self, prefix: str = "p") -> None:
        self.where: list[str] = []
        self.params: dict[str, Any] = {}
        self.prefix = prefix

    def param(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
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
    exact_total: bool = True,
) -> tuple[list[int], int, bool]:
    """Post ids of `plan`'s matches in `sort` order (`limit` from `offset`), how many match, and
    whether that number is an estimate.

    The matches are first read up to RANK_POOL + 1 of them: when that is all of them, they are the
    total, and the page is sorted from them by primary key (a phrase's positions, the costly part of
    its matching, are read once). Past RANK_POOL the page comes from the `pool` most recent matches
    (relevance) or from all of them in order (newest, votes). Counting every match of a word found
    in most posts would read most of the table (a third of a second at a million posts), so when
    the planner's statistics put the matches where walking the newest rows wins (see `_walks`), the
    total is the planner's estimate, flagged as one; otherwise it is counted exactly in the same
    query that reads the page. Without `exact_total` nothing is counted (the caller wants ids).
    """
    ensure_available(session)
    sql = _Sql()
    where, words, title = _matching(plan, narrowing, sql)
    # A word found in most posts makes a bitmap of most of the table: work_mem keeps it exact (one
    # bit a row, no rechecks). JIT compiling costs more than these queries run (tens of ms a query).
    # A sequential scan would read every row's tsvector, most of them out of TOAST, where the GIN
    # bitmap only visits the rows' heap pages. For this transaction only.
    session.execute(text(f"SET LOCAL work_mem = '{SEARCH_MEMORY}'"))
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL enable_seqscan = off"))
    pool = max(RANK_POOL, offset + limit)
    rows, newest_first_up_to = _table_facts(session)
    where, scale = _bounded_phrases(session, plan, narrowing, where, sql.params, rows, newest_first_up_to)
    # Bitmap (or, for operators alone, sequential) scans read rows in the order they lie: after a
    # rebuild, newest first.
    session.execute(text("SET LOCAL enable_indexscan = off"))
    found = session.scalars(text(_first_matches(where, pool + 1, newest_first_up_to)), sql.params).all()
    session.execute(text("SET LOCAL enable_indexscan = on"))
    params = {**sql.params, "limit": limit, "offset": offset}
    rank = f"({words_boost} * {words} + {title_boost} * {title}) * boost AS rank"
    total, estimated = len(found), False
    if total > pool:
        guess = max(_estimated_matches(session, where, sql.params), pool + 1)
        walk = _walks(guess, pool, rows)
        total, estimated = guess, walk or not exact_total
        if sort == "relevance" and newest_first_up_to is not None:
            # The first matches read are the newest (as of the last rebuild, and any since): they
            # are the ones ranked, and the total is the planner's.
            found, estimated = found[:pool], True
        elif sort != "relevance":
            # The walk's order is the index's; the bitmap's count comes with the page, over all matches.
            count = "" if estimated else ", count(*) OVER ()"
            query = f"SELECT post_id{count} FROM {TABLE} WHERE {where} ORDER BY {_ORDER[sort]}"
            page = session.execute(text(f"{query} LIMIT :limit OFFSET :offset"), params).all()
            if not estimated and page:
                total = page[0][1]
            # Past the last match the bitmap's count is not seen either: the estimate stands.
            total = max(round(total * scale), offset + len(page))
            return [row[0] for row in page], total, estimated or not page or scale > 1
        else:
            # ts_rank reads each match's whole tsvector: for a word in most posts that is most of
            # the table. The most recent `pool` matches are ranked instead.
            recent = session.execute(text(_recent(where, pool, walk, count=not estimated)), sql.params).all()
            found = [row[0] for row in recent]
            if not estimated and recent:
                total = recent[0][1]
    if scale > 1:  # the matches of the newest posts, for all of them
        total, estimated = max(round(total * scale), total), True
    if total <= offset:
        return [], total, estimated
    params["found"] = list(found)
    columns = f"post_id, {rank}, created_at" if sort == "relevance" else "post_id"
    query = f"SELECT {columns} FROM {TABLE} WHERE post_id = ANY(:found) ORDER BY {_ORDER[sort]}"
    return list(session.scalars(text(f"{query} LIMIT :limit OFFSET :offset"), params)), total, estimated


def _bounded_phrases(
    session: Session, plan: Plan, narrowing: wq.Query | None, where: str, params: dict[str, Any],
    rows: float, newest_first_up_to: int | None,
) -> tuple[str, float]:  # fmt: skip
    """`where`, kept to the newest PHRASE_CANDIDATES posts with all the words of its required
    phrases when more have them, and by how much to scale what it finds for an estimate of all
    (1: not kept).

    Each post with all of a phrase's words has its positions read to find the phrase: for a phrase
    of common words in a big forum that is hundreds of thousands of posts (seconds). Finding the
    posts with the words is only the GIN index and a visit of their rows (the table lies newest
    first: `_first_matches`), so the newest PHRASE_CANDIDATES of them are taken that way and only
    those have their positions read (`params` gains the words' own parameters). `rows` and
    `newest_first_up_to` are the table's, from `_table_facts`.
    """
    phrases = [c for c in _content_clauses(plan.required) if len(c.phrase) > 1]
    if not phrases:
        return where, 1.0
    candidates = _estimated_matches(session, where, params)  # the planner reads <-> as &
    if candidates <= PHRASE_CANDIDATES:
        return where, 1.0
    scale = max(candidates / PHRASE_CANDIDATES, 1.0)
    newest_rows = int(rows / scale)
    if newest_rows <= PHRASE_WALK_ROWS:
        # Words in most posts: the newest posts that hold about PHRASE_CANDIDATES with them are few
        # enough to read one by one (by id, the primary key's range; OFFSET 0 keeps the GIN index,
        # whose bitmap for two such words alone costs more, out of it).
        floor = session.scalar(
            text(f"SELECT post_id FROM {TABLE} ORDER BY post_id DESC OFFSET {newest_rows} LIMIT 1")
        )
        if floor is None:
            return where, 1.0
        newest = f"SELECT * FROM {TABLE} WHERE post_id > {int(floor)} OFFSET 0"
        return (
            f"post_id = ANY(ARRAY(SELECT post_id FROM ({newest}) AS {TABLE} WHERE {where})) AND {where}",
            scale,
        )
    words = [Clause("content", term) for c in phrases for term in dict.fromkeys(c.phrase)]
    loose = _Sql("w")
    required = [c for c in plan.required if c not in phrases] + words
    loose_where, _, _ = _matching(dataclasses.replace(plan, required=required), narrowing, loose)
    params.update(loose.params)
    newest = _first_matches(loose_where, PHRASE_CANDIDATES, newest_first_up_to)
    return f"post_id = ANY(ARRAY({newest})) AND {where}", scale


def _table_facts(session: Session) -> tuple[float, int | None]:
    """The table's row count as the planner knows it (from the last ANALYZE or VACUUM), and the
    last post id the last rebuild wrote newest first (None: not rebuilt by this release)."""
    rows, comment = session.execute(
        text(
            "SELECT reltuples, obj_description(oid, 'pg_class') FROM pg_class "
            "WHERE oid = CAST(:t AS regclass)"
        ),
        {"t": TABLE},
    ).one()
    up_to = None
    if comment and comment.startswith(NEWEST_FIRST) and comment[len(NEWEST_FIRST) :].isdecimal():
        up_to = int(comment[len(NEWEST_FIRST) :])
    return max(float(rows or 0), 1.0), up_to


def _first_matches(where: str, count: int, newest_first_up_to: int | None) -> str:
    """The query of the first `count` matches as they lie: the newest first when the table was
    rebuilt so (posts written since come first of all, by id)."""
    if newest_first_up_to is None:
        return f"SELECT post_id FROM {TABLE} WHERE {where} LIMIT {count}"
    return (
        f"(SELECT post_id FROM {TABLE} WHERE {where} AND post_id > {newest_first_up_to} "
        f"ORDER BY post_id DESC LIMIT {count}) UNION ALL "
        f"(SELECT post_id FROM {TABLE} WHERE {where} AND post_id <= {newest_first_up_to} LIMIT {count}) "
        f"LIMIT {count}"
    )


def _estimated_matches(session: Session, where: str, params: dict[str, Any]) -> int:
    """The planner's estimate of the rows matching `where` (from ANALYZE's statistics: for a tsvector
    the sampled frequencies of its most common lexemes, which are the words this is asked about)."""
    plan = session.scalar(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {where}"), params)
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _walks(total: float, pool: int, rows: float) -> bool:
    """Whether the `pool` most recent of `total` matches, in a table of `rows` rows, are best found
    by walking down the created_at index.

    The walk visits about pool * rows / total rows and reads each one's tsvector to test it; the
    GIN bitmap visits all `total` matches' heap rows without reading their tsvectors (unless a
    phrase), then keeps the newest. A row costs the walk about 4 times what it costs the bitmap
    (measured at 100k posts), so the walk wins when total² > 4 * pool * rows (at 100k posts, words
    in more than 28% of them). The planner, costing both itself, often walks for rarer words too
    (0.2 s for a word in 3% of the posts), so the choice is made here.
    """
    return total * total >= 4 * pool * rows


def _recent(where: str, pool: int, walk: bool, *, count: bool) -> str:
    """The query of the `pool` most recent matches (with `count`, each row also carries how many
    match in all, counted by the bitmap's query). OFFSET 0 keeps the bitmap query from being
    turned into the walk."""
    if walk:
        return f"SELECT post_id FROM {TABLE} WHERE {where} ORDER BY created_at DESC LIMIT {pool}"
    total = ", count(*) OVER ()" if count else ""
    return (
        f"SELECT post_id{total} FROM (SELECT post_id, created_at FROM {TABLE} WHERE {where} OFFSET 0)"
        f" AS matches ORDER BY created_at DESC LIMIT {pool}"
    )


def similar_ids(session: Session, terms: list[str], limit: int) -> list[int]:
    plan = Plan(any_of=[Clause("title", term) for term in terms])
    plan.optional = [Clause("content", term) for term in terms]
    ids, _, _ = rank(session, plan, wq.Term("kind", "question"), limit, words_boost=0.3, exact_total=False)
    return ids
