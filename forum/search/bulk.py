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
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pickle import dumps

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.fields import FieldType
from whoosh.index import TOC, Index, clean_files
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from forum.models import Post
from forum.search.analysis import WORD_PATTERN, ZWNJ, index_term
from forum.search.schema import MAX_POSITION, PackedValues, documents, id_ranges

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
            tokens = sorted(tokens, key=lambda token: token[1])  # a joined word comes after its parts
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
        # Each document's length in each scorable field, word fields included.
        self.lengths: dict[str, array] = defaultdict(lambda: array("i"))
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
            fieldobj = self.schema[fieldname]
            if value is None:
                if fieldname in self.words or fieldobj.scorable:  # each document has its row
                    self._add_words(fieldname, fieldobj, "")
                continue
            length = 0
            if fieldname in self.words:
                length = self._add_words(fieldname, fieldobj, value)
            elif fieldobj.indexed:
                key = (fieldname, value)
                items = self._indexed.get(key)
                if items is None:
                    items = list(fieldobj.index(value))
                    if not fieldobj.unique and len(self._indexed) < 200_000:  # values that repeat
                        self._indexed[key] = items
                postings = self.others.setdefault(fieldname, _OtherPostings()).items
                for btext, freq, weight, vbytes in items:
                    postings.append((btext, docnum, weight * boost, vbytes))
                    if fieldobj.scorable:
                        length += freq
                if fieldobj.scorable:
                    self.lengths[fieldname].append(length)
            if fieldobj.stored or length:  # otherwise Whoosh's add_field does nothing
                perdoc.add_field(fieldname, fieldobj, value if fieldobj.stored else None, length)
            column = fieldobj.column_type
            if column:
                perdoc.add_column_value(fieldname, column, fieldobj.to_column_value(value))
        perdoc.finish_doc()
        self.doccount += 1

    def _add_words(self, fieldname: str, fieldobj: FieldType, text: str) -> int:
        """Read a word field of the document being added (or a zero length for a scorable field
        it has no value for); its length: the words that have a term (the analyzer drops the rest)."""
        if fieldname not in self.words:
            self.lengths[fieldname].append(0)
            return 0
        postings = self.words[fieldname]
        tokens, words = _words(fieldobj, text)
        postings.add(tokens, words)
        count = postings.counts[-1]
        empty = postings.vocabulary.get("")
        dropped = (
            postings.terms[len(postings.terms) - count :].count(empty) if count and empty is not None else 0
        )
        self.lengths[fieldname].append(count - dropped)
        return count - dropped

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
        lengths = np.frombuffer(self.lengths[fieldname], dtype=np.int32).astype(np.int64)
        distinct = np.unique(lengths)
        decoded = np.array([byte_to_length(length_to_byte(int(n))) for n in distinct], dtype=np.int64)
        return decoded[np.searchsorted(distinct, lengths)]

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
        # They were read in document and position order, so a stable sort by term is enough.
        by = np.argsort(terms, kind="stable")
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
            sizes = np.diff(np.append(np.flatnonzero(first), len(kept_key))) * 2
            values = _Values(gaps.tobytes(), sizes, packed=True)
            # Whoosh counts every position in the frequency, and so in the weight and length.
        else:  # Frequency: each value is the frequency, packed as Whoosh packs it
            values = _Values(freqs.astype(">u4").tobytes(), np.full(len(freqs), 4), packed=False)
        term_starts = np.flatnonzero(np.concatenate(([True], posting_terms[1:] != posting_terms[:-1])))
        term_texts = [encoded[order[term]] for term in posting_terms[term_starts].tolist()]
        fieldwriter.start_field(fieldname, fieldobj)
        _write_postings(fieldwriter, term_texts, term_starts, posting_docs, weights, values, lengths)
        fieldwriter.finish_field()

    def _write_others(self, fieldwriter, fieldname: str, fieldobj: FieldType) -> None:
        items = self.others[fieldname].items
        if not items:
            return
        items.sort(key=lambda item: (item[0], item[1]))
        texts = [item[0] for item in items]
        term_starts = np.array(
            [0, *(i for i in range(1, len(texts)) if texts[i] != texts[i - 1])], dtype=np.int64
        )
        docs = np.array([item[1] for item in items], dtype=np.int64)
        weights = np.array([item[2] for item in items], dtype=np.float32)  # as Whoosh keeps them
        lengths = self._doc_lengths(fieldname)[docs] if fieldobj.scorable else np.zeros(len(docs), np.int64)
        raw = [item[3] for item in items]
        fixed = fieldobj.format.fixed_value_size()
        values = (
            _Values(b"".join(raw), np.array([len(v) for v in raw], dtype=np.int64), packed=fixed is None)
            if fixed != 0
            else None
        )
        fieldwriter.start_field(fieldname, fieldobj)
        _write_postings(
            fieldwriter, [texts[i] for i in term_starts.tolist()], term_starts, docs, weights, values, lengths
        )
        fieldwriter.finish_field()


@dataclass
class _Values:
    """Every posting's value of a field, end to end, and each one's size in bytes; `packed` values
    are pickled as schema.PackedValues, the others (fixed-size) as the bytes joined, as Whoosh does."""

    data: bytes
    sizes: np.ndarray
    packed: bool

    def __post_init__(self) -> None:
        self.ends = np.cumsum(self.sizes, dtype=np.int64)
        self.count_bytes = (self.sizes // 2).astype("<u2").tobytes() if self.packed else b""

    def block(self, begin: int, end: int) -> bytes | PackedValues:
        first = int(self.ends[begin - 1]) if begin else 0
        data = self.data[first : int(self.ends[end - 1])]
        return PackedValues(data, self.count_bytes[begin * 2 : end * 2]) if self.packed else data


# Whoosh compresses every block; a block whose pickle is shorter than this is written as it
# is (each block says whether it is compressed), as zlib would only make it longer.
COMPRESS_FROM_BYTES = 64
# zlib's fastest level: a third of the time of Whoosh's level 3, for a few percent more bytes.
COMPRESSION = 1
# Whoosh pickles a block with protocol 2, which writes each bytes value (a posting's positions)
# as a call that decodes a string; its reader takes any protocol, and 5 writes bytes as bytes.
PICKLE_PROTOCOL = 5
_NO_LENGTH = np.iinfo(np.int64).max


def _gap_array(gap_bytes: dict[bool, bytes], narrow: bool, begin: int, end: int) -> array:
    width = 2 if narrow else 4
    return array("H" if narrow else "I", gap_bytes[narrow][begin * width : end * width])


def _write_postings(
    fieldwriter,
    term_texts: list[bytes],
    term_starts: np.ndarray,
    docs: np.ndarray,
    weights: np.ndarray,
    values: _Values | None,
    lengths: np.ndarray,
) -> None:
    """A field's postings (sorted by term, then document) in W3Codec's block format, and its rows
    in the terms table.

    As W3PostingsWriter writes them: per term a header, then per block of up to BLOCK postings
    its size, a pickled info tuple (postings, last document, highest weight, compression,
    shortest and longest length as bytes) and the pickled data (document gaps from the
    block's start, weights, values). The statistics of every block and term are worked out
    with NumPy first; the loop only slices and pickles.
    """
    total = len(docs)
    term_ends = np.append(term_starts[1:], total)
    sizes = term_ends - term_starts
    blocks_per_term = (sizes + BLOCK - 1) // BLOCK
    first_block = np.concatenate(([0], np.cumsum(blocks_per_term)[:-1]))
    block_term_end = np.repeat(term_ends, blocks_per_term)
    within = np.arange(int(blocks_per_term.sum())) - np.repeat(first_block, blocks_per_term)
    block_starts = np.repeat(term_starts, blocks_per_term) + within * BLOCK
    block_ends = np.minimum(block_starts + BLOCK, block_term_end)

    gaps = np.diff(docs, prepend=0)
    gaps[block_starts] = docs[block_starts]
    # A block whose gaps all fit in 16 bits keeps them so (Whoosh's reader iterates either).
    narrow = (np.maximum.reduceat(gaps, block_starts) < 1 << 16).tolist()
    gap_bytes = {True: gaps.astype(np.uint16).tobytes(), False: gaps.astype(np.uint32).tobytes()}
    weight_bytes = weights.astype(np.float32).tobytes()
    lowest, highest = np.minimum.reduceat(weights, block_starts), np.maximum.reduceat(weights, block_starts)
    uniform = (lowest == highest).tolist()
    first_weight = weights[block_starts].astype(np.float64).tolist()
    max_weight = np.maximum(highest, 0).astype(np.float64)
    block_sums = np.add.reduceat(weights.astype(np.float64), block_starts)
    longest = np.maximum.reduceat(lengths, block_starts)
    shortest = np.minimum.reduceat(np.where(lengths > 0, lengths, _NO_LENGTH), block_starts)
    as_byte = {int(n): length_to_byte(int(n)) for n in np.unique(np.concatenate((longest, shortest)))}
    as_byte[_NO_LENGTH] = length_to_byte(None)
    infos = zip(
        (block_ends - block_starts).tolist(), docs[block_ends - 1].tolist(), max_weight.tolist(),
        [as_byte[n] for n in shortest.tolist()], [as_byte[n] for n in longest.tolist()], strict=True,
    )  # fmt: skip
    term_shortest = np.minimum.reduceat(shortest, first_block)
    term_stats = zip(
        np.add.reduceat(block_sums, first_block).tolist(), sizes.tolist(),
        [None if n == _NO_LENGTH else n for n in term_shortest.tolist()],
        np.maximum.reduceat(longest, first_block).tolist(),
        np.maximum.reduceat(max_weight, first_block).tolist(), docs[term_starts].tolist(),
        docs[term_ends - 1].tolist(), blocks_per_term.tolist(), strict=True,
    )  # fmt: skip

    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    prefix = pack_ushort(fieldwriter._fieldid)
    offset = postfile.tell()
    block = 0
    block_bounds = zip(block_starts.tolist(), block_ends.tolist(), strict=True)
    term_end_of_block = block_term_end.tolist()
    for text, (weight, df, minlength, maxlength, maxweight, minid, maxid, count) in zip(
        term_texts, term_stats, strict=True
    ):
        chunks = [WHOOSH3_HEADER_MAGIC]
        for _ in range(count):
            begin, end = next(block_bounds)
            if uniform[block]:
                packed_weights: float | array | None = (
                    None if first_weight[block] == 1.0 else first_weight[block]
                )
            else:
                packed_weights = array("f", weight_bytes[begin * 4 : end * 4])
            data = dumps(
                (_gap_array(gap_bytes, narrow[block], begin, end), packed_weights,
                 values.block(begin, end) if values is not None else None),
                PICKLE_PROTOCOL,
            )  # fmt: skip
            compression = COMPRESSION if len(data) >= COMPRESS_FROM_BYTES else 0
            if compression:
                data = zlib.compress(data, compression)
            postings, last_id, block_max_weight, min_byte, max_byte = next(infos)
            info = dumps((postings, last_id, block_max_weight, compression, min_byte, max_byte), 2)
            size = len(info) + len(data)
            chunks += (pack_int(-size if end == term_end_of_block[block] else size), info, data)
            block += 1
        written = b"".join(chunks)
        terminfo = W3TermInfo(weight, df, minlength, maxlength, maxweight, minid, maxid)
        terminfo.set_extent(offset, len(written))
        postfile.write(written)
        offset += len(written)
        tindex.add(prefix + text, terminfo.to_bytes())


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


# A process holds a range's postings in memory while it writes them (about 27 KB a post of the
# bench's corpus): a larger forum is split into more ranges than processes, each its own segment.
MAX_SEGMENT_POSTS = 100_000


def _processes() -> int:
    return min(os.cpu_count() or 1, 4)


def _id_ranges(engine: Engine) -> list[tuple[int, int | None]]:
    """(after id, up to id) ranges of about as many posts each: one per process, or more for a
    forum of more than MAX_SEGMENT_POSTS posts a process."""
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(Post)) or 0
        processes = _processes()
        if processes < 2 or total < max(PARALLEL_FROM_POSTS, processes) or not _shareable(engine):
            return [(0, None)]
        parts = max(processes, -(-total // MAX_SEGMENT_POSTS))
        return id_ranges(connection, -(-total // parts))


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


_shared: dict = {}  # what a forked process is handed: the engine, the index, the progress counts


def _build_in_processes(engine, ix, ranges, progress):
    """Each range in a process of its own, as many at a time as the forum has cores (up to 4).

    A process that dies (killed for memory, say) fails the rebuild with BrokenProcessPool
    rather than leaving it waiting; the new generation is then removed by the caller.
    """
    context = multiprocessing.get_context("fork")
    # One count per range, each written by its own process only: no lock to be left held.
    covered = context.Array("q", len(ranges), lock=False)
    _shared.update(engine=engine, ix=ix, covered=covered)
    reported = 0

    def report() -> None:
        nonlocal reported
        if progress and sum(covered) > reported:
            progress(sum(covered) - reported)
            reported = sum(covered)

    try:
        with ProcessPoolExecutor(min(_processes(), len(ranges)), mp_context=context) as pool:
            pending = [pool.submit(_build_in_process, number, bounds) for number, bounds in enumerate(ranges)]
            while not all(future.done() for future in pending):
                wait(pending, timeout=0.2)
                report()
            results = [future.result() for future in pending]
        report()
    finally:
        _shared.clear()
    return [segment for segment, _ in results if segment is not None], sum(written for _, written in results)


def _build_in_process(number: int, bounds: tuple[int, int | None]):
    engine, covered = _shared["engine"], _shared["covered"]
    engine.dispose(close=False)  # the parent's pooled connections are not ours to use

    def count(posts: int) -> None:
        covered[number] += posts

    return _build_range(engine, _shared["ix"], bounds, count)
