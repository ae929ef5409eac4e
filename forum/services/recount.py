"""Recount the cached counters from their source rows and report drift.

Scores come from votes (on top of the score an imported post brought),
answer counts from live answers, tag counts from live questions.
Reputation drift lives in services/reputation.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from forum.models import Post, Tag, Vote, post_tags


@dataclass
class CounterDrift:
    kind: str  # "score", "answer_count" or "tag_count"
    row_id: int
    cached: int
    actual: int


def find_counter_drift(session: Session) -> list[CounterDrift]:
    drift: list[CounterDrift] = []
    vote_sums = select(Vote.post_id, func.sum(Vote.value).label("total")).group_by(Vote.post_id).subquery()
    actual_score = Post.imported_score + func.coalesce(vote_sums.c.total, 0)
    for post_id, cached, actual in session.execute(
        select(Post.id, Post.score, actual_score)
        .outerjoin(vote_sums, vote_sums.c.post_id == Post.id)
        .where(Post.score != actual_score)
    ):
        drift.append(CounterDrift("score", post_id, cached, int(actual)))

    answer = aliased(Post)
    answer_counts = (
        select(answer.question_id, func.count().label("total"))
        .where(answer.kind == "answer", answer.deleted_at.is_(None))
        .group_by(answer.question_id)
        .subquery()
    )
    for post_id, cached, actual in session.execute(
        select(Post.id, Post.answer_count, func.coalesce(answer_counts.c.total, 0))
        .outerjoin(answer_counts, answer_counts.c.question_id == Post.id)
        .where(Post.kind == "question", Post.answer_count != func.coalesce(answer_counts.c.total, 0))
    ):
        drift.append(CounterDrift("answer_count", post_id, cached, int(actual)))

    tag_counts = (
        select(post_tags.c.tag_id, func.count().label("total"))
        .join(Post, and_(Post.id == post_tags.c.post_id, Post.deleted_at.is_(None)))
        .group_by(post_tags.c.tag_id)
        .subquery()
    )
    for tag_id, cached, actual in session.execute(
        select(Tag.id, Tag.question_count, func.coalesce(tag_counts.c.total, 0))
        .outerjoin(tag_counts, tag_counts.c.tag_id == Tag.id)
        .where(Tag.question_count != func.coalesce(tag_counts.c.total, 0))
    ):
        drift.append(CounterDrift("tag_count", tag_id, cached, int(actual)))
    return drift


def fix_counter_drift(session: Session, drift: list[CounterDrift]) -> None:
    for item in drift:
        if item.kind == "score":
            session.execute(update(Post).where(Post.id == item.row_id).values(score=item.actual))
        elif item.kind == "answer_count":
            session.execute(update(Post).where(Post.id == item.row_id).values(answer_count=item.actual))
        else:
            session.execute(update(Tag).where(Tag.id == item.row_id).values(question_count=item.actual))
