"""Deflection: asks that did not happen because a suggestion answered them, and the weekly
figures of the self-learning FAQ on the staff dashboard.

A *deflected ask*: on the ask page, a visitor opens a suggested similar
question (static/js/similar.js links through /ask/suggestions/<id>/open,
forum/web/faq.py) and posts no question within 30 minutes. One visitor's
opens, each within 30 minutes of the one before, are one attempt
(AskAttempt); it is deflected once 30 minutes have passed since its last
open without that visitor posting a question. The visitor is the search
log's daily key (forum/visitors.py); a question posted just after midnight
UTC is matched with yesterday's key as well.

The weekly figures (UTC weeks from Monday), WEEKLY_DEFINITIONS in words:
- deflected asks, counted in the week of the attempt's first open;
- "did this solve your problem?" answered yes and no (HelpedVote), in the
  week of the vote;
- searches without results (SearchLog rows with no result);
- the share of needs resolved: of the needs (searches grouped by their
  analysed words, services/needs.py) searched that week without an opened
  hit, the percentage that is resolved now, that is whose "Ask it"
  question has an accepted answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.orm import Session

from forum import clock
from forum.models import AskAttempt, HelpedVote, NeedQuestion, Post, SearchClick, SearchLog
from forum.services.reputation import start_of_utc_day

WINDOW = timedelta(minutes=30)
WEEKS = 8

WEEKLY_DEFINITIONS = {
    "deflected": _l(
        "A visitor on the ask page opened a suggested similar question and posted no question "
        "within 30 minutes. Opens less than 30 minutes apart are one ask."
    ),
    "helped": _l(
        "Answers to “Did this solve your problem?” under accepted and staff-verified answers, "
        "yes and no, one per visitor and answer."
    ),
    "no_results": _l("Searches from the search page or the API that found nothing."),
    "resolved": _l(
        "Of the needs searched that week without any result being opened, the share resolved now: "
        "staff asked them as a question that has an accepted answer."
    ),
}


def record_open(session: Session, visitor: str, post_id: int) -> AskAttempt:
    """Note that `visitor` opened the suggestion `post_id`: a new attempt, or the same one when
    their last open was less than 30 minutes ago and they have not asked since."""
    now = clock.now()
    attempt = session.scalar(
        select(AskAttempt)
        .where(
            AskAttempt.visitor == visitor,
            AskAttempt.asked_at.is_(None),
            AskAttempt.last_opened_at > now - WINDOW,
        )
        .order_by(AskAttempt.id.desc())
        .limit(1)
    )
    if attempt is None:
        attempt = AskAttempt(
            visitor=visitor, post_id=post_id, opens=1, first_opened_at=now, last_opened_at=now
        )
        session.add(attempt)
    else:
        attempt.opens += 1
        attempt.last_opened_at = now
    session.flush()
    return attempt


def record_ask(session: Session, visitor_keys: list[str]) -> None:
    """The visitor (under any of their keys) posted a question: their attempts of the last 30
    minutes were not deflected."""
    now = clock.now()
    session.execute(
        update(AskAttempt)
        .where(
            AskAttempt.visitor.in_(visitor_keys),
            AskAttempt.asked_at.is_(None),
            AskAttempt.last_opened_at > now - WINDOW,
        )
        .values(asked_at=now)
        .execution_options(synchronize_session=False)
    )


def deflected_at(session: Session, since: datetime, now: datetime) -> list[datetime]:
    """When each deflected ask since `since` began (its first open)."""
    return list(
        session.scalars(
            select(AskAttempt.first_opened_at).where(
                AskAttempt.first_opened_at >= since,
                AskAttempt.asked_at.is_(None),
                AskAttempt.last_opened_at <= now - WINDOW,
            )
        )
    )


def prune(session: Session, days: int) -> None:
    """Forget attempts older than `days` (with the search log's retention)."""
    cutoff = clock.now() - timedelta(days=days)
    session.execute(delete(AskAttempt).where(AskAttempt.first_opened_at < cutoff))


# --- the weekly figures -------------------------------------------------------------------


@dataclass
class Weekly:
    weeks: list[date]  # each week's Monday
    deflected: list[int]
    helped_yes: list[int]
    helped_no: list[int]
    no_results: list[int]
    needs_searched: list[int]
    needs_resolved: list[int]

    @property
    def resolved_percent(self) -> list[int | None]:
        return [
            round(100 * resolved / searched) if searched else None
            for searched, resolved in zip(self.needs_searched, self.needs_resolved, strict=True)
        ]


def week_start(moment: datetime) -> datetime:
    day = start_of_utc_day(moment)
    return day - timedelta(days=day.weekday())


def weekly(session: Session, weeks: int = WEEKS, now: datetime | None = None) -> Weekly:
    """The last `weeks` weeks, this one last."""
    now = now or clock.now()
    first = week_start(now) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]

    def counts(moments) -> list[int]:
        found = [0] * weeks
        for moment in moments:
            found[(week_start(moment) - first).days // 7] += 1
        return found

    votes = session.execute(
        select(HelpedVote.helped, HelpedVote.created_at).where(HelpedVote.created_at >= first)
    ).all()
    no_results = session.scalars(
        select(SearchLog.created_at).where(SearchLog.created_at >= first, SearchLog.result_count == 0)
    )
    # A need searched in a week without an opened hit: (week, terms), once each.
    unopened = session.execute(
        select(SearchLog.terms, SearchLog.created_at).where(
            SearchLog.created_at >= first,
            SearchLog.terms != "",
            ~exists().where(SearchClick.search_id == SearchLog.id),
        )
    ).all()
    searched: set[tuple[int, str]] = {((week_start(at) - first).days // 7, terms) for terms, at in unopened}
    resolved_terms = set(
        session.scalars(
            select(NeedQuestion.terms)
            .join(
                Post,
                and_(Post.id == NeedQuestion.question_id, Post.deleted_at.is_(None)),
            )
            .where(
                Post.accepted_answer_id.is_not(None),
                NeedQuestion.terms.in_({terms for _week, terms in searched} or {""}),
            )
        )
    )
    needs_searched = [0] * weeks
    needs_resolved = [0] * weeks
    for week, terms in searched:
        needs_searched[week] += 1
        needs_resolved[week] += terms in resolved_terms
    return Weekly(
        weeks=[start.date() for start in starts],
        deflected=counts(deflected_at(session, first, now)),
        helped_yes=counts(at for helped, at in votes if helped),
        helped_no=counts(at for helped, at in votes if not helped),
        no_results=counts(no_results),
        needs_searched=needs_searched,
        needs_resolved=needs_resolved,
    )
