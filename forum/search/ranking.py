"""Matching and ranking over the Whoosh index with NumPy, a whole posting list at a time.

Whoosh's own matchers step through postings one document at a time in pure
Python: a word that is in most posts ("quantum" on a quantum-computing
forum) costs a few microseconds per post, a quarter of a second at 100k
posts. Here each term's postings (document numbers and weights, decoded from
Whoosh's own segment files) become two NumPy arrays, and intersecting,
excluding, filtering and BM25 scoring are array operations.

A plan is a list of clauses: `required` ones a document must match (AND),
`optional` ones that only add to its score, `excluded` ones it must not
match, `alternatives` (groups of spellings of one word, of which a document
must match one) and `any_of` (for similar questions) where one match is enough.
A phrase is the AND of its words, then confirmed by their positions in
`content` (decoded with NumPy as well), for the documents that have them all.

Decoded postings are cached per process, keyed by segment: Whoosh never
changes a segment once written (deletions are read afresh each search), so a
new commit only adds segments and the cache stays valid across commits.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from forum.search.schema import PackedValues

# BM25's usual constants: how fast repeats of a word stop counting, and how much length matters.
K1 = 1.2
B = 0.75
# Decoded arrays kept per process, in 8-byte units: 4M is 32 MB, the most common terms of a large forum.
CACHE_POSTINGS = 4_000_000

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_INT64_MAX = int(np.iinfo(np.int64).max)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# Positions are below 2**16 (schema.MAX_POSITION); a phrase's document and start make one key.
_POSITION_SPAN = 1 << 20


@dataclass(frozen=True)
class Clause:
    """One term of one field (`term`), or a phrase (`phrase`: its terms, in a row)."""

    field: str
    term: str = ""
    phrase: tuple[str, ...] = ()
    boost: float = 1.0

    def scored_terms(self) -> list[tuple[str, str]]:
        if not self.phrase:
            return [(self.field, self.term)]
        return [(self.field, word) for word in dict.fromkeys(self.phrase)]


@dataclass
class Plan:
    """What to match (see the module docstring for each kind of clause)."""

    required: list[Clause] = field(default_factory=list)
    optional: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    alternatives: list[tuple[Clause, ...]] = field(default_factory=list)
    any_of: list[Clause] = field(default_factory=list)
    # Global document numbers the narrowing operators allow, ascending (None: no narrowing).
    allowed: np.ndarray | None = None


@dataclass
class Ranked:
    doc_numbers: list[int]
    total: int


class _Cache:
    """A least-recently-used map whose size is counted in postings, shared by a process's threads."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        """(value, size) as put, or None."""
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value, size: int) -> None:
        with self.lock:
            if key in self.items or size > self.capacity:
                return
            self.items[key] = (value, size)
            self.size += size
            while self.size > self.capacity:
                _, (_, dropped) = self.items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


_postings = _Cache(CACHE_POSTINGS)
_segment_arrays = _Cache(64 * 1_000_000)  # lengths and sort columns: a byte to 8 per document


def forget() -> None:
    """Drop every cached array (tests; a rebuilt index gets new segment ids anyway)."""
    _postings.clear()
    _segment_arrays.clear()


def _segment_key(reader) -> str:
    return reader.segment().segment_id()


def postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (ascending, segment-local) and weights of one term in one segment."""
    return _decoded(reader, "postings", fieldname, text, _decode, (_EMPTY_IDS, _EMPTY_WEIGHTS))


def _decoded(reader, kind: str, fieldname: str, text: str, decode, empty):
    """decode(matcher) (a tuple of arrays) of one term in one segment, cached per process."""
    key = (_segment_key(reader), kind, fieldname, text)
    found = _postings.get(key)
    if found is not None:
        return found[0]
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return empty
    decoded = decode(matcher)
    _postings.put(key, decoded, sum(array.nbytes for array in decoded) // 8)
    return decoded


def _decode(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Every posting of a Whoosh 2.7 W3 leaf matcher, a block at a time.

    This reads the matcher's block attributes (whoosh-reloaded is pinned):
    `block_*` and `_next_block` are how Whoosh itself walks a posting list.
    """
    inner = getattr(matcher, "child", matcher)  # a segment with deletions wraps its matcher
    id_blocks, weight_blocks = [], []
    while inner.is_active():
        id_blocks.append(_block_ids(inner))
        weights = inner._data[1]  # None (all 1.0), one float for all, or one per posting
        if weights is None or isinstance(weights, float):
            weight_blocks.append(np.full(inner._blocklength, 1.0 if weights is None else weights, np.float32))
        else:
            weight_blocks.append(np.asarray(weights, dtype=np.float32))
        inner._next_block()
    if not id_blocks:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


def _block_ids(inner) -> np.ndarray:
    """The document numbers of the matcher's current block, from its gaps (Whoosh's own reader
    adds them up one by one in Python)."""
    if inner._data is None:
        inner._read_data()
    return np.cumsum(np.asarray(inner._data[0], dtype=np.int64))


def _per_document(reader, kind: str, fieldname: str, build) -> np.ndarray:
    """One value per document of the segment (from `build()`), built once per process."""
    key = (_segment_key(reader), kind, fieldname)
    found = _segment_arrays.get(key)
    if found is not None:
        return found[0]
    values = build()
    _segment_arrays.put(key, values, len(values))
    return values


def _packed(found, count: int) -> np.ndarray:
    """A numeric column's values as int64: packed big-endian, one per document, then its default.

    (An unsigned column's "no value" default is 2**64 - 1: clipped, it still sorts last.)
    """
    values = np.empty(count, dtype=np.int64)
    stored = found._dbfile.get(found._basepos, found._count * found._fixedlen)
    raw = np.frombuffer(stored, dtype=">" + found._typecode)[:count]
    if raw.dtype.kind == "u":
        raw = np.minimum(raw.astype(np.uint64), np.uint64(_INT64_MAX))
    values[: len(raw)] = raw
    values[len(raw) :] = min(found._default, _INT64_MAX)
    return values


def _lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length in `fieldname` (Whoosh keeps it as one byte, lossy above 100)."""

    def build() -> np.ndarray:
        found = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if found is None:
            return np.zeros(reader.doc_count_all(), dtype=np.float32)
        return _LENGTH_OF_BYTE[_packed(found, reader.doc_count_all())]

    return _per_document(reader, "length", fieldname, build)


def column(reader, fieldname: str) -> np.ndarray:
    """A sortable column (created_at, score) of one segment as an int64 array."""

    def build() -> np.ndarray:
        if not reader.has_column(fieldname):
            return np.zeros(reader.doc_count_all(), dtype=np.int64)
        return _packed(reader.column_reader(fieldname, translate=False), reader.doc_count_all())

    return _per_document(reader, "column", fieldname, build)


def _deleted(reader) -> np.ndarray | None:
    """The segment's deleted document numbers, or None when it has none."""
    if not reader.has_deletions():
        return None
    return np.fromiter(reader.deleted_docs_set, dtype=np.int64)


@dataclass
class _Stats:
    """Index-wide figures BM25 needs, read once per search."""

    searcher: Searcher
    idf_cache: dict = field(default_factory=dict)
    avg_cache: dict = field(default_factory=dict)

    def idf(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        if key not in self.idf_cache:
            total = self.searcher.doc_count_all()
            df = self.searcher.doc_frequency(fieldname, text)
            self.idf_cache[key] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return self.idf_cache[key]

    def avg_length(self, fieldname: str) -> float:
        if fieldname not in self.avg_cache:
            total = self.searcher.doc_count_all()
            self.avg_cache[fieldname] = (self.searcher.field_length(fieldname) / total) if total else 1.0
        return self.avg_cache[fieldname] or 1.0


def _term_scores(reader, stats: _Stats, fieldname: str, text: str, boost: float):
    """(ids, BM25 scores) of one term in one segment."""
    ids, weights = postings(reader, fieldname, text)
    if not len(ids):
        return ids, weights
    lengths = _lengths(reader, fieldname)[ids]
    norm = K1 * ((1 - B) + B * lengths / stats.avg_length(fieldname))
    scores = stats.idf(fieldname, text) * boost * weights * (K1 + 1) / (weights + norm)
    return ids, scores.astype(np.float32)


def _add_where_present(candidates: np.ndarray, scores: np.ndarray, ids: np.ndarray, term_scores):
    """Add `term_scores` (for `ids`) to the candidates that are among `ids`; a mask of those found."""
    if not len(ids) or not len(candidates):
        return np.zeros(len(candidates), dtype=bool)
    where = np.searchsorted(ids, candidates)
    where[where == len(ids)] = 0
    found = ids[where] == candidates
    scores[found] += term_scores[where[found]]
    return found


def _clause_matches(
    reader, stats: _Stats, clause: Clause, candidates: np.ndarray | None, scores
) -> tuple[np.ndarray, np.ndarray]:
    """Narrow `candidates` (None: none yet) to the clause's documents, adding its scores.

    A phrase is first the documents with all its words (ranked by the words' own
    scores), then those where the words' positions follow each other.
    """
    for fieldname, text in clause.scored_terms():
        ids, term_scores = _term_scores(reader, stats, fieldname, text, clause.boost)
        if candidates is None:
            candidates, scores = ids, term_scores.copy()
            continue
        found = _add_where_present(candidates, scores, ids, term_scores)
        candidates, scores = candidates[found], scores[found]
    if candidates is None:  # not reached: a clause has a term, a phrase two words (query._clause)
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if clause.phrase and len(candidates):
        confirmed = confirm_phrase(reader, clause.field, clause.phrase, candidates)
        candidates, scores = candidates[confirmed], scores[confirmed]
    return candidates, scores


def positions(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One term's document numbers in one segment, where each one's positions start in the
    third array, and those positions (ascending within a document), decoded a block at a time."""
    return _decoded(reader, "positions", fieldname, text, _decode_positions, (_EMPTY_IDS,) * 3)


def _decode_positions(matcher) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inner = getattr(matcher, "child", matcher)
    id_blocks, data, sizes = [], [], []
    while inner.is_active():
        id_blocks.append(_block_ids(inner))
        inner._read_values()
        values = inner._values
        if isinstance(values, PackedValues):  # written by `forum search rebuild` (bulk.py)
            data.append(values.data)
            sizes.append(np.frombuffer(values.counts, dtype="<u2").astype(np.int64) * 2)
        else:  # written by Whoosh's writer (the outbox): a tuple of bytes
            data.extend(values)
            sizes.append(np.fromiter(map(len, values), dtype=np.int64, count=len(values)))
        inner._next_block()
    ids = np.concatenate(id_blocks) if id_blocks else _EMPTY_IDS
    counts = np.concatenate(sizes).astype(np.int64) // 2 if sizes else _EMPTY_IDS
    gaps = np.frombuffer(b"".join(data), dtype="<u2").astype(np.int64)
    starts = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # Each document's gaps add up from 0: a running sum, less the sum before the document began.
    running = np.cumsum(gaps)
    before = np.concatenate(([0], running))[starts[:-1]]
    found_positions = running - np.repeat(before, counts)
    return ids, starts, found_positions


def confirm_phrase(reader, fieldname: str, words: tuple[str, ...], candidates: np.ndarray) -> np.ndarray:
    """A mask of the candidates (which have every word) where `words` come one after another."""
    width = len(words)
    keys: np.ndarray | None = None
    for offset, word in enumerate(words):
        ids, starts, term_positions = positions(reader, fieldname, word)
        where = np.minimum(np.searchsorted(ids, candidates), max(len(ids) - 1, 0))
        present = (ids[where] == candidates) if len(ids) else np.zeros(len(candidates), dtype=bool)
        chosen = where[present]
        counts = starts[chosen + 1] - starts[chosen]
        first = np.repeat(starts[chosen], counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        # A phrase that starts at `p` has its word number `offset` at p + offset.
        word_keys = np.repeat(candidates[present], counts) * _POSITION_SPAN + (
            term_positions[first + within] + (width - offset)
        )
        keys = word_keys if keys is None else keys[np.isin(keys, word_keys)]
        if not len(keys):
            return np.zeros(len(candidates), dtype=bool)
    assert keys is not None
    return np.isin(candidates, keys // _POSITION_SPAN)


def _segment_matches(reader, stats: _Stats, plan: Plan, allowed_local: np.ndarray | None):
    """(candidates, scores) of one segment: ascending segment-local document numbers."""
    # No candidates yet (None); `scores` is read only once there are.
    candidates: np.ndarray | None = None
    scores = _EMPTY_WEIGHTS
    # The clause with the fewest postings first: every later one only looks its candidates up.
    for clause in sorted(plan.required, key=lambda c: _size(reader, c)):
        candidates, scores = _clause_matches(reader, stats, clause, candidates, scores)
        if not len(candidates):
            return candidates, scores
    for group in (*plan.alternatives, plan.any_of):
        if not group:
            continue
        union_ids, union_scores = [], []
        for clause in group:
            ids, term_scores = _clause_matches(reader, stats, clause, None, None)
            union_ids.append(ids)
            union_scores.append(term_scores)
        merged, inverse = np.unique(np.concatenate(union_ids), return_inverse=True)
        summed = np.zeros(len(merged), dtype=np.float32)
        np.add.at(summed, inverse, np.concatenate(union_scores))
        if candidates is None:
            candidates, scores = merged, summed
        else:
            found = _add_where_present(candidates, scores, merged, summed)
            candidates, scores = candidates[found], scores[found]
        if not len(candidates):
            return candidates, scores
    if candidates is None:  # only narrowing operators: every document they allow
        candidates = allowed_local if allowed_local is not None else np.arange(reader.doc_count_all())
        scores = np.zeros(len(candidates), dtype=np.float32)
    elif allowed_local is not None:
        keep = np.isin(candidates, allowed_local, assume_unique=True)
        candidates, scores = candidates[keep], scores[keep]
    for clause in plan.excluded:
        if not len(candidates):
            break
        ids, _ = _clause_matches(reader, stats, clause, None, None)
        keep = ~np.isin(candidates, ids, assume_unique=True)
        candidates, scores = candidates[keep], scores[keep]
    deleted = _deleted(reader)
    if deleted is not None and len(candidates):
        keep = ~np.isin(candidates, deleted)
        candidates, scores = candidates[keep], scores[keep]
    for clause in plan.optional:
        for fieldname, text in clause.scored_terms():
            ids, term_scores = _term_scores(reader, stats, fieldname, text, clause.boost)
            _add_where_present(candidates, scores, ids, term_scores)
    return candidates, scores


def _size(reader, clause: Clause) -> int:
    return min((reader.doc_frequency(f, t) for f, t in clause.scored_terms()), default=0)


def rank(searcher: Searcher, plan: Plan, limit: int, sort: str = "relevance") -> Ranked:
    """The first `limit` global document numbers of `plan`'s matches in `sort` order, and how many match."""
    stats = _Stats(searcher)
    found_ids, found_scores, found_newest, found_votes = [], [], [], []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.segment() is None:
            continue  # an index with no segment yet
        allowed_local = None
        if plan.allowed is not None:
            begin, end = np.searchsorted(plan.allowed, [offset, offset + reader.doc_count_all()])
            allowed_local = plan.allowed[begin:end] - offset
        candidates, scores = _segment_matches(reader, stats, plan, allowed_local)
        if not len(candidates):
            continue
        found_ids.append(candidates + offset)
        found_scores.append(scores)
        if sort != "relevance":
            found_newest.append(column(reader, "created_at")[candidates])
            if sort == "votes":
                found_votes.append(column(reader, "score")[candidates])
    if not found_ids:
        return Ranked([], 0)
    ids = np.concatenate(found_ids)
    total = len(ids)
    keys: tuple[np.ndarray, ...]
    if sort == "relevance":
        # Best score first; among equals, the newest (the higher document number) first.
        keys = (-ids, -np.concatenate(found_scores))
    elif sort == "newest":
        keys = (-ids, -np.concatenate(found_newest))
    else:
        keys = (-ids, -np.concatenate(found_newest), -np.concatenate(found_votes))
    if total > limit * 4:  # order only what can reach the page
        primary = keys[-1]
        threshold = primary[np.argpartition(primary, limit - 1)[:limit]].max()
        keep = primary <= threshold
        ids, keys = ids[keep], tuple(k[keep] for k in keys)
    order = np.lexsort(keys)[:limit]
    return Ranked(ids[order].tolist(), total)
