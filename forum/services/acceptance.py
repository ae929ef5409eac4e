"""Accepted solutions: the asker accepts, changes or unaccepts; moderators curate.

One accepted answer per question, whoever marked it; the mark records who
made it. Accepting your own answer waits SELF_ACCEPT_DELAY_SECONDS after
asking and earns nothing. Closed questions may still have an answer
accepted (the help was given before it closed); locked ones may not,
except by a moderator.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, User
from forum.services import posting, reputation
from forum.services.errors import Invalid
from forum.services.permissions import require
from forum.services.validation import is_valid_id

ACCEPT_REASONS = ("answer_accepted", "accepted_an_answer")


def accept_unlocks_privileges(actor: User) -> bool:
    """Whether the points of this accept count toward privileges (they always show on profiles).

    A ring of fresh accounts could otherwise mint flaggers: one asks, the
    others answer, the asker accepts each answer, and every helper has the
    reputation that unlocks flagging. So an accept by an account younger
    than ACCEPT_VETTED_ACCOUNT_AGE_SECONDS, or under ACCEPT_VETTED_REPUTATION,
    counts only once the answer earns privileges some other way. Staff,
    moderators and admins are vetted.
    """
    if actor.is_staff:
        return True
    old_enough = clock.now() - actor.created_at >= timedelta(
        seconds=current_app.config["ACCEPT_VETTED_ACCOUNT_AGE_SECONDS"]
    )
    return old_enough and actor.reputation >= current_app.config["ACCEPT_VETTED_REPUTATION"]


def _withdraw(session: Session, question: Post) -> None:
    if question.accepted_answer_id is not None:
        reputation.reverse(
            session, "accept_undone", post_id=question.accepted_answer_id, reasons=ACCEPT_REASONS
        )
    question.accepted_answer_id = None
    question.accepted_by_id = None
    question.accepted_at = None


def accept_answer(session: Session, actor: User, question_id: int, answer_id: object) -> Post:
    """Mark `answer_id` as the accepted answer of the question (replacing any other)."""
    question = posting.get_post(session, question_id, "question", fresh=True)
    require(actor, "accept", question)
    if isinstance(answer_id, bool) or not isinstance(answer_id, int):
        raise Invalid({"answer_id": _("must be the id of an answer")})
    answer = session.get(Post, answer_id) if is_valid_id(answer_id) else None
    if answer is None or answer.is_deleted or not answer.is_answer:
        raise posting.no_such("answer", answer_id)
    if answer.question_id != question.id:
        raise Invalid({"answer_id": _("answer %(id)d belongs to another question", id=answer_id)})
    require(actor, "accept", answer)  # accepting your own answer waits (permissions.py)
    self_answer = answer.author_id == question.author_id
    by_asker = actor.id == question.author_id
    reputation.lock_rows(session, [question.id], [answer.author_id, question.author_id])
    session.refresh(question)
    if question.accepted_answer_id == answer.id:
        return question
    _withdraw(session, question)
    question.accepted_answer_id = answer.id
    question.accepted_by_id = actor.id
    question.accepted_at = clock.now()
    if not self_answer:
        vetted = accept_unlocks_privileges(actor)
        reputation.record(
            session,
            answer.author_id,
            reputation.points("answer_accepted"),
            "answer_accepted",
            answer.id,
            counts_for_privileges=vetted,
        )
        if by_asker:
            reputation.record(
                session,
                question.author_id,
                reputation.points("accepted_an_answer"),
                "accepted_an_answer",
                answer.id,
                counts_for_privileges=vetted,
            )
    session.flush()
    return question


def unaccept_answer(session: Session, actor: User, question_id: int) -> Post:
    question = posting.get_post(session, question_id, "question", fresh=True)
    require(actor, "unaccept", question)
    involved = [question.author_id]
    if question.accepted_answer is not None:
        involved.append(question.accepted_answer.author_id)
    reputation.lock_rows(session, [question.id], involved)
    session.refresh(question)
    _withdraw(session, question)
    session.flush()
    return question
