"""The staff desk: the queue of questions waiting for staff, claims,
"verified by staff", escalations and the dashboard's figures.

The queue holds open questions with no accepted answer and no staff answer
yet; escalated ones first (unanswered past the target response time, or
flagged as needing attention), then Twitter ones, then the oldest. A claim
tells other staff someone is on a question for STAFF_CLAIM_SECONDS, and ends
as soon as the claimer answers it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from forum import changes, clock
from forum.models import Claim, Escalation, Flag, Post, ReputationEvent, StaffVerification, User
from forum.models.user import STAFF_ROLES
from forum.representations import claim_json
from forum.services import audit, posting, reputation
from forum.services.errors import Conflict, Forbidden
from forum.services.permissions import require
from forum.services.validation import is_valid_id

STAFF_ROOM = "staff"


def target_seconds() -> int:
    """The target response time (STAFF_TARGET_SECONDS)."""
    return int(current_app.config["STAFF_TARGET_SECONDS"])


def claim_seconds() -> int:
    """How long a claim holds a question (STAFF_CLAIM_SECONDS)."""
    return int(current_app.config["STAFF_CLAIM_SECONDS"])


def announce(session: Session, type: str, question_id: int | None, payload: dict) -> None:
    """Tell the live feed's staff room, after the commit (flags, claims, escalations)."""
    changes.publish(
        session, type, rooms=[STAFF_ROOM], payload=payload, question_id=question_id, staff_only=True
    )


# --- the queue ----------------------------------------------------------------------------


def _staff_answer(question=Post):
    answer, author = aliased(Post), aliased(User)
    return exists().where(and_(
        answer.question_id == question.id, answer.deleted_at.is_(None),
        answer.author_id == author.id, author.role.in_(STAFF_ROLES),
    ))  # fmt: skip


def _needs_attention(question=Post):
    flagged = aliased(Post)
    return exists().where(and_(
        Flag.status == "open", Flag.reason == "needs_attention",
        Flag.post_id == flagged.id,
        or_(flagged.id == question.id, flagged.question_id == question.id),
    ))  # fmt: skip


def _overdue(now: datetime, question=Post):
    return and_(question.answer_count == 0, question.created_at <= now - timedelta(seconds=target_seconds()))


def queue_query(now: datetime | None = None) -> Select:
    """Questions waiting for staff: escalated first, then Twitter, then oldest first."""
    now = now or clock.now()
    escalated = or_(_overdue(now), _needs_attention())
    return (
        select(Post)
        .where(
            Post.kind == "question",
            Post.deleted_at.is_(None),
            Post.closed_at.is_(None),
            Post.accepted_answer_id.is_(None),
            ~_staff_answer(),
        )
        .options(selectinload(Post.author), selectinload(Post.tags))
        .order_by(
            case((escalated, 0), else_=1),
            case((Post.source == "twitter", 0), else_=1),
            Post.created_at,
            Post.id,
        )
    )


@dataclass
class QueueItem:
    question: Post
    age_seconds: int
    overdue: bool
    needs_attention: bool
    claim: Claim | None
    target_seconds: int

    @property
    def escalated(self) -> bool:
        return self.overdue or self.needs_attention


def active_claims(session: Session, question_ids: list[int], now: datetime | None = None) -> dict[int, Claim]:
    """The claims still running: not expired, and the claimer has not answered since."""
    if not question_ids:
        return {}
    now = now or clock.now()
    answer = aliased(Post)
    answered = exists().where(and_(
        answer.question_id == Claim.question_id, answer.author_id == Claim.user_id,
        answer.created_at >= Claim.claimed_at, answer.deleted_at.is_(None),
    ))  # fmt: skip
    rows = session.scalars(
        select(Claim)
        .where(Claim.question_id.in_(question_ids), Claim.expires_at > now, ~answered)
        .options(selectinload(Claim.user))
    )
    return {claim.question_id: claim for claim in rows}


def queue_items(session: Session, questions: list[Post], now: datetime | None = None) -> list[QueueItem]:
    now = now or clock.now()
    ids = [q.id for q in questions]
    claims = active_claims(session, ids, now)
    attention = set(session.scalars(select(Post.id).where(Post.id.in_(ids), _needs_attention())))
    target = target_seconds()
    items = []
    for question in questions:
        age = max(0, int((now - question.created_at).total_seconds()))
        items.append(
            QueueItem(
                question,
                age,
                question.answer_count == 0 and age > target,
                question.id in attention,
                claims.get(question.id),
                target,
            )
        )
    return items


# --- claims -------------------------------------------------------------------------------


def _open_question(session: Session, question_id: object) -> Post:
    question = session.get(Post, question_id) if is_valid_id(question_id) else None
    if question is None or not question.is_question or question.is_deleted:
        raise posting.no_such("question", question_id)
    return question


def claim_question(session: Session, user: User, question_id: object) -> Claim:
    """Claim a question for `claim_seconds()` (claiming again renews); refused while another holds it."""
    require(user, "staff")
    question = _open_question(session, question_id)
    if question.closed:
        raise Conflict(_("This question is closed; there is nothing to claim."))
    reputation.lock_rows(session, [question.id])
    now = clock.now()
    claim = session.scalar(select(Claim).where(Claim.question_id == question.id))
    current = active_claims(session, [question.id], now).get(question.id)
    if current is not None and current.user_id != user.id:
        raise Conflict(
            _(
                "%(name)s is on it until %(time)s UTC.",
                name=current.user.username,
                time=current.expires_at.strftime("%H:%M"),
            )
        )
    if claim is None:
        claim = Claim(question_id=question.id)
        session.add(claim)
    claim.user_id = user.id
    claim.user = user
    claim.claimed_at = now
    claim.expires_at = now + timedelta(seconds=claim_seconds())
    session.flush()
    announce(session, "question.claimed", question.id, {"claim": claim_json(claim)})
    return claim


def release_claim(session: Session, user: User, question_id: object) -> None:
    """Give a claim up (the claimer, or a moderator); releasing nothing is fine."""
    require(user, "staff")
    question = _open_question(session, question_id)
    reputation.lock_rows(session, [question.id])
    claim = session.scalar(select(Claim).where(Claim.question_id == question.id))
    if claim is None:
        return
    if claim.user_id != user.id and not user.is_moderator and claim.expires_at > clock.now():
        raise Forbidden(_("Only %(name)s or a moderator can release this claim.", name=claim.user.username))
    session.delete(claim)
    session.flush()
    announce(session, "question.released", question.id, {"claim": None})


# --- verification -------------------------------------------------------------------------


def verify_answer(session: Session, user: User, answer_id: object, note: str = "") -> StaffVerification:
    """Mark an answer "verified by staff" (shown apart from acceptance); doing it twice is fine."""
    require(user, "staff")
    answer = session.get(Post, answer_id) if is_valid_id(answer_id) else None
    if answer is None or not answer.is_answer or answer.is_deleted:
        raise posting.no_such("answer", answer_id)
    require(user, "verify", answer)
    reputation.lock_rows(session, [answer.id])
    existing = session.scalar(select(StaffVerification).where(StaffVerification.answer_id == answer.id))
    if existing is not None:
        return existing
    verification = StaffVerification(answer_id=answer.id, user_id=user.id, created_at=clock.now())
    session.add(verification)
    session.flush()
    session.refresh(answer)
    audit.record(
        session,
        user,
        "verify",
        post=answer,
        reason=note,
        before={"verified_by_staff": None},
        after={"verified_by_staff": user.id},
    )
    return verification


def unverify_answer(session: Session, user: User, answer_id: object, note: str = "") -> None:
    require(user, "staff")
    answer = session.get(Post, answer_id) if is_valid_id(answer_id) else None
    if answer is None or not answer.is_answer:
        raise posting.no_such("answer", answer_id)
    reputation.lock_rows(session, [answer.id])
    existing = session.scalar(select(StaffVerification).where(StaffVerification.answer_id == answer.id))
    if existing is None:
        return
    before = {"verified_by_staff": existing.user_id}
    session.delete(existing)
    session.flush()
    session.refresh(answer)
    audit.record(
        session, user, "unverify", post=answer, reason=note, before=before, after={"verified_by_staff": None}
    )


# --- escalation ---------------------------------------------------------------------------


def escalate(session: Session, question: Post, reason: str) -> bool:
    """Raise `question` to staff once and announce it in the staff room; False if already raised."""
    if session.get(Escalation, question.id) is not None:
        return False
    session.add(Escalation(question_id=question.id, reason=reason, created_at=clock.now()))
    session.flush()
    announce(
        session,
        "question.escalated",
        question.id,
        {
            "reason": reason,
            "title": question.title,
            "source": question.source,
            "age_seconds": int((clock.now() - question.created_at).total_seconds()),
        },
    )
    return True


def escalate_overdue(session: Session, now: datetime | None = None, limit: int = 200) -> list[Post]:
    """Announce the queue's questions that went past the target unanswered, each once."""
    now = now or clock.now()
    raised = exists().where(Escalation.question_id == Post.id)
    questions = session.scalars(queue_query(now).where(_overdue(now), ~raised).limit(limit)).all()
    return [q for q in questions if escalate(session, q, "overdue")]


# --- the dashboard ------------------------------------------------------------------------


@dataclass
class Dashboard:
    days: list[datetime]
    per_day: dict[str, list[int]]  # source -> count per day
    median_first_answer: float | None  # seconds
    median_acceptance: float | None
    answered_by_staff: int
    answered_by_community: int
    helpers: list[tuple[User, int, int]]  # member, answers, reputation gained
    waiting: int
    overdue: int


def dashboard(session: Session, days: int = 30, now: datetime | None = None) -> Dashboard:
    """Figures over the last `days` days: volume by source, response times, who answers."""
    now = now or clock.now()
    first_day = reputation.start_of_utc_day(now) - timedelta(days=days - 1)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    questions = session.execute(
        select(Post.id, Post.source, Post.created_at, Post.accepted_at).where(
            Post.kind == "question", Post.deleted_at.is_(None), Post.created_at >= first_day
        )
    ).all()
    per_day: dict[str, list[int]] = {"web": [0] * days, "twitter": [0] * days}
    for _id, source, created_at, _accepted in questions:
        index = (reputation.start_of_utc_day(created_at) - first_day).days
        per_day.setdefault(source, [0] * days)[index] += 1
    ids = [row[0] for row in questions]
    first_answers = dict(session.execute(
        select(Post.question_id, func.min(Post.created_at))
        .where(Post.kind == "answer", Post.deleted_at.is_(None), Post.question_id.in_(ids))
        .group_by(Post.question_id)
    ).tuples().all()) if ids else {}  # fmt: skip
    created = {row[0]: row[2] for row in questions}
    to_answer = [(at - created[qid]).total_seconds() for qid, at in first_answers.items()]
    to_accept = [(row[3] - row[2]).total_seconds() for row in questions if row[3] is not None]
    staff_answered = set(session.scalars(
        select(Post.question_id).join(User, User.id == Post.author_id)
        .where(Post.kind == "answer", Post.deleted_at.is_(None), Post.question_id.in_(ids),
               User.role.in_(STAFF_ROLES))
    )) if ids else set()  # fmt: skip
    helpers = session.execute(
        select(User, func.count(func.distinct(Post.id)))
        .join(
            Post,
            and_(
                Post.author_id == User.id,
                Post.kind == "answer",
                Post.deleted_at.is_(None),
                Post.created_at >= first_day,
            ),
        )
        .where(User.role == "member")
        .group_by(User.id)
        .order_by(func.count(func.distinct(Post.id)).desc(), User.id)
        .limit(10)
    ).all()
    gains = dict(session.execute(
        select(ReputationEvent.user_id, func.sum(ReputationEvent.delta))
        .where(ReputationEvent.created_at >= first_day,
               ReputationEvent.user_id.in_([u.id for u, _count in helpers]))
        .group_by(ReputationEvent.user_id)
    ).tuples().all()) if helpers else {}  # fmt: skip
    waiting = queue_items(session, list(session.scalars(queue_query(now).limit(500))), now)
    return Dashboard(
        days=day_list,
        per_day=per_day,
        median_first_answer=statistics.median(to_answer) if to_answer else None,
        median_acceptance=statistics.median(to_accept) if to_accept else None,
        answered_by_staff=len(staff_answered),
        answered_by_community=len(set(first_answers) - staff_answered),
        helpers=[(user, count, int(gains.get(user.id, 0) or 0)) for user, count in helpers],
        waiting=len(waiting),
        overdue=sum(1 for item in waiting if item.overdue),
    )
