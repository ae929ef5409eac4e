"""The demo's search log: a few weeks of searches, so /faq and /staff/needs have something to show.

Solved demo questions are searched for and opened by a falling number of
visitors (the FAQ's order), and a few searches in three languages found
nothing (the needs). Visitor keys are random, as real ones look.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, SearchClick, SearchLog
from forum.services import search_log

FAQ_QUESTIONS = 6
# (query, interface language, visitors, days ago of the first search)
UNMET = [
    ("fax machine pairing code", "en", 5, 12),
    ("fax pairing code", "en", 2, 3),
    ("warranty transfer second hand", "en", 3, 20),
    ("εγγύηση μεταβίβαση", "el", 2, 6),
    ("záruka převod", "cs", 1, 2),
]


def load_search_demo(session: Session, echo: Callable[[str], object] = print) -> bool:
    """Add the demo searches once the community exists; False when already there or no community."""
    if session.scalar(select(exists().where(SearchLog.id.is_not(None)))):
        return False
    solved = list(
        session.scalars(
            select(Post)
            .where(Post.kind == "question", Post.accepted_answer_id.is_not(None), Post.deleted_at.is_(None))
            .order_by(Post.id)
            .limit(FAQ_QUESTIONS)
        )
    )
    if not solved:
        return False
    searches = 0
    for rank, question in enumerate(solved):
        query = " ".join((question.title or "").split()[:4])
        for visitor in range(FAQ_QUESTIONS - rank):
            with clock.travel(-timedelta(days=visitor * 2 + rank, hours=visitor)):
                record = _search(session, query, "en", results=3)
                session.add(SearchClick(search_id=record.id, post_id=question.id))
            searches += 1
    for query, language, visitors, days_ago in UNMET:
        for visitor in range(visitors):
            with clock.travel(-timedelta(days=days_ago - visitor * 0.5)):
                _search(session, query, language, results=0)
            searches += 1
    session.flush()
    echo(f"logged {searches} demo searches")
    return True


def _search(session: Session, query: str, language: str, results: int) -> SearchLog:
    record = SearchLog(
        query=search_log.normalise(query),
        terms=search_log.need_terms(query),
        language=language,
        result_count=results,
        visitor=secrets.token_hex(16),
    )
    session.add(record)
    session.flush()
    return record
