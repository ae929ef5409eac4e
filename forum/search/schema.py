"""What a post looks like in the index: the schema and the document built from a post.

Questions and answers share one index (one id space, like the posts table).
A fingerprint of the indexed values is stored with each document so `check`
can tell a stale document from a fresh one without re-reading any text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, select, text
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions

from forum.markup import text_of_html
from forum.models import Post, Tag, User, post_tags
from forum.models.user import STAFF_ROLES
from forum.search.analysis import content_analyzer, forum_analyzer

TITLE_BOOST = 3.0


# A post longer than this many words keeps its later words' positions at this one: they are
# still found as words, but a phrase among them is not told apart (a post holds at most 30,000
# characters, well under it).
MAX_POSITION = 0xFFFE


class PackedPositions(Positions):
    """Whoosh's positions format with a compact value: the gaps between a term's positions in a
    post, as little-endian unsigned 16-bit numbers (Whoosh pickles a list per posting).

    It is a third of the size, and ranking.py decodes a whole posting list's positions with
    NumPy in one go; forum/search/bulk.py writes the same bytes without going through Whoosh.
    """

    def encode(self, poslist) -> bytes:
        positions = np.minimum(np.unique(np.asarray(poslist, dtype=np.int64)), MAX_POSITION)
        return np.diff(positions, prepend=0).astype("<u2").tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return np.cumsum(np.frombuffer(valuestring, dtype="<u2"), dtype=np.int64).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 2

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


class SortOnlyDate(DATETIME):
    """A date kept as a column to sort by, with no terms: nothing searches a range of dates, and
    Whoosh would index four terms per post for one."""

    def __init__(self) -> None:
        super().__init__(sortable=True)
        self.indexed = False


class PackedValues:
    """A block's posting values (PackedPositions bytes) as one buffer and each value's size.

    forum/search/bulk.py pickles a block's values as this rather than a tuple of small bytes
    objects. Whoosh's reader only indexes the values (`value()`), which gives the same bytes;
    ranking.positions reads the buffer whole.
    """

    __slots__ = ("data", "counts", "_ends")

    def __init__(self, data: bytes, counts: bytes) -> None:
        self.data = data
        # Each posting's number of positions (its value is twice as many bytes), little-endian
        # uint16: a post has at most MAX_POSITION + 1 distinct positions.
        self.counts = counts
        self._ends: list[int] | None = None

    def __reduce__(self):
        return (PackedValues, (self.data, self.counts))

    def __len__(self) -> int:
        return len(self.counts) // 2

    def __getitem__(self, index: int) -> bytes:
        if self._ends is None:
            self._ends = (np.cumsum(np.frombuffer(self.counts, dtype="<u2"), dtype=np.int64) * 2).tolist()
        ends = self._ends
        if index < 0:
            index += len(ends)
        return self.data[ends[index - 1] if index else 0 : ends[index]]

    def __iter__(self):
        return (self[index] for index in range(len(self)))


class ContentField(TEXT):
    """Every word a reader may look for (title, body, tag names), with its positions for phrases."""

    def __init__(self) -> None:
        super().__init__(analyzer=content_analyzer(), phrase=True)
        self.format = PackedPositions()


def build_schema() -> Schema:
    analyzer = forum_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        # Kept with the document, not searched on (the fingerprint covers it).
        question_id=STORED(),
        # One field for all of a post's words, so a query word reads one posting list;
        # `title` alone adds the title's boost.
        content=ContentField(),
        title=TEXT(analyzer=analyzer, phrase=False, field_boost=TITLE_BOOST),
        tags=KEYWORD(lowercase=True, scorable=True),
        author=ID(),
        author_id=STORED(),
        staff=BOOLEAN(),
        accepted=BOOLEAN(),
        has_accepted=BOOLEAN(),
        # Where the thread came from: "web" or "twitter" (Post.source of its question).
        source=ID(),
        # What the post itself is written in (Post.language); posts of unknown language have none.
        language=ID(),
        # Few distinct values: one full-precision term each makes a range a short term scan,
        # where Whoosh's default tiers would expand `score:2` into many sub-ranges.
        score=NUMERIC(int, bits=32, signed=True, sortable=True, shift_step=32),
        answer_count=NUMERIC(int, bits=32, sortable=True, shift_step=32),
        created_at=SortOnlyDate(),
        fingerprint=STORED(),
    )


def is_searchable(post: Post) -> bool:
    """Deleted posts, and answers of deleted questions, are kept out of the index."""
    if post.deleted_at is not None:
        return False
    return post.is_question or (post.question is not None and post.question.deleted_at is None)


def document_boost(accepted: bool, score: int) -> float:
    """Accepted and well-voted answers rank above the rest; negative scores sink a little."""
    boost = 1.0
    if accepted:
        boost += 0.5
    if score > 0:
        boost += min(score, 50) / 50
    elif score < 0:
        boost = max(0.5, boost + score / 10)
    return boost


def document_for(post: Post) -> dict:
    """The fields Whoosh stores for `post` (the caller checks is_searchable first)."""
    thread = post.thread
    return document(
        post_id=post.id,
        kind=post.kind,
        thread_id=thread.id,
        title=post.title,
        body_html=post.body_html,
        tags=[tag.name for tag in thread.tags],
        author=post.author.username,
        author_id=post.author_id,
        staff=post.author.is_staff,
        accepted_answer_id=thread.accepted_answer_id,
        source=thread.source,
        language=post.language,
        score=post.score,
        answer_count=post.answer_count,
        created_at=post.created_at,
    )


def document(
    *,
    post_id: int,
    kind: str,
    thread_id: int,
    title: str | None,
    body_html: str,
    tags: list[str],
    author: str,
    author_id: int,
    staff: bool,
    accepted_answer_id: int | None,
    source: str | None,
    language: str | None,
    score: int,
    answer_count: int,
    created_at: datetime,
) -> dict:
    """A post's document from its values and its question's (`thread_id`, `tags`,
    `accepted_answer_id`, `source`): what document_for reads from a loaded post and
    documents() from plain rows."""
    is_answer = kind == "answer"
    accepted = is_answer and accepted_answer_id == post_id
    tag_text = " ".join(tags)
    doc = {
        "id": str(post_id),
        "kind": kind,
        "question_id": thread_id,
        "title": title or "",
        # The body's text is read from its stored HTML, so the Markdown is not rendered again.
        "content": "\n".join((title or "", text_of_html(body_html), tag_text)),
        "tags": tag_text,
        "author": author.lower(),
        "author_id": author_id,
        "staff": staff,
        "accepted": accepted,
        "has_accepted": not is_answer and accepted_answer_id is not None,
        "source": source or "web",
        "language": language or "",
        "score": score,
        "answer_count": 0 if is_answer else answer_count,
        "created_at": created_at,
    }
    doc["fingerprint"] = fingerprint(doc)
    doc["_boost"] = document_boost(accepted, score)
    return doc


def id_ranges(connection: Connection, every: int) -> list[tuple[int, int | None]]:
    """(after id, up to id) ranges of `every` posts each in id order, the last one open and
    holding the rest: the bounds documents() reads in, for a rebuild split between processes."""
    edges = connection.scalars(
        text(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total "
            "FROM posts) AS numbered WHERE n % :every = 0 AND n < total ORDER BY id"
        ),
        {"every": max(every, 1)},
    ).all()
    return list(zip([0, *edges], [*edges, None], strict=True))


def documents(
    connection: Connection, batch: int = 2000, after: int = 0, up_to: int | None = None
) -> Iterator[tuple[int, list[dict]]]:
    """Every searchable post's document (of ids after `after`, up to `up_to`), in id order, read
    with plain queries (no loaded posts): a batch at a time, with how many posts it covered."""
    posts, threads = Post.__table__.alias("p"), Post.__table__.alias("q")
    rows_query = (
        select(
            posts.c.id, posts.c.kind, posts.c.question_id, posts.c.title, posts.c.body_html,
            posts.c.author_id, posts.c.score, posts.c.answer_count, posts.c.created_at,
            posts.c.language, posts.c.accepted_answer_id, posts.c.source, posts.c.deleted_at,
            threads.c.deleted_at.label("thread_deleted_at"),
            threads.c.accepted_answer_id.label("thread_accepted_answer_id"),
            threads.c.source.label("thread_source"),
            threads.c.id.label("thread_found"),
        )
        .select_from(posts.outerjoin(threads, threads.c.id == posts.c.question_id))
        .order_by(posts.c.id)
        .limit(batch)
    )  # fmt: skip
    if up_to is not None:
        rows_query = rows_query.where(posts.c.id <= up_to)
    authors: dict[int, tuple[str, bool]] = {}
    last_id = after
    while True:
        rows = connection.execute(rows_query.where(posts.c.id > last_id)).all()
        if not rows:
            return
        last_id = rows[-1].id
        kept = [
            row
            for row in rows
            if row.deleted_at is None
            and (row.kind == "question" or (row.thread_found is not None and row.thread_deleted_at is None))
        ]
        thread_ids = {row.id if row.kind == "question" else row.question_id for row in kept}
        tags: dict[int, list[str]] = {thread_id: [] for thread_id in thread_ids}
        for post_id, name in connection.execute(
            select(post_tags.c.post_id, Tag.name)
            .join(Tag, Tag.id == post_tags.c.tag_id)
            .where(post_tags.c.post_id.in_(thread_ids))
            .order_by(post_tags.c.post_id, Tag.name)
        ):
            tags[post_id].append(name)
        wanted = {row.author_id for row in kept} - authors.keys()
        for user_id, username, role in connection.execute(
            select(User.id, User.username, User.role).where(User.id.in_(wanted))
        ):
            authors[user_id] = (username, role in STAFF_ROLES)
        made = []
        for row in kept:
            question = row.kind == "question"
            author, staff = authors[row.author_id]
            made.append(
                document(
                    post_id=row.id,
                    kind=row.kind,
                    thread_id=row.id if question else row.question_id,
                    title=row.title,
                    body_html=row.body_html,
                    tags=tags[row.id if question else row.question_id],
                    author=author,
                    author_id=row.author_id,
                    staff=staff,
                    accepted_answer_id=row.accepted_answer_id if question else row.thread_accepted_answer_id,
                    source=row.source if question else row.thread_source,
                    language=row.language,
                    score=row.score,
                    answer_count=row.answer_count,
                    created_at=row.created_at,
                )
            )
        yield len(rows), made


def fingerprint(doc: dict) -> str:
    parts = []
    for key in sorted(doc):
        if key in ("fingerprint", "_boost"):
            continue
        value = doc[key]
        parts.append(f"{key}={value.isoformat() if isinstance(value, datetime) else value}")
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
