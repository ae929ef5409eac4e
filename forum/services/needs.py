"""Unmet needs: what people searched for and did not find, grouped and ranked for staff.

A search is grouped by its analysed words (SearchLog.terms: folded, stemmed,
common words out, sorted), so "Router password reset" and "resetting the
router's password" are one need. A visitor is *unserved* for a need when
none of their searches for it led to an opened hit: searches without results
and searches whose hits nobody opened both count. Needs are ranked by the
distinct unserved visitors of the last 30 days, then of the last 7, then by
age. Visitor keys change daily (forum/visitors.py), so one person searching
on three days counts three times: the price of never being able to follow
anyone across days.

Mirrored tweets count too: a question mirrored from X (forum/social/) that is
still unanswered once the staff queue's response-time target has passed
(STAFF_TARGET_SECONDS, the queue's "overdue") joins the need of the analysed
words of its title, its author counting as one visitor, and the need is
marked with its sources ("search", "twitter"). A tweet that gets an answer,
or is deleted or closed, leaves the need at once.

Staff "ask it" from a need: the ask form comes pre-filled, and the question
posted from it is linked to the need (NeedQuestion). When that question has
an accepted answer, the need is resolved and leaves the open list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import MirroredTweet, NeedQuestion, Post, SearchClick, SearchLog, User
from forum.models.faq import TERMS_MAX
from forum.services import staff
from forum.services.permissions import can
from forum.services.search_log import need_terms, normalise

WINDOW_DAYS = 30
RECENT_DAYS = 7
EXAMPLES = 3
STATUSES = ("open", "resolved")
SOURCES = ("search", "twitter")


@dataclass
class Need:
    terms: str
    examples: list[str]
    visitors_7d: int
    visitors_30d: int
    languages: list[str]
    first_seen: datetime
    question: Post | None = None
    sources: list[str] = field(default_factory=lambda: ["search"])

    @property
    def resolved(self) -> bool:
        return self.question is not None and self.question.accepted_answer_id is not None

    @property
    def ask_title(self) -> str:
        """What the pre-filled question is titled: the query most visitors typed."""
        return self.examples[0]


@dataclass
class _Group:
    """One need as it is read: its unserved visitors, their last search, languages, queries."""

    last_search: dict[str, datetime] = field(default_factory=dict)
    served: set[str] = field(default_factory=set)
    languages: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)
    first_seen: datetime | None = None
    sources: set[str] = field(default_factory=set)

    def add(self, visitor: str, query: str, language: str | None, first: datetime, last: datetime) -> None:
        self.last_search[visitor] = max(last, self.last_search.get(visitor, last))
        if language:  # a tweet in a language the forum does not speak has none
            self.languages[language] += 1
        self.queries[query] += 1
        self.first_seen = first if self.first_seen is None else min(first, self.first_seen)


def unmet_needs(session: Session, status: str = "open") -> list[Need]:
    """The needs of the last 30 days, best first; `status` "resolved" lists the resolved ones."""
    now = clock.now()
    since = now - timedelta(days=WINDOW_DAYS)
    recent = now - timedelta(days=RECENT_DAYS)
    rows = session.execute(
        select(
            SearchLog.terms,
            SearchLog.visitor,
            SearchLog.query,
            SearchLog.language,
            func.min(SearchLog.created_at),
            func.max(SearchLog.created_at),
            func.count(SearchClick.id),
        )
        .outerjoin(SearchClick, SearchClick.search_id == SearchLog.id)
        .where(SearchLog.terms != "", SearchLog.created_at >= since)
        .group_by(SearchLog.terms, SearchLog.visitor, SearchLog.query, SearchLog.language)
    ).all()
    groups: dict[str, _Group] = defaultdict(_Group)
    for terms, visitor, query, language, first, last, opened in rows:
        group = groups[terms]
        if opened:
            group.served.add(visitor)
        group.add(visitor, query, language, first, last)
        group.sources.add("search")
    _add_unanswered_tweets(session, groups, since, now)
    needs = []
    for terms, group in groups.items():
        unserved = {
            visitor: last for visitor, last in group.last_search.items() if visitor not in group.served
        }
        if not unserved:
            continue
        needs.append(
            Need(
                terms=terms,
                examples=[query for query, _count in group.queries.most_common(EXAMPLES)],
                visitors_7d=sum(1 for last in unserved.values() if last >= recent),
                visitors_30d=len(unserved),
                languages=sorted(group.languages),
                first_seen=group.first_seen or now,
                sources=[source for source in SOURCES if source in group.sources],
            )
        )
    _attach_questions(session, needs)
    wanted = [need for need in needs if need.resolved == (status == "resolved")]
    wanted.sort(key=lambda need: (-need.visitors_30d, -need.visitors_7d, need.first_seen, need.terms))
    return wanted


def unanswered_tweets(session: Session, since: datetime, now: datetime) -> list[Post]:
    """Questions mirrored from X since `since`, live, and still without any answer after the
    response-time target (the staff queue's "overdue")."""
    overdue_at = now - timedelta(seconds=staff.target_seconds())
    return list(
        session.scalars(
            select(Post)
            .join(MirroredTweet, and_(MirroredTweet.post_id == Post.id, MirroredTweet.kind == "question"))
            .where(
                Post.kind == "question",
                Post.source == "twitter",
                Post.deleted_at.is_(None),
                Post.closed_at.is_(None),
                Post.answer_count == 0,
                Post.created_at >= since,
                Post.created_at <= overdue_at,
                MirroredTweet.deleted_at.is_(None),
            )
            .order_by(Post.id)
        )
    )


def _add_unanswered_tweets(
    session: Session, groups: dict[str, _Group], since: datetime, now: datetime
) -> None:
    """Each unanswered tweet joins the need of its title's analysed words; its author is one
    visitor (a key made here and never stored, apart from the search log's daily keys)."""
    for question in unanswered_tweets(session, since, now):
        title = question.title or ""  # a question always has one
        terms = need_terms(title)
        if not terms:
            continue
        group = groups[terms]
        at = question.created_at
        group.add(f"twitter:{question.author_id}", normalise(title), question.language, at, at)
        group.sources.add("twitter")


def _attach_questions(session: Session, needs: list[Need]) -> None:
    by_terms = {need.terms: need for need in needs}
    if not by_terms:
        return
    asked = session.execute(
        select(NeedQuestion.terms, Post)
        .join(Post, Post.id == NeedQuestion.question_id)
        .where(NeedQuestion.terms.in_(by_terms), Post.deleted_at.is_(None))
    ).all()
    for terms, question in asked:
        by_terms[terms].question = question


def link_question(session: Session, user: User, terms: str | None, question: Post) -> NeedQuestion | None:
    """Link `question`, just asked from the need `terms` ("ask it"), to that need. Only staff
    work needs: for anyone else (a link passed on) the question is just a question."""
    if not terms or len(terms) > TERMS_MAX or not can(user, "staff"):
        return None
    link = session.scalar(select(NeedQuestion).where(NeedQuestion.terms == terms))
    if link is None:
        link = NeedQuestion(terms=terms, question_id=question.id)
        session.add(link)
    else:  # asked again (the first question was deleted, say): the newest question answers it
        link.question_id = question.id
        link.created_at = clock.now()
    session.flush()
    return link
