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
not deleted. Readers see it grouped by its first tag, pinned entries first,
then their own language, then by demand.

Staff curate entries (`curate`): pin one first, hide one from readers, or show it
under another title. Their choices are kept in faq_curation, one row per question,
which a refresh never touches, and each change is written to the audit log.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from forum import clock
from forum.models import (
    FaqCuration,
    FaqEntry,
    HelpedVote,
    Post,
    QuestionView,
    ReplyOutbox,
    SearchClick,
    SearchLog,
    StaffVerification,
    User,
)
from forum.services import audit
from forum.services.errors import Invalid, NotFound
from forum.services.permissions import require
from forum.services.search_log import need_terms
from forum.services.validation import TITLE, clean_text, is_valid_id

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


def live(entry: FaqEntry) -> bool:
    """Its question and answer are still there and the question is not closed: an entry that
    stops being so since the refresh is left out at once."""
    return not entry.question.is_deleted and not entry.question.closed and not entry.answer.is_deleted


def visible(entry: FaqEntry) -> bool:
    """Readers see it: live, and not hidden by staff."""
    return live(entry) and not entry.hidden


@dataclass
class FaqGroup:
    tag: str | None
    entries: list[FaqEntry]


def entries(session: Session, language: str, *, with_hidden: bool = False) -> list[FaqEntry]:
    """The FAQ for a reader of `language`: pinned entries first, then their language, then by
    demand. An entry whose question or answer was deleted or closed since the refresh is left
    out at once; hidden entries only `with_hidden` (for staff, who may show them again)."""
    found = session.scalars(
        select(FaqEntry)
        .options(selectinload(FaqEntry.curation))
        .order_by(FaqEntry.demand.desc(), FaqEntry.question_id)
    ).all()
    kept = [entry for entry in found if live(entry) and (with_hidden or not entry.hidden)]
    return sorted(kept, key=lambda entry: (not entry.pinned, entry.question.language != language))


def grouped(faq: list[FaqEntry]) -> list[FaqGroup]:
    """Entries by their question's first tag, groups in order of their first entry."""
    groups: dict[str | None, FaqGroup] = {}
    for entry in faq:
        tags = entry.question.tag_names
        tag = tags[0] if tags else None
        groups.setdefault(tag, FaqGroup(tag, [])).entries.append(entry)
    return list(groups.values())


# --- staff curation: pin, hide, retitle -----------------------------------------------------

# `curate`'s default for each part: leave it as it is.
KEEP: object = object()
# The audit action of each switch: (when turned on, when turned off).
_AUDITED = {"pinned": ("faq_pin", "faq_unpin"), "hidden": ("faq_hide", "faq_unhide")}


def entry_in_faq(session: Session, question_id: object) -> FaqEntry:
    """The live FAQ entry of a question (hidden or not), or NotFound."""
    entry = (
        session.scalar(select(FaqEntry).where(FaqEntry.question_id == question_id))
        if is_valid_id(question_id)
        else None
    )
    if entry is None or not live(entry):
        raise NotFound(_("Question %(id)s is not in the FAQ.", id=question_id))
    return entry


def curate(
    session: Session,
    user: User,
    question_id: object,
    *,
    pinned: object = KEEP,
    hidden: object = KEEP,
    title: object = KEEP,
) -> FaqEntry:
    """Staff pin, hide or retitle an FAQ entry; a part left as KEEP stays as it is. A title of
    None or "" restores the question's own. Each part that changes is one audit entry on the
    question; a refresh keeps them all."""
    require(user, "staff")
    errors: dict[str, str] = {}
    for name, value in (("pinned", pinned), ("hidden", hidden)):
        if value is not KEEP and not isinstance(value, bool):
            errors[name] = _("must be true or false")
    new_title: object = KEEP
    if title is None or title == "":
        new_title = None
    elif title is not KEEP:
        new_title = clean_text(title, "title", TITLE, errors)
    if errors:
        raise Invalid(errors)
    entry = entry_in_faq(session, question_id)
    question = entry.question
    if new_title == question.title:
        new_title = None  # the question's own: nothing of staff's to keep
    curation = entry.curation or FaqCuration(question_id=question.id, pinned=False, hidden=False, title=None)
    changed = False
    for name, value in (("pinned", pinned), ("hidden", hidden)):
        if value is KEEP or getattr(curation, name) == value:
            continue
        setting, clearing = _AUDITED[name]
        audit.record(
            session,
            user,
            setting if value else clearing,
            post=question,
            before={f"faq_{name}": getattr(curation, name)},
            after={f"faq_{name}": value},
        )
        setattr(curation, name, value)
        changed = True
    if new_title is not KEEP and new_title != curation.title:
        audit.record(
            session,
            user,
            "faq_retitle",
            post=question,
            before={"faq_title": curation.title},
            after={"faq_title": new_title},
        )
        curation.title = new_title  # type: ignore[assignment]
        changed = True
    if changed:
        curation.updated_by_id = user.id
        curation.updated_at = clock.now()
        session.add(curation)
    session.flush()
    session.refresh(entry, ["curation"])
    return entry


# --- the FAQ on the ask page ----------------------------------------------------------------


def close_match(title: str | None, entry_title: str | None) -> bool:
    """Two titles are close when they share at least half of the entry title's analysed words
    (folded and stemmed, common words out), and at least two when it has two or more."""
    mine, theirs = set(need_terms(title or "").split()), set(need_terms(entry_title or "").split())
    shared = mine & theirs
    return bool(theirs) and len(shared) >= min(2, len(theirs)) and 2 * len(shared) >= len(theirs)


def visible_entries(session: Session, question_ids: list[int]) -> dict[int, FaqEntry]:
    """question id -> its FAQ entry, for those of `question_ids` readers see in the FAQ."""
    if not question_ids:
        return {}
    found = session.scalars(
        select(FaqEntry)
        .options(selectinload(FaqEntry.curation))
        .where(FaqEntry.question_id.in_(question_ids))
    )
    return {entry.question_id: entry for entry in found if visible(entry)}


def matching_entry(title: str | None, entry: FaqEntry) -> bool:
    """`title` closely matches the entry under the title it shows or its question's own."""
    return close_match(title, entry.title) or close_match(title, entry.question.title)


class _Hit(Protocol):
    question_id: int


Hit = TypeVar("Hit", bound=_Hit)


def faq_first(
    session: Session, title: str | None, hits: list[Hit], limit: int
) -> tuple[list[Hit], FaqEntry | None]:
    """The ask page's similar questions with the FAQ first: the best ranked of `hits` that is an
    entry readers see and closely matches `title` moves to the top (found among all the `hits`,
    which may be more than `limit`); then the others in their order, `limit` in all. Also that
    entry, or None."""
    found = first_match(session, title, [hit.question_id for hit in hits])
    if found is None:
        return hits[:limit], None
    position, entry = found
    return [hits[position], *hits[:position], *hits[position + 1 :]][:limit], entry


def first_match(session: Session, title: str | None, question_ids: list[int]) -> tuple[int, FaqEntry] | None:
    """The first of `question_ids` (best ranked first) that is an entry readers see and closely
    matches `title`: its place in the list and the entry; None when there is none."""
    entries = visible_entries(session, question_ids)
    for position, question_id in enumerate(question_ids):
        entry = entries.get(question_id)
        if entry is not None and matching_entry(title, entry):
            return position, entry
    return None
