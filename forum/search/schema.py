"""What a post looks like in the index: the schema and the document built from a post.

Questions and answers share one index (one id space, like the posts table).
A fingerprint of the indexed values is stored with each document so `check`
can tell a stale document from a fresh one without re-reading any text.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import numpy as np
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions

from forum.markup import text_of_html
from forum.models import Post
from forum.search.analysis import content_analyzer, forum_analyzer

TITLE_BOOST = 3.0


# A post longer than this many words keeps its later words' positions at this one: they are
# still found as words, but a phrase among them is not told apart (a post holds at most 30,000
# characters, well under it).
MAX_POSITION = 0xFFFF


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
        question_id=NUMERIC(int, bits=32, stored=True, shift_step=32),
        # One field for all of a post's words, so a query word reads one posting list;
        # `title` alone adds the title's boost.
        content=ContentField(),
        title=TEXT(analyzer=analyzer, phrase=False, field_boost=TITLE_BOOST),
        tags=KEYWORD(lowercase=True, scorable=True),
        author=ID(),
        author_id=NUMERIC(int, bits=32, shift_step=32),
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
        created_at=DATETIME(sortable=True),
        fingerprint=STORED(),
    )


def is_searchable(post: Post) -> bool:
    """Deleted posts, and answers of deleted questions, are kept out of the index."""
    if post.deleted_at is not None:
        return False
    return post.is_question or (post.question is not None and post.question.deleted_at is None)


def document_boost(post: Post) -> float:
    """Accepted and well-voted answers rank above the rest; negative scores sink a little."""
    boost = 1.0
    if post.is_answer and post.question is not None and post.question.accepted_answer_id == post.id:
        boost += 0.5
    if post.score > 0:
        boost += min(post.score, 50) / 50
    elif post.score < 0:
        boost = max(0.5, boost + post.score / 10)
    return boost


def document_for(post: Post) -> dict:
    """The fields Whoosh stores for `post` (the caller checks is_searchable first)."""
    thread = post.thread
    tags = " ".join(tag.name for tag in thread.tags)
    doc = {
        "id": str(post.id),
        "kind": post.kind,
        "question_id": thread.id,
        "title": post.title or "",
        # The body's text is read from its stored HTML, so the Markdown is not rendered again.
        "content": "\n".join((post.title or "", text_of_html(post.body_html), tags)),
        "tags": tags,
        "author": post.author.username.lower(),
        "author_id": post.author_id,
        "staff": post.author.is_staff,
        "accepted": post.is_answer and thread.accepted_answer_id == post.id,
        "has_accepted": post.is_question and post.accepted_answer_id is not None,
        "source": thread.source or "web",
        "language": post.language or "",
        "score": post.score,
        "answer_count": post.answer_count if post.is_question else 0,
        "created_at": post.created_at,
    }
    doc["fingerprint"] = fingerprint(doc)
    doc["_boost"] = document_boost(post)
    return doc


def fingerprint(doc: dict) -> str:
    parts = []
    for key in sorted(doc):
        if key in ("fingerprint", "_boost"):
            continue
        value = doc[key]
        parts.append(f"{key}={value.isoformat() if isinstance(value, datetime) else value}")
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
