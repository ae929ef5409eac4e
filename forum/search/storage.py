"""Where the index lives on disk, who may write it, and opening it for reading.

INDEX_DIR holds generations (`gen-*` folders) and a `current` symlink naming
the live one; a rebuild fills a new generation and swaps the link in one
atomic rename, so readers see the old index until the new one is complete.

Writers take `writer.lock` with flock(2) before opening a Whoosh writer. The
lock protects the index folder, which is what the writers share (a database
advisory lock would not cover two databases pointed at one folder, and
flock works the same on SQLite and PostgreSQL). The kernel drops it when its
process dies, so a killed writer never leaves the index locked; Whoosh's own
WRITELOCK is flock-based too and is only ever taken by the lock holder, so
no process meets Whoosh's LockError.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.query import Query
from whoosh.searching import Searcher

from forum.search.schema import build_schema

CURRENT = "current"
LOCK_FILE = "writer.lock"


class SearchUnavailable(Exception):
    """The index is missing, unreadable or from an older release ("missing", "corrupt", "outdated")."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"search index {reason}{': ' + detail if detail else ''}")


def current_path(index_dir: str) -> str:
    return os.path.join(index_dir, CURRENT)


def has_index(index_dir: str) -> bool:
    try:
        open_index(index_dir).close()
    except SearchUnavailable:
        return False
    return True


def open_index(index_dir: str) -> Index:
    path = current_path(index_dir)
    if not os.path.isdir(path) or not any(name.endswith(".toc") for name in os.listdir(path)):
        raise SearchUnavailable("missing")
    try:
        ix = whoosh_index.open_dir(path)
    except Exception as error:  # Whoosh raises many kinds for a damaged folder
        raise SearchUnavailable("corrupt", str(error)) from error
    if _layout(ix.schema) != _layout(build_schema()):
        ix.close()  # built by an older release: its fields are not the ones this code reads
        raise SearchUnavailable("outdated", "the fields differ from this release's; rebuild it")
    return ix


def _layout(schema) -> dict[str, tuple[str, str]]:
    """Each field's type and posting format: what must match for this code to read an index."""
    return {name: (type(f).__name__, type(f.format).__name__) for name, f in schema.items()}


def new_generation(index_dir: str) -> str:
    """An empty folder for a new index generation (not yet live)."""
    os.makedirs(index_dir, exist_ok=True)
    path = os.path.join(index_dir, f"gen-{time.time_ns()}-{os.getpid()}")
    os.makedirs(path)
    whoosh_index.create_in(path, build_schema())
    return path


def make_current(index_dir: str, generation: str) -> None:
    """Point `current` at `generation` atomically, then drop the generations no longer live."""
    link = os.path.join(index_dir, f".current-{os.getpid()}")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.basename(generation), link)
    os.replace(link, current_path(index_dir))
    live = os.path.basename(generation)
    for name in os.listdir(index_dir):
        if name.startswith("gen-") and name != live:
            # Open searchers keep their files (Linux unlinks lazily); new ones see the new link.
            shutil.rmtree(os.path.join(index_dir, name), ignore_errors=True)


@contextmanager
def writer_lock(index_dir: str, wait: bool) -> Iterator[bool]:
    """Yield True while this process is the one index writer, or False when another is."""
    os.makedirs(index_dir, exist_ok=True)
    fd = os.open(os.path.join(index_dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# Idle searchers per index folder, shared by the process's threads or greenlets: a request
# takes one, uses it alone (a Whoosh searcher is not safe to share) and gives it back.
# A per-thread cache would open a new searcher for every gevent greenlet.
_idle: dict[str, list[tuple[str, Index, Searcher]]] = {}
_idle_lock = threading.Lock()
MAX_IDLE_SEARCHERS = 8


def _take(index_dir: str) -> tuple[str, Index, Searcher] | None:
    with _idle_lock:
        pool = _idle.get(index_dir)
        return pool.pop() if pool else None


def _give_back(index_dir: str, entry: tuple[str, Index, Searcher]) -> None:
    with _idle_lock:
        pool = _idle.setdefault(index_dir, [])
        if len(pool) < MAX_IDLE_SEARCHERS:
            pool.append(entry)
            return
    _close_quietly(entry[2])


@contextmanager
def searcher(index_dir: str) -> Iterator[Searcher]:
    """A searcher on the live index, reused across requests until the index changes.

    Opening a searcher reads the index's table of contents; checking whether
    it is still current costs a directory listing. (Whoosh's own
    Searcher.refresh() can keep a segment's old deletions, so a changed index
    gets a fresh searcher instead.)
    """
    target = os.path.realpath(current_path(index_dir))
    cached = _take(index_dir)
    if cached is not None:
        cached_target, ix, current = cached
        try:
            fresh = cached_target == target and ix.latest_generation() == current.reader().generation()
        except Exception:  # the generation folder went away under us
            fresh = False
        if not fresh:
            _close_quietly(current)
            cached = None
    if cached is None:
        ix = open_index(index_dir)
        try:
            current = ix.searcher()
        except Exception as error:
            raise SearchUnavailable("corrupt", str(error)) from error
    try:
        yield current
    except BaseException:
        _close_quietly(current)  # it may be what broke; the next request opens a new one
        raise
    _give_back(index_dir, (target, ix, current))


# Narrowing operators (score:, answers:, is:, user:...) take few distinct values, so the
# documents each combination allows are kept per searcher; a changed index gets a new searcher.
FILTER_CACHE_SIZE = 32


def matching_docs(current: Searcher, narrowing: Query) -> np.ndarray:
    """The document numbers `narrowing` matches (ascending), remembered for the searcher's life."""
    key = repr(narrowing)
    docs = remembered(current, "filters", key)
    if not isinstance(docs, np.ndarray):  # None: not remembered yet
        docs = np.fromiter(current.docs_for_query(narrowing), dtype=np.int64)
        docs.sort()
        remember(current, "filters", key, docs, FILTER_CACHE_SIZE)
    return docs


def remembered(current: Searcher, kind: str, key: object) -> object | None:
    """What `remember` kept on this searcher under `key`, or None."""
    cache: OrderedDict = current.__dict__.setdefault(f"_forum_{kind}", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    return None


def remember(current: Searcher, kind: str, key: object, value: object, size: int) -> None:
    """Keep `value` on the searcher (so it goes with its index generation), least recent out first."""
    cache: OrderedDict = current.__dict__.setdefault(f"_forum_{kind}", OrderedDict())
    cache[key] = value
    while len(cache) > size:
        cache.popitem(last=False)


@contextmanager
def reading(index_dir: str) -> Iterator[None]:
    """Turn a failure inside Whoosh while reading into SearchUnavailable("corrupt")."""
    try:
        yield
    except (SearchUnavailable, ValueError):
        raise
    except Exception as error:
        forget_searchers()
        raise SearchUnavailable("corrupt", str(error)) from error


def _idle_searchers() -> list[Searcher]:
    with _idle_lock:
        return [entry[2] for pool in _idle.values() for entry in pool]


def forget_pages() -> None:
    """Drop the result pages remembered on the idle searchers (the benchmark's second pass)."""
    for idle in _idle_searchers():
        idle.__dict__.pop("_forum_pages", None)


def forget_searchers() -> None:
    """Close the idle searchers (tests, and before a folder is removed)."""
    with _idle_lock:
        entries = [entry for pool in _idle.values() for entry in pool]
        _idle.clear()
    for _, _, idle in entries:
        _close_quietly(idle)


def _close_quietly(s: Searcher) -> None:
    with contextlib.suppress(Exception):  # closing a searcher on a removed generation is harmless
        s.close()
