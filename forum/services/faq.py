"""The FAQ: solved questions ranked by recent demand, recomputed by `flask forum faq refresh`.

Demand of a question over the last 30 days, each signal weighted by its age
with a half-life of 7 days (a signal today counts 1, a week ago 1/2, two
weeks ago 1/4):

    demand = sum over signals of weight * 0.5 ** (age in days / 7)

Signals and weights:
- an opened search hit (the question or one of its answers), 1: one per
  visitor key and question, and visitor keys change daily, so one visitor
  adds at most 1 a day however often they search;
- a question closed as a duplicate of it, 3;
- a view of its page by a person (not a bot), 0.25: one per visitor key and day;
- "yes, this solved my problem" on its shown answer kind (accepted or staff-verified), 2:
  one per voter and answer; a "no" adds nothing;
- a mirrored tweet answered with a link to it (a reply-back whose text holds its address), 2.

A question is in the FAQ when it has demand, is neither deleted nor closed,
and has an accepted answer or else a staff-verified one (the best scored),
not deleted. Readers see it grouped by its first tag, in their own language
first, then by demand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import (
    FaqEntry,
    HelpedVote,
    Post,
    QuestionView,
    ReplyOutbox,
    SearchClick,
    SearchLog,
    StaffVerification,
)

WINDOW_DAYS = 30
HALF_LIFE_DAYS = 7
WEIGHTS = {"opened_hit": 1.0, "duplicate": 3.0, "view": 0.25, "helped": 2.0, "tweet_reply": 2.0}
QUESTION_LINK = re.compile(r"/questions/(\d+)")


def decayed(weight: float, at: datetime, now: datetime) -> float:
    age_days = max(0.0, (now - at).total_seconds() / 86400)
    return weight * 0.5 ** (age_days / HALF_LIFE_DAYS)


def demand_by_question(session: Session, now: datetime) -> dict[int, float]:
    since = now - timedelta(days=WINDOW_DAYS)
    demand: dict[int, float] = defaultdict(float)
    question_id = func.coalesce(Post.question_id, Post.id)
    opened = session.execute(
        select(question_id, func.min(SearchClick.created_at))
        .select_from(SearchClick)
        .join(SearchLog, SearchLog.id == SearchClick.search_id)
        .join(Post, Post.id == SearchClick.post_id)
        .where(SearchClick.created_at >= since)
        .group_by(question_id, SearchLog.visitor)
    ).all()
    for question, at in opened:
        demand[question] += decayed(WEIGHTS["opened_hit"], at, now)
    duplicates = session.execute(
        select(Post.duplicate_of_id, Post.closed_at).where(
            Post.duplicate_of_id.is_not(None), Post.closed_at >= since, Post.deleted_at.is_(None)
        )
    ).all()
    for question, at in duplicates:
        demand[question] += decayed(WEIGHTS["duplicate"], at, now)
    views = session.execute(
        select(QuestionView.question_id, QuestionView.created_at).where(QuestionView.created_at >= since)
    ).all()
    for question, at in views:
        demand[question] += decayed(WEIGHTS["view"], at, now)
    helped = session.execute(
        select(Post.question_id, HelpedVote.created_at)
        .join(Post, Post.id == HelpedVote.answer_id)
        .where(HelpedVote.helped.is_(True), HelpedVote.created_at >= since)
    ).all()
    for question, at in helped:
        demand[question] += decayed(WEIGHTS["helped"], at, now)
    replies = session.execute(
        select(ReplyOutbox.text, ReplyOutbox.created_at).where(
            ReplyOutbox.status == "sent", ReplyOutbox.created_at >= since
        )
    ).all()
    for text, at in replies:
        for linked in set(QUESTION_LINK.findall(text or "")):
            demand[int(linked)] += decayed(WEIGHTS["tweet_reply"], at, now)
    return dict(demand)


def shown_answer(session: Session, question: Post) -> Post | None:
    """The answer an entry shows: the accepted one, else the best scored staff-verified one."""
    if question.is_deleted or question.closed:
        return None
    accepted = session.get(Post, question.accepted_answer_id) if question.accepted_answer_id else None
    if accepted is not None and not accepted.is_deleted:
        return accepted
    return session.scalar(
        select(Post)
        .join(StaffVerification, StaffVerification.answer_id == Post.id)
        .where(Post.question_id == question.id, Post.deleted_at.is_(None))
        .order_by(Post.score.desc(), Post.id)
        .limit(1)
    )


def refresh(session: Session) -> int:
    """Recompute the FAQ from the signals; how many entries it holds now."""
    now = clock.now()
    demand = demand_by_question(session, now)
    session.execute(delete(FaqEntry))
    questions = session.scalars(select(Post).where(Post.id.in_(demand), Post.kind == "question")).all()
    kept = 0
    for question in questions:
        answer = shown_answer(session, question)
        if answer is None:
            continue
        session.add(
            FaqEntry(
                question_id=question.id,
                answer_id=answer.id,
                demand=round(demand[question.id], 4),
                refreshed_at=now,
            )
        )
        kept += 1
    session.flush()
    return kept


@dataclass
class FaqGroup:
    tag: str | None
    entries: list[FaqEntry]


def entries(session: Session, language: str) -> list[FaqEntry]:
    """The FAQ for a reader of `language`: their language first, then by demand. An entry whose
    question or answer was deleted or closed since the refresh is left out at once."""
    found = session.scalars(select(FaqEntry).order_by(FaqEntry.demand.desc(), FaqEntry.question_id)).all()
    live = [
        entry for entry in found
        if not entry.question.is_deleted and not entry.question.closed and not entry.answer.is_deleted
    ]  # fmt: skip
    return sorted(live, key=lambda entry: entry.question.language != language)


def grouped(faq: list[FaqEntry]) -> list[FaqGroup]:
    """Entries by their question's first tag, groups in order of their first entry."""
    groups: dict[str | None, FaqGroup] = {}
    for entry in faq:
        tags = entry.question.tag_names
        tag = tags[0] if tags else None
        groups.setdefault(tag, FaqGroup(tag, [])).entries.append(entry)
    return list(groups.values())
