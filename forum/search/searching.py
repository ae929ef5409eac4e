"""Running a query: ranked hits with highlighted snippets, and similar questions.

ranking.rank gives ids in order from the index; the posts themselves (titles, authors, text for
snippets) come from the database, which also drops anything deleted since it
was indexed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh import query as wq

from forum.markup import text_of_html
from forum.models import Post, User
from forum.pagination import Page
from forum.search import postgres, ranking, storage
from forum.search.analysis import index_term, spellings, words
from forum.search.query import ParsedQuery, parse
from forum.search.schema import TITLE_BOOST
from forum.services.errors import Invalid

SORTS = ("relevance", "newest", "votes")
SNIPPET_CHARS = 240
# Snippets look for matches this far into a post; past it the post's opening is shown.
HIGHLIGHT_SCAN_CHARS = 2000
# Recent result pages (ids and totals only: posts are always read fresh) per index generation.
PAGE_CACHE_SIZE = 256


@dataclass
class SearchHit:
    kind: str
    id: int
    question_id: int
    title: str
    snippet: Markup
    title_html: Markup
    score: int
    answer_count: int
    tags: list[str]
    author: User
    created_at: datetime
    is_accepted: bool

    @property
    def url(self) -> str:
        if self.kind == "question":
            return f"/questions/{self.id}"
        return f"/questions/{self.question_id}#answer-{self.id}"

    @property
    def snippet_text(self) -> str:
        return Markup(self.snippet).striptags()


@dataclass
class SearchResults(Page):
    """A page of hits (paging as every other list) with what the search made of the query."""

    items: list[SearchHit]
    query: ParsedQuery
    sort: str
    # True when `total` is the PostgreSQL planner's estimate (a word in most of a big forum's posts).
    total_estimated: bool = False


def marked_spans(text: str, marked: frozenset[str], end: int | None = None) -> list[tuple[int, int]]:
    """Where in `text` (up to `end`) the words with these index terms are, in order, not overlapping.

    Words are read with the index's own tokenizer and term function, so a
    folded or stemmed match ("passwords" for "password") is marked too, and a
    word written with ZWNJ is marked whole when its joined spelling was searched.
    """
    spans: list[tuple[int, int]] = []
    if not marked:
        return spans
    for word, begin, finish in words(text, end=end):
        if index_term(word) in marked:
            while spans and spans[-1][0] >= begin:
                spans.pop()  # a joined word replaces the parts of it already marked
            spans.append((begin, finish))
    return spans


def highlight(text: str, marked: frozenset[str]) -> Markup:
    """All of `text`, escaped, with the searched words in <mark> (for titles)."""
    parts, cursor = [], 0
    for begin, finish in marked_spans(text, marked):
        parts += [str(escape(text[cursor:begin])), f"<mark>{escape(text[begin:finish])}</mark>"]
        cursor = finish
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))


def snippet(text: str, marked: frozenset[str]) -> Markup:
    """The stretch of `text` with the most searched words, those words in <mark>; or its opening."""
    spans = marked_spans(text, marked, HIGHLIGHT_SCAN_CHARS)
    if not spans:
        opening = text[:SNIPPET_CHARS]
        if len(text) > SNIPPET_CHARS:
            opening = opening.rsplit(" ", 1)[0] + " …"
        return escape(opening)
    # The window of SNIPPET_CHARS holding the most matches, starting a little before its first one.
    best, best_count = 0, 0
    for i, (begin, _) in enumerate(spans):
        count = sum(1 for other, _ in spans[i:] if other < begin + SNIPPET_CHARS - 40)
        if count > best_count:
            best, best_count = i, count
    start = max(0, spans[best][0] - 40)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    cut = text.rfind(" ", start, end)
    if end < len(text) and cut > spans[best][1]:
        end = cut  # end at a word boundary
    parts = ["… " if start else ""]
    cursor = start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue
        parts.append(str(escape(text[cursor:begin])))
        parts.append(f"<mark>{escape(text[begin:finish])}</mark>")
        cursor = finish
    parts.append(str(escape(text[cursor:end])))
    parts.append(" …" if end < len(text) else "")
    return Markup("".join(parts))


def _post_ids(searcher, doc_numbers: list[int]) -> list[int]:
    """The post ids stored with these index documents, in the same order."""
    return [int(searcher.stored_fields(n)["id"]) for n in doc_numbers]


def _hits(session: Session, post_ids: list[int], marked: frozenset[str]) -> list[SearchHit]:
    posts = {
        post.id: post
        for post in session.scalars(
            select(Post)
            .where(Post.id.in_(post_ids))
            .options(
                selectinload(Post.author),
                selectinload(Post.question).selectinload(Post.tags),
                selectinload(Post.tags),
            )
        )
    }
    hits = []
    for post_id in post_ids:
        post = posts.get(post_id)
        if post is None or post.is_deleted or (post.is_answer and post.thread.is_deleted):
            continue  # changed since it was indexed; its outbox row will fix the index
        thread = post.thread
        hits.append(
            SearchHit(
                kind=post.kind,
                id=post.id,
                question_id=thread.id,
                title=thread.title or "",
                snippet=snippet(text_of_html(post.body_html), marked),
                title_html=highlight(thread.title or "", marked),
                score=post.score,
                answer_count=thread.answer_count,
                tags=thread.tag_names,
                author=post.author,
                created_at=post.created_at,
                is_accepted=post.is_answer and thread.accepted_answer_id == post.id,
            )
        )
    return hits


def search(
    session: Session,
    index_dir: str,
    text: object,
    *,
    page: int = 1,
    page_size: int = 20,
    sort: object = "relevance",
    backend: str = "whoosh",
) -> SearchResults:
    """Run the search box's `text` on `backend`; SearchUnavailable when there is no usable index."""
    if sort in (None, ""):
        sort = "relevance"
    if sort not in SORTS:
        raise Invalid({"sort": gettext("must be one of %(values)s", values=", ".join(SORTS))})
    parsed = parse(text)
    parts = parsed.plan()
    if parts is None:
        return SearchResults([], page, page_size, 0, parsed, str(sort))
    plan, narrowing = parts
    if backend == "postgres":
        post_ids, total, estimated = postgres.rank(
            session, plan, narrowing, page_size, str(sort), offset=(page - 1) * page_size
        )
        hits = _hits(session, post_ids, parsed.highlight_terms())
        return SearchResults(hits, page, page_size, total, parsed, str(sort), estimated)
    with storage.searcher(index_dir) as searcher, storage.reading(index_dir):
        # The searcher lives as long as the index generation it reads, so pages remembered on it
        # are dropped when a writer commits.
        key = (repr(plan), repr(narrowing), str(sort), page, page_size)
        found = storage.remembered(searcher, "pages", key)
        if not isinstance(found, tuple):  # None: not remembered yet
            if narrowing is not None:
                plan.allowed = storage.matching_docs(searcher, narrowing)
            ranked = ranking.rank(searcher, plan, page * page_size, str(sort))
            doc_numbers = ranked.doc_numbers[(page - 1) * page_size :]
            found = (_post_ids(searcher, doc_numbers), ranked.total)
            storage.remember(searcher, "pages", key, found, PAGE_CACHE_SIZE)
    post_ids, total = found
    hits = _hits(session, post_ids, parsed.highlight_terms())
    return SearchResults(hits, page, page_size, total, parsed, str(sort))


def similar_questions(
    session: Session, index_dir: str, title: object, limit: int = 5, backend: str = "whoosh"
) -> list[SearchHit]:
    """Questions whose titles share words with `title` (for the ask page), best first."""
    if not isinstance(title, str):
        return []
    found = list(dict.fromkeys(term for spelled in spellings(title[:300]) for term in spelled))[:16]
    if not found:
        return []
    if backend == "postgres":
        return _hits(session, postgres.similar_ids(session, found, limit), frozenset(found))
    # A question whose title shares a word; the words in its text add to the score.
    plan = ranking.Plan(
        any_of=[ranking.Clause("title", term, boost=TITLE_BOOST) for term in found],
        optional=[ranking.Clause("content", term, boost=0.3) for term in found],
    )
    with storage.searcher(index_dir) as searcher, storage.reading(index_dir):
        plan.allowed = storage.matching_docs(searcher, wq.Term("kind", "question"))
        ranked = ranking.rank(searcher, plan, limit)
        post_ids = _post_ids(searcher, ranked.doc_numbers)
    return _hits(session, post_ids, frozenset(found))
