"""Running a query: ranked hits with highlighted snippets, and similar questions.

The index gives ids in order; the posts themselves (titles, authors, text for
snippets) come from the database, which also drops anything deleted since it
was indexed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh import collectors
from whoosh import query as wq
from whoosh.searching import TimeLimit

from forum.models import Post, User
from forum.pagination import Page
from forum.search import storage
from forum.search.analysis import WORD_PATTERN, index_term, terms
from forum.search.query import ParsedQuery, parse
from forum.search.schema import text_of
from forum.services.errors import Invalid

SORTS = ("relevance", "newest", "votes")
SNIPPET_CHARS = 240
# Snippets look for matches this far into a post; past it the post's opening is shown.
HIGHLIGHT_SCAN_CHARS = 2000
# A query whose words are in most posts ("that", a phrase of two common words) makes pure-Python
# Whoosh score tens of thousands of postings; past this many seconds the best hits found so far
# are shown and the page and API say the results may be incomplete.
TIME_LIMIT = 0.03
# Recent result pages (ids and totals only: posts are always read fresh) per index generation.
PAGE_CACHE_SIZE = 256


@dataclass
class SearchHit:
    kind: str
    id: int
    question_id: int
    title: str
    snippet: Markup
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
    total_is_estimate: bool = False
    # The search stopped at TIME_LIMIT: these are the best hits among the posts it read.
    incomplete: bool = False


def snippet(text: str, marked: frozenset[str]) -> Markup:
    """The stretch of `text` with the most searched words, those words in <mark>; or its opening.

    Tokens are read with the index's own tokenizer and term function, so a
    folded or stemmed match ("passwords" for "password") is marked too.
    """
    spans = []
    if marked:
        for match in WORD_PATTERN.finditer(text, 0, HIGHLIGHT_SCAN_CHARS):
            if index_term(match.group()) in marked:
                spans.append(match.span())
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


def _hits(session: Session, post_ids: list[int], marked: frozenset[str]) -> list[SearchHit]:
    posts = {
        post.id: post
        for post in session.scalars(
            select(Post)
            .where(Post.id.in_(post_ids))
            .options(selectinload(Post.author), selectinload(Post.question).selectinload(Post.tags),
                     selectinload(Post.tags))
        )
    }
    hits = []
    for post_id in post_ids:
        post = posts.get(post_id)
        if post is None or post.is_deleted or (post.is_answer and post.question.is_deleted):
            continue  # changed since it was indexed; its outbox row will fix the index
        thread = post.thread
        hits.append(SearchHit(
            kind=post.kind,
            id=post.id,
            question_id=thread.id,
            title=thread.title or "",
            snippet=snippet(text_of(post.body_html), marked),
            score=post.score,
            answer_count=thread.answer_count,
            tags=thread.tag_names,
            author=post.author,
            created_at=post.created_at,
            is_accepted=post.is_answer and thread.accepted_answer_id == post.id,
        ))
    return hits


class _Deadline(collectors.WrappingCollector):
    """Stops collecting (with Whoosh's TimeLimit) once the time is up, checked at every candidate.

    It wraps the top-N collector beneath Whoosh's filter, so what it saw is
    still a valid page; a clock read per document costs no thread or signal.
    """

    def __init__(self, child: collectors.Collector, seconds: float) -> None:
        super().__init__(child)
        self.seconds = seconds
        self.deadline = 0.0

    def prepare(self, top_searcher, q, context) -> None:
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.perf_counter() + self.seconds

    def matches(self):
        clock, deadline = time.perf_counter, self.deadline
        for sub_docnum in self.child.matches():
            if clock() > deadline:
                raise TimeLimit
            yield sub_docnum

    def collect_matches(self) -> None:
        for sub_docnum in self.matches():
            self.child.collect(sub_docnum)


def _page_of_ids(
    searcher, whoosh_query: wq.Query, narrowing: wq.Query | None, page: int, page_size: int,
    sort_args: dict, time_limit: float | None,
) -> tuple[list[int], int, bool, bool]:
    """The ids of the page's hits, the total, whether it is an estimate, whether the search timed out."""
    allowed = None if narrowing is None else storage.matching_docs(searcher, narrowing)
    if allowed is not None and not allowed:
        return [], 0, False, False
    collector = searcher.collector(limit=page * page_size, terms=False, **sort_args)
    if time_limit is not None:
        collector = _Deadline(collector, time_limit)
    if allowed is not None:
        collector = collectors.FilterCollector(collector, allow=allowed)
    incomplete = False
    try:
        searcher.search_with_collector(whoosh_query, collector)
    except TimeLimit:
        incomplete = True
    results = collector.results()
    post_ids = [int(hit["id"]) for hit in results[(page - 1) * page_size:]]
    # Counting every match of a common word costs a second pass over the postings, as much
    # as the search itself; past the pages collected, Whoosh's estimate is shown as "about".
    estimated = incomplete or results.scored_length() >= page * page_size
    if not estimated:
        return post_ids, len(results), False, False
    guess = results.q.estimate_size(searcher.reader())
    if allowed is not None:
        guess = min(guess, len(allowed))
    return post_ids, max(guess, results.scored_length()), True, incomplete


def search(
    session: Session, index_dir: str, text: object, *, page: int = 1, page_size: int = 20,
    sort: object = "relevance", time_limit: float | None = TIME_LIMIT,
) -> SearchResults:
    """Run the search box's `text`; SearchUnavailable when there is no usable index.

    Past `time_limit` seconds in the index the hits found so far are returned
    with `incomplete` set (None: no limit).
    """
    if sort in (None, ""):
        sort = "relevance"
    if sort not in SORTS:
        raise Invalid({"sort": f"must be one of {', '.join(SORTS)}"})
    parsed = parse(text)
    parts = parsed.scored_and_filter()
    if parts is None:
        return SearchResults([], page, page_size, 0, parsed, str(sort))
    whoosh_query, narrowing = parts
    sort_args = {
        "relevance": {},
        "newest": {"sortedby": "created_at", "reverse": True},
        "votes": {"sortedby": ["score", "created_at"], "reverse": True},
    }[str(sort)]
    with storage.searcher(index_dir) as searcher, storage.reading(index_dir):
        # The searcher lives as long as the index generation it reads, so pages remembered on it
        # are dropped when a writer commits.
        key = (repr(whoosh_query), repr(narrowing), str(sort), page, page_size)
        found = storage.remembered(searcher, "pages", key)
        if found is None:
            found = _page_of_ids(searcher, whoosh_query, narrowing, page, page_size, sort_args, time_limit)
            if not found[3]:  # a cut-short page may be complete next time, when the machine is idle
                storage.remember(searcher, "pages", key, found, PAGE_CACHE_SIZE)
    post_ids, total, estimated, incomplete = found
    hits = _hits(session, post_ids, parsed.highlight_terms())
    return SearchResults(hits, page, page_size, total, parsed, str(sort), estimated, incomplete)


def similar_questions(session: Session, index_dir: str, title: object, limit: int = 5) -> list[SearchHit]:
    """Questions whose title or text share words with `title` (for the ask page), best first."""
    if not isinstance(title, str):
        return []
    words = list(dict.fromkeys(terms(title[:300])))[:16]
    if not words:
        return []
    either = [wq.Or([wq.Term("title", word), wq.Term("content", word, boost=0.3)]) for word in words]
    whoosh_query = wq.And([wq.Term("kind", "question"), wq.Or(either)])
    with storage.searcher(index_dir) as searcher, storage.reading(index_dir):
        post_ids = [int(hit["id"]) for hit in searcher.search(whoosh_query, limit=limit)]
    return _hits(session, post_ids, frozenset(words))
