"""Demand signals on solutions: question views and "Did this solve your problem?" votes.

A view is one row per question, visitor key and day (visitor keys change
daily, forum/visitors.py); readers that call themselves bots are not counted.
A helped vote is one per voter and answer, on an accepted or staff-verified
answer only; a second vote from the same voter changes nothing. Both feed the
FAQ's demand (forum/services/faq.py).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forum import clock
from forum.changes import ChangeSet
from forum.models import HelpedVote, Post, QuestionView, StaffVerification
from forum.pagecache import bump_generation
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.validation import is_valid_id

# User agents that are not people reading: crawlers, monitors, scripts.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python-requests|python-urllib|httpx|aiohttp|go-http-client"
    r"|java/|okhttp|libwww|headless|lighthouse|pingdom|uptime|monitor|preview|facebookexternalhit",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """A request that says it is a program, or says nothing at all."""
    return not user_agent or BOT_AGENT.search(user_agent) is not None


def record_view(session: Session, question_id: int, visitor: str) -> None:
    """Count one view of a question by `visitor` today; a repeat the same day adds nothing.
    One statement: an insert that does nothing when the row is there."""
    now = clock.now()
    values = {"question_id": question_id, "visitor": visitor, "day": now.date(), "created_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(QuestionView).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(QuestionView).values(values).on_conflict_do_nothing())
    else:
        try:
            with session.begin_nested():
                session.execute(insert(QuestionView).values(values))
        except IntegrityError:
            pass


def may_take_votes(session: Session, answer: Post) -> bool:
    """Only an accepted or staff-verified answer asks whether it solved the reader's problem."""
    if not answer.is_answer or answer.is_deleted:
        return False
    question = answer.question
    if question is not None and question.accepted_answer_id == answer.id:
        return True
    return (
        session.scalar(select(StaffVerification.id).where(StaffVerification.answer_id == answer.id))
        is not None
    )


def vote(session: Session, answer_id: object, helped: object, voter: str) -> tuple[Post, bool]:
    """Record `voter`'s yes or no on the answer; the answer, and whether this vote counted
    (False: this voter had voted on it before, and nothing changed)."""
    if not isinstance(helped, bool):
        raise Invalid({"helped": _("must be true or false")})
    answer = session.get(Post, answer_id) if is_valid_id(answer_id) else None
    if answer is None or not answer.is_answer or answer.is_deleted:
        raise NotFound(_("There is no answer %(id)s.", id=answer_id))
    if not may_take_votes(session, answer):
        raise Conflict(_("Only an accepted or staff-verified answer asks whether it helped."))
    already = select(HelpedVote.id).where(HelpedVote.answer_id == answer.id, HelpedVote.voter == voter)
    if session.scalar(already) is not None:
        return answer, False
    try:
        with session.begin_nested():
            session.add(HelpedVote(answer_id=answer.id, voter=voter, helped=helped))
    except IntegrityError:  # the same voter, a moment earlier, from another request
        return answer, False
    column = Post.helped_count if helped else Post.not_helped_count
    session.execute(update(Post).where(Post.id == answer.id).values({column: column + 1}))
    session.refresh(answer, ["helped_count", "not_helped_count"])
    bump_generation(session, ChangeSet())  # the counts show on every page of the thread
    return answer, True
