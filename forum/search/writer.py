"""The single index writer: drains the outbox, rebuilds, and checks the index.

Every change to the index goes through here while holding the writer lock
(storage.writer_lock), so there is one writer at a time across workers, the
CLI and the mirror. The outbox is applied in id order and its rows deleted
only after Whoosh has committed: a writer killed halfway leaves its rows for
the next one, and applying a row twice is harmless (it re-reads the post).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh.index import Index

from forum.models import Post, SearchOutbox
from forum.search import bulk, storage
from forum.search.schema import document_for, documents, is_searchable

log = logging.getLogger(__name__)

BATCH = 500


def _load_posts(session: Session, where) -> list[Post]:
    """Posts with everything their documents need, loaded in three queries."""
    query = (
        select(Post)
        .where(where)
        .order_by(Post.id)
        .options(
            selectinload(Post.author),
            selectinload(Post.tags),
            selectinload(Post.question).selectinload(Post.tags),
        )
    )
    return list(session.scalars(query))


def _write(ix: Index, post_ids: Iterable[int], posts: dict[int, Post]) -> None:
    with ix.writer() as writer:  # we hold the writer lock, so Whoosh's own lock is free
        for post_id in post_ids:
            post = posts.get(post_id)
            if post is not None and is_searchable(post):
                writer.update_document(**document_for(post))
            else:
                writer.delete_by_term("id", str(post_id))


def _open_or_start(session: Session, index_dir: str) -> Index | None:
    """The live index; on a fresh install, a new empty one that the outbox then fills."""
    try:
        return storage.open_index(index_dir)
    except storage.SearchUnavailable as error:
        if error.reason == "missing" and _outbox_holds_every_post(session):
            storage.make_current(index_dir, storage.new_generation(index_dir))
            return storage.open_index(index_dir)
        return None  # rows wait in the outbox until `forum search rebuild`


def _outbox_holds_every_post(session: Session) -> bool:
    """True when no post has left the outbox: no index ever had any, so replaying it builds the index.

    That is a fresh install (its first posts are queued and wait for an
    index); an index lost after it held posts needs `forum search rebuild`.
    """
    indexed_once = select(Post.id).where(Post.id.not_in(select(SearchOutbox.post_id))).limit(1)
    return session.scalar(indexed_once) is None


def _drain_locked(session: Session, index_dir: str, batch: int = BATCH) -> int:
    ix = _open_or_start(session, index_dir)
    if ix is None:
        return 0
    applied = 0
    while True:
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.post_id).order_by(SearchOutbox.id).limit(batch)
        ).all()
        if not rows:
            session.rollback()  # end the read transaction
            return applied
        post_ids = list(dict.fromkeys(row.post_id for row in rows))
        posts = {post.id: post for post in _load_posts(session, Post.id.in_(post_ids))}
        _write(ix, post_ids, posts)
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
        session.commit()
        session.expunge_all()
        applied += len(rows)


def pending(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def drain(session: Session, index_dir: str, *, wait: bool = False) -> int:
    """Apply the outbox to the index; return the rows applied.

    Without `wait`, a busy lock means another writer is at it and we leave.
    After letting go we look once more: a row committed while we held the
    lock may belong to a process that found the lock busy and left it to us.
    """
    applied = 0
    while True:
        with storage.writer_lock(index_dir, wait) as held:
            if not held:
                return applied
            applied += _drain_locked(session, index_dir)
        if not pending(session) or not storage.has_index(index_dir):
            session.rollback()
            return applied
        wait = False


def engine_of(session: Session) -> Engine:
    """The engine behind `session`, for the writer's sessions of its own."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def drain_with_engine(engine: Engine, index_dir: str) -> int:
    """drain() in a session of its own (the caller's session has just committed)."""
    with Session(engine) as session:
        return drain(session, index_dir)


def drain_soon(engine: Engine, index_dir: str) -> None:
    """Drain after a commit (forum/search/outbox.py queues it). The change is committed
    whatever happens here: if the drain fails, its rows wait for the next writer."""
    try:
        drain_with_engine(engine, index_dir)
    except Exception:
        log.exception("search index drain failed; the outbox keeps the work")


@dataclass
class RebuildReport:
    documents: int
    seconds: float


def rebuild(engine: Engine, index_dir: str, progress: Callable[[int], None] | None = None) -> RebuildReport:
    """Index every post into a new generation and swap it in; the old one serves until then.

    The new generation is written in one pass by forum/search/bulk.py (one segment per core
    for a large forum), not through Whoosh's per-document writer.
    """
    started = time.perf_counter()
    with storage.writer_lock(index_dir, wait=True), Session(engine) as session:
        covered = session.scalar(select(func.max(SearchOutbox.id))) or 0
        session.rollback()  # the posts are read on connections of their own
        generation = storage.new_generation(index_dir)
        try:
            documents = bulk.build(engine, whoosh_index.open_dir(generation), progress)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        storage.make_current(index_dir, generation)
        # Rows queued before we started reading are in the new index; later ones are replayed.
        session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        session.commit()
        _drain_locked(session, index_dir)
    # A change committed while we held the lock may have left its drain to us.
    drain_with_engine(engine, index_dir)
    return RebuildReport(documents, time.perf_counter() - started)


@dataclass
class CheckReport:
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    pending: int = 0
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def check(
    engine: Engine,
    index_dir: str,
    progress: Callable[[int], None] | None = None,
    fingerprints: Callable[[Session], dict[int, str]] | None = None,
) -> CheckReport:
    """Compare the index with the database: missing, stale (fingerprint differs) and orphaned documents.

    `fingerprints` reads the indexed documents' fingerprints by post id (default: the Whoosh index's).
    """
    with Session(engine) as session:
        indexed = fingerprints(session) if fingerprints else _whoosh_fingerprints(index_dir)
        return _check(session, indexed, progress)


def _whoosh_fingerprints(index_dir: str) -> dict[int, str]:
    ix = storage.open_index(index_dir)
    with ix.searcher() as searcher:
        return {int(f["id"]): f["fingerprint"] for f in searcher.reader().all_stored_fields()}


def _check(session: Session, indexed: dict[int, str], progress: Callable[[int], None] | None) -> CheckReport:
    report = CheckReport(pending=pending(session), documents=len(indexed))
    expected: set[int] = set()
    for covered, docs in documents(session.connection()):
        for doc in docs:
            post_id = int(doc["id"])
            expected.add(post_id)
            if post_id not in indexed:
                report.missing.append(post_id)
            elif indexed[post_id] != doc["fingerprint"]:
                report.stale.append(post_id)
        if progress:
            progress(covered)
    report.orphaned = sorted(set(indexed) - expected)
    session.rollback()
    return report
