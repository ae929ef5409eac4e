"""A whole index written in one pass, for `forum search rebuild`.

Whoosh's own writer handles a document at a time: it analyses each field in
Python, pools every posting as a tuple, sorts the pool and hands the
postings one by one to the codec. That is right for the outbox's handful of
changes and ten times too slow to rebuild a large forum.

Here every document of the rebuild is read once: `content` and `title` are
split into words with one regular expression per post (C speed) and their
terms looked up in a dictionary; the other fields go through their Whoosh
field object, remembered per value. Each term then gets a number, and the
postings of a field are arrays sorted once with NumPy. The segment is
written through Whoosh's own codec (W3Codec: its per-document writer, its
terms table and its postings writer's block format), a block of postings at
a time instead of a posting at a time, so Whoosh, ranking.py and the
outbox's later commits read it like any other segment.

What each field gets must be exactly what Whoosh's writer would give it:
tests/search/test_bulk.py builds the same posts both ways and compares every
term, posting, position, length, stored field and column.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pickle import dumps

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.fields import FieldType
from whoosh.index import TOC, Index, clean_files
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from forum.models import Post
from forum.search.analysis import WORD_PATTERN, ZWNJ, index_term
from forum.search.schema import MAX_POSITION, documents

# Postings per block: Whoosh's W3Codec default, which its readers expect nothing of but
# ranking.py's decoding is tuned to.
BLOCK = 128
# Fields whose words are read here with the fast path below: they use the forum's analyzers.
WORD_FIELDS = ("content", "title")


class _Vocabulary(dict):
    """Term text -> term number, numbering each new term as it is first looked up."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


class _WordNumbers(dict):
    """A word as written -> its term's number (analysis.index_term, looked up once per spelling)."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        number = self[word] = self.vocabulary[index_term(word)]
        return number


@dataclass
class _WordPostings:
    """Every (term, document, position) of one word field, in the order read."""

    vocabulary: _Vocabulary = field(default_factory=_Vocabulary)
    terms: array = field(default_factory=lambda: array("i"))
    positions: array = field(default_factory=lambda: array("i"))
    counts: array = field(default_factory=lambda: array("i"))  # tokens per document

    def __post_init__(self) -> None:
        self.numbers = _WordNumbers(self.vocabulary)

    def add(self, tokens: list[tuple[str, int]] | None, words: list[str] | None) -> None:
        """One document's tokens: `words` in order (their positions count from 0), or, for text
        with a ZWNJ, the analyzer's own (term, position) pairs."""
        if words is not None:
            self.terms.extend(map(self.numbers.__getitem__, words))
            self.positions.extend(range(len(words)))
            self.counts.append(len(words))
        else:
            assert tokens is not None
            self.terms.extend(self.vocabulary[term] for term, _ in tokens)
            self.positions.extend(position for _, position in tokens)
            self.counts.append(len(tokens))


@dataclass
class _OtherPostings:
    """Postings of the other indexed fields: (term bytes, document, weight, value) per posting."""

    items: list[tuple[bytes, int, float, bytes]] = field(default_factory=list)


def _words(fieldobj: FieldType, text: str) -> tuple[list[tuple[str, int]] | None, list[str] | None]:
    """A word field's tokens: the fast path (every word one position) unless the text holds a
    ZWNJ, whose words the analyzer itself splits and joins (analysis.WordTokenizer)."""
    if ZWNJ not in text:
        return None, WORD_PATTERN.findall(text)
    return [(token.text, token.pos) for token in fieldobj.analyzer(text, positions=True)], None


@dataclass
class BulkReport:
    documents: int


class SegmentBuilder:
    """Reads documents (schema.document dicts) into memory, then writes them as one segment."""

    def __init__(self, ix: Index) -> None:
        self.ix = ix
        self.schema = ix.schema
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(ix.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(ix.storage, self.segment)
        self.doccount = 0
        self.words = {name: _WordPostings() for name in WORD_FIELDS}
        self.boosts = array("d")
        self.others: dict[str, _OtherPostings] = {}
        self.lengths: dict[str, array] = {}  # scorable fields other than the word fields
        self._indexed: dict[tuple[str, object], list] = {}  # (field, value) -> its index() items
        self._fieldnames = sorted(self.schema.names())

    def add(self, doc: dict) -> None:
        docnum = self.doccount
        boost = float(doc.get("_boost", 1.0))
        self.boosts.append(boost)
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        for fieldname in self._fieldnames:
            value = doc.get(fieldname)
            if value is None:
                continue
            fieldobj = self.schema[fieldname]
            length = 0
            if fieldname in self.words:
                tokens, words = _words(fieldobj, value)
                self.words[fieldname].add(tokens, words)
                length = len(words) if words is not None else len(tokens)  # type: ignore[arg-type]
                length -= self._dropped(fieldname)
            elif fieldobj.indexed:
                key = (fieldname, value)
                items = self._indexed.get(key)
                if items is None:
                    items = list(fieldobj.index(value))
                    if len(self._indexed) < 200_000:
                        self._indexed[key] = items
                postings = self.others.setdefault(fieldname, _OtherPostings()).items
                for btext, freq, weight, vbytes in items:
                    postings.append((btext, docnum, weight * boost, vbytes))
                    if fieldobj.scorable:
                        length += freq
                if fieldobj.scorable:
                    self.lengths.setdefault(fieldname, array("i")).append(length)
            perdoc.add_field(fieldname, fieldobj, value if fieldobj.stored else None, length)
            column = fieldobj.column_type
            if column:
                perdoc.add_column_value(fieldname, column, fieldobj.to_column_value(value))
        perdoc.finish_doc()
        self.doccount += 1

    def _dropped(self, fieldname: str) -> int:
        """How many of the document just added were words with no term (the analyzer drops them)."""
        postings = self.words[fieldname]
        count = postings.counts[-1]
        if not count:
            return 0
        empty = postings.vocabulary.get("")
        if empty is None:
            return 0
        return postings.terms[len(postings.terms) - count :].count(empty)

    def write(self):
        """Write the postings and close the segment (the caller lists it in the index's table of
        contents); None when no document was added."""
        if not self.doccount:
            self.perdoc.close()
            return None
        self.segment.set_doc_count(self.doccount)
        self.perdoc.close()
        fieldwriter = self.codec.field_writer(self.ix.storage, self.segment)
        boosts = np.frombuffer(self.boosts, dtype=np.float64)
        for fieldname in sorted({*self.words, *self.others}):
            fieldobj = self.schema[fieldname]
            if fieldname in self.words:
                self._write_words(fieldwriter, fieldname, fieldobj, boosts)
            else:
                self._write_others(fieldwriter, fieldname, fieldobj)
        fieldwriter.close()
        self.segment.create_compound_file(self.ix.storage)
        self.segment.compound = True
        return self.segment

    def _doc_lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in a field as Whoosh reads it back (one byte, lossy)."""
        if fieldname in self.words:
            postings = self.words[fieldname]
            counts = np.frombuffer(postings.counts, dtype=np.int32).astype(np.int64)
            empty = postings.vocabulary.get("")
            if empty is not None:
                terms = np.frombuffer(postings.terms, dtype=np.int32)
                owners = np.repeat(np.arange(len(counts)), counts)
                counts = counts - np.bincount(owners[terms == empty], minlength=len(counts))
        else:
            counts = np.frombuffer(self.lengths.get(fieldname, array("i")), dtype=np.int32).astype(np.int64)
        as_bytes = np.array([length_to_byte(int(n)) for n in np.unique(counts)], dtype=np.int64)
        decoded = np.array([byte_to_length(int(b)) for b in as_bytes], dtype=np.int64)
        return decoded[np.searchsorted(np.unique(counts), counts)]

    def _write_words(self, fieldwriter, fieldname: str, fieldobj: FieldType, boosts: np.ndarray) -> None:
        postings = self.words[fieldname]
        if not len(postings.terms):
            return
        vocabulary = list(postings.vocabulary)
        encoded = [term.encode("utf-8") for term in vocabulary]
        order = sorted(range(len(vocabulary)), key=encoded.__getitem__)
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[order] = np.arange(len(vocabulary))
        counts = np.frombuffer(postings.counts, dtype=np.int32)
        terms = rank[np.frombuffer(postings.terms, dtype=np.int32)]
        docs = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        positions = np.minimum(
            np.frombuffer(postings.positions, dtype=np.int32).astype(np.int64), MAX_POSITION
        )
        empty = postings.vocabulary.get("")
        if empty is not None:
            keep = terms != rank[empty]
            terms, docs, positions = terms[keep], docs[keep], positions[keep]
        # Sorted by term, then document, then position; a posting is a run of one (term, document).
        by = np.lexsort((positions, docs, terms))
        terms, docs, positions = terms[by], docs[by], positions[by]
        key = terms * (self.doccount + 1) + docs
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        ends = np.append(starts[1:], len(key))
        posting_terms, posting_docs = terms[starts], docs[starts]
        freqs = (ends - starts).astype(np.float64)
        lengths = self._doc_lengths(fieldname)[posting_docs]
        field_boost = fieldobj.format.field_boost
        weights = (freqs * field_boost * boosts[posting_docs]).astype(np.float32)
        if fieldobj.format.supports("positions"):
            # Positions are kept unique per posting (PackedPositions.encode), gaps from 0.
            distinct = np.concatenate(([True], (key[1:] != key[:-1]) | (positions[1:] != positions[:-1])))
            kept_key, kept_positions = key[distinct], positions[distinct]
            first = np.concatenate(([True], kept_key[1:] != kept_key[:-1]))
            gaps = np.where(first, kept_positions, np.diff(kept_positions, prepend=0)).astype("<u2")
            value_ends = np.append(np.flatnonzero(first)[1:], len(kept_key)) * 2
            value_starts = np.flatnonzero(first) * 2
            buffer = gaps.tobytes()
            values = [buffer[a:b] for a, b in zip(value_starts.tolist(), value_ends.tolist(), strict=True)]
            # Whoosh counts every position in the frequency, and so in the weight and length.
        else:
            values = [pack_uint(frequency) for frequency in freqs.astype(np.int64).tolist()]  # Frequency
        term_starts = np.flatnonzero(np.concatenate(([True], posting_terms[1:] != posting_terms[:-1])))
        term_ends = np.append(term_starts[1:], len(posting_terms))
        doc_list, weight_list, length_list = posting_docs.tolist(), weights.tolist(), lengths.tolist()
        gap_list = np.diff(posting_docs, prepend=0).tolist()
        term_list = posting_terms.tolist()
        fieldwriter.start_field(fieldname, fieldobj)
        for begin, end in zip(term_starts.tolist(), term_ends.tolist(), strict=True):
            _write_term(
                fieldwriter, encoded[order[term_list[begin]]], doc_list[begin:end], gap_list[begin:end],
                weight_list[begin:end], values[begin:end], length_list[begin:end],
            )  # fmt: skip
        fieldwriter.finish_field()

    def _write_others(self, fieldwriter, fieldname: str, fieldobj: FieldType) -> None:
        items = self.others[fieldname].items
        if not items:
            return
        items.sort(key=lambda item: (item[0], item[1]))
        lengths = self._doc_lengths(fieldname).tolist() if fieldobj.scorable else None
        weights = np.array([item[2] for item in items], dtype=np.float32).tolist()  # as Whoosh keeps them
        fieldwriter.start_field(fieldname, fieldobj)
        begin = 0
        while begin < len(items):
            btext = items[begin][0]
            end = begin + 1
            while end < len(items) and items[end][0] == btext:
                end += 1
            docs = [item[1] for item in items[begin:end]]
            gaps = [docs[0], *(b - a for a, b in zip(docs, docs[1:], strict=False))]
            _write_term(
                fieldwriter, btext, docs, gaps, weights[begin:end], [item[3] for item in items[begin:end]],
                [lengths[doc] for doc in docs] if lengths is not None else [0] * len(docs),
            )  # fmt: skip
            begin = end
        fieldwriter.finish_field()


# Whoosh compresses every block; a block whose pickle is shorter than this is written as it
# is (each block says whether it is compressed), as zlib would only make it longer.
COMPRESS_FROM_BYTES = 64
# zlib's fastest level: a third of the time of Whoosh's level 3, for a few percent more bytes.
COMPRESSION = 1
# Whoosh pickles a block with protocol 2, which writes each bytes value (a posting's positions)
# as a call that decodes a string; its reader takes any protocol, and 5 writes bytes as bytes.
PICKLE_PROTOCOL = 5


def _write_term(
    fieldwriter,
    btext: bytes,
    doc_list: list[int],
    gaps: list[int],
    weight_list: list[float],
    values: list[bytes],
    length_list: list[int],
) -> None:
    """One term's postings in W3Codec's block format (W3PostingsWriter._write_block: a header,
    then per block its length, a pickled info tuple and the pickled, compressed data), and its
    row in the terms table: the documents, each one's gap from the one before (the first of a
    block is replaced by the document itself), weight, value and length in the field."""
    postfile = fieldwriter._postfile
    fixed = fieldwriter._format.fixed_value_size()
    total = len(doc_list)
    terminfo = W3TermInfo()
    chunks = [WHOOSH3_HEADER_MAGIC]
    minlength = None
    for begin in range(0, total, BLOCK):
        end = min(begin + BLOCK, total)
        block_gaps = gaps[begin:end]
        block_gaps[0] = doc_list[begin]  # each block's gaps start from 0
        block_weights = weight_list[begin:end]
        first = block_weights[0]
        packed_weights: float | tuple[float, ...] | None
        if block_weights.count(first) == len(block_weights):
            packed_weights = None if first == 1.0 else first
        else:
            packed_weights = tuple(block_weights)
        packed_values: bytes | tuple[bytes, ...] | None
        if fixed == 0:
            packed_values = None
        elif fixed is None or fixed < 0:
            packed_values = tuple(values[begin:end])
        else:
            packed_values = b"".join(values[begin:end])
        data = dumps((tuple(block_gaps), packed_weights, packed_values), PICKLE_PROTOCOL)
        compression = COMPRESSION if len(data) >= COMPRESS_FROM_BYTES else 0
        if compression:
            data = zlib.compress(data, compression)
        block_lengths = length_list[begin:end]
        present = [length for length in block_lengths if length]
        block_min = min(present) if present else None
        block_max = max(block_lengths)
        max_weight = max(0, max(block_weights))
        info = dumps(
            (end - begin, doc_list[end - 1], max_weight, compression,
             length_to_byte(block_min), length_to_byte(block_max)),
            2,
        )  # fmt: skip
        size = len(info) + len(data)
        chunks += (pack_int(-size if end == total else size), info, data)
        terminfo._weight += sum(block_weights)
        if block_min is not None:
            minlength = block_min if minlength is None else min(minlength, block_min)
        terminfo._maxlength = max(terminfo._maxlength, block_max)
        terminfo._maxweight = max(terminfo._maxweight, max_weight)
    terminfo._df = total
    terminfo._minlength = minlength
    terminfo._minid, terminfo._maxid = doc_list[0], doc_list[-1]
    written = b"".join(chunks)
    terminfo.set_extent(postfile.tell(), len(written))
    postfile.write(written)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + btext, terminfo.to_bytes())


# Below this many posts one process writes the index faster than starting a second would save.
PARALLEL_FROM_POSTS = 5000


def build(engine: Engine, ix: Index, progress: Callable[[int], None] | None = None) -> int:
    """Write every searchable post into `ix`, an empty index; return how many were written.

    A large forum is split into one range of post ids per core (up to 4), each read and
    written as its own segment by a process of its own; the table of contents then lists
    the segments in id order, so document numbers follow post ids as Whoosh's writer would.
    """
    ranges = _id_ranges(engine)
    if len(ranges) == 1:
        segment, written = _build_range(engine, ix, ranges[0], progress)
        segments = [segment] if segment is not None else []
    else:
        segments, written = _build_in_processes(engine, ix, ranges, progress)
    if segments:
        generation = ix.latest_generation() + 1
        TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, generation, segments)  # the empty index's table
    # The per-document writers' scratch folder (Whoosh's own writer removes its own).
    shutil.rmtree(os.path.join(ix.storage.folder, f"{ix.indexname}.tmp"), ignore_errors=True)
    return written


def _id_ranges(engine: Engine) -> list[tuple[int, int | None]]:
    """(after id, up to id) ranges of about as many posts each, one per process."""
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(Post)) or 0
        processes = min(os.cpu_count() or 1, 4)
        if processes < 2 or total < max(PARALLEL_FROM_POSTS, processes) or not _shareable(engine):
            return [(0, None)]
        bounds = [
            connection.scalar(select(Post.id).order_by(Post.id).offset(total * n // processes - 1).limit(1))
            for n in range(1, processes)
        ]
    edges = [0, *(int(bound or 0) for bound in bounds)]
    return [(edges[i], edges[i + 1] if i + 1 < len(edges) else None) for i in range(len(edges))]


def _shareable(engine: Engine) -> bool:
    """Whether another process can open the same database (not a SQLite database in memory)."""
    return engine.url.get_backend_name() != "sqlite" or engine.url.database not in (None, "", ":memory:")


def _build_range(
    engine: Engine, ix: Index, bounds: tuple[int, int | None], progress: Callable[[int], None] | None
):
    """(segment or None, documents) of the posts after bounds[0] up to bounds[1]."""
    builder = SegmentBuilder(ix)
    with engine.connect() as connection:
        for covered, docs in documents(connection, after=bounds[0], up_to=bounds[1]):
            for doc in docs:
                builder.add(doc)
            if progress:
                progress(covered)
    return builder.write(), builder.doccount


_shared: dict = {}  # what a forked process is handed: the engine, the index, the progress counter


def _build_in_processes(engine, ix, ranges, progress):
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    _shared.update(engine=engine, ix=ix, counter=counter)
    try:
        with context.Pool(len(ranges)) as pool:
            pending = pool.map_async(_build_in_process, ranges)
            reported = 0
            while not pending.ready():
                pending.wait(0.2)
                if progress and counter.value > reported:
                    progress(counter.value - reported)
                    reported = counter.value
            results = pending.get()
        if progress and counter.value > reported:
            progress(counter.value - reported)
    finally:
        _shared.clear()
    return [segment for segment, _ in results if segment is not None], sum(written for _, written in results)


def _build_in_process(bounds: tuple[int, int | None]):
    engine, counter = _shared["engine"], _shared["counter"]
    engine.dispose(close=False)  # the parent's pooled connections are not ours to use

    def count(covered: int) -> None:
        with counter.get_lock():
            counter.value += covered

    return _build_range(engine, _shared["ix"], bounds, count)
