"""The reputation ledger: every change is a row; the cached column follows it.

`users.reputation` is max(1, 1 + sum of the user's rows), refreshed in SQL
inside the same transaction that writes the rows, so it cannot disagree
with the ledger. Nothing is updated in place: undoing writes reversing rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from forum import clock
from forum.models import Post, ReputationEvent, User
from forum.vocabulary import Term, Vocabulary

# Why a ledger row was written, as anyone may read it on a profile: "+10 upvote on <title>".
LEDGER_REASONS = Vocabulary(
    Term("question_upvoted", _l("upvote")),
    Term("answer_upvoted", _l("upvote")),
    Term("post_downvoted", _l("downvote")),
    Term("downvoted_answer", _l("downvote cast")),
    Term("answer_accepted", _l("accepted answer")),
    Term("accepted_an_answer", _l("accepted an answer")),
    Term("vote_undone", _l("vote undone")),
    Term("accept_undone", _l("acceptance undone")),
    Term("deleted_as_spam", _l("deleted as spam or offensive")),
    Term("undeleted", _l("undeleted")),
    # Votes and accepts a post received on the site it was imported from (forum/importers/).
    Term("imported", _l("votes and accepts imported with")),
)
# What the owner of the ledger reads instead (in the second person).
OWN_LEDGER_LABELS = {
    "downvoted_answer": _l("you downvoted"),
    "accepted_an_answer": _l("you accepted an answer"),
}
# Rows about a vote the user cast (a downvote on an answer costs its voter a point). Only the
# voter sees them, with their reversals: a profile never tells who downvoted what.
CAST_VOTE_REASONS = ("downvoted_answer",)
UPVOTE_REASONS = ("question_upvoted", "answer_upvoted")


def points(event: str) -> int:
    return int(current_app.config["REPUTATION_POINTS"][event])


def lock_rows(session: Session, post_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    """Take write locks on posts, then users, in id order.

    A no-op UPDATE locks the row on PostgreSQL and takes SQLite's write lock
    at once, so the reads that follow see every earlier commit and two
    concurrent votes or accepts on the same rows run one after the other.
    """
    for post_id in sorted(set(post_ids)):
        session.execute(update(Post).where(Post.id == post_id).values(score=Post.score))
    for user_id in sorted(set(user_ids)):
        session.execute(update(User).where(User.id == user_id).values(reputation=User.reputation))


def _ledger_sum(user_id):
    return (
        select(func.coalesce(func.sum(ReputationEvent.delta), 0))
        .where(ReputationEvent.user_id == user_id)
        .scalar_subquery()
    )


def refresh_cached_reputation(session: Session, user_ids: Iterable[int]) -> None:
    for user_id in set(user_ids):
        total = 1 + _ledger_sum(user_id)
        session.execute(
            update(User).where(User.id == user_id).values(reputation=case((total < 1, 1), else_=total))
        )


def record(
    session: Session,
    user_id: int,
    delta: int,
    reason: str,
    post_id: int | None = None,
    vote_id: int | None = None,
    counts_for_privileges: bool = True,
) -> ReputationEvent:
    """Write one ledger row (even a zero-point one is skipped) and refresh the cache."""
    event = ReputationEvent(
        user_id=user_id, delta=delta, reason=reason, post_id=post_id, vote_id=vote_id,
        created_at=clock.now(), counts_for_privileges=counts_for_privileges,
    )  # fmt: skip
    session.add(event)
    session.flush()
    refresh_cached_reputation(session, [user_id])
    return event


def start_of_utc_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def upvote_gain_today(session: Session, user_id: int) -> int:
    """Points gained from upvotes since midnight UTC (what the daily cap limits)."""
    since = start_of_utc_day(clock.now())
    return (
        session.scalar(
            select(func.coalesce(func.sum(ReputationEvent.delta), 0)).where(
                ReputationEvent.user_id == user_id,
                ReputationEvent.reason.in_(UPVOTE_REASONS),
                ReputationEvent.created_at >= since,
            )
        )
        or 0
    )


def capped_upvote_gain(session: Session, user_id: int, full: int) -> int:
    """`full` points, cut so the day's upvote gains stay within the cap (partial credit)."""
    room = current_app.config["REPUTATION_DAILY_UPVOTE_CAP"] - upvote_gain_today(session, user_id)
    return max(0, min(full, room))


def reverse(
    session: Session,
    reason: str,
    *,
    vote_id: int | None = None,
    post_id: int | None = None,
    reasons: tuple[str, ...] = (),
) -> list[ReputationEvent]:
    """Write rows that cancel what is left of earlier rows (by vote, or by post and reasons)."""
    query = select(
        ReputationEvent.user_id,
        ReputationEvent.post_id,
        ReputationEvent.counts_for_privileges,
        func.sum(ReputationEvent.delta),
    )
    if vote_id is not None:
        query = query.where(ReputationEvent.vote_id == vote_id)
    else:
        query = query.where(
            ReputationEvent.post_id == post_id, ReputationEvent.reason.in_((*reasons, reason))
        )
    rows = session.execute(
        query.group_by(
            ReputationEvent.user_id, ReputationEvent.post_id, ReputationEvent.counts_for_privileges
        )
    ).all()
    return [
        record(
            session, user_id, -net, reason, post_id=row_post_id, vote_id=vote_id, counts_for_privileges=counts
        )
        for user_id, row_post_id, counts, net in rows
        if net
    ]


def privilege_reputation(session: Session, user_id: int) -> int:
    """The reputation that unlocks privileges: the same sum without the rows that count for none."""
    total = (
        session.scalar(
            select(func.coalesce(func.sum(ReputationEvent.delta), 0)).where(
                ReputationEvent.user_id == user_id, ReputationEvent.counts_for_privileges.is_(True)
            )
        )
        or 0
    )
    return max(1, 1 + total)


@dataclass
class Drift:
    user_id: int
    username: str
    cached: int
    ledger: int


def find_drift(
    session: Session, progress: Callable[[int], None] | None = None, batch: int = 5000
) -> list[Drift]:
    """Users whose cached reputation differs from max(1, 1 + their ledger sum)."""
    sums = dict(
        session.execute(
            select(ReputationEvent.user_id, func.sum(ReputationEvent.delta)).group_by(ReputationEvent.user_id)
        )
        .tuples()
        .all()
    )
    drift: list[Drift] = []
    last_id = 0
    while True:
        users = session.execute(
            select(User.id, User.username, User.reputation)
            .where(User.id > last_id)
            .order_by(User.id)
            .limit(batch)
        ).all()
        if not users:
            break
        for user_id, username, cached in users:
            expected = max(1, 1 + int(sums.get(user_id, 0) or 0))
            if cached != expected:
                drift.append(Drift(user_id, username, cached, expected))
        last_id = users[-1][0]
        if progress:
            progress(len(users))
    return drift


def fix_drift(session: Session, drift: list[Drift], batch: int = 1000) -> None:
    """Set each drifted user's cached reputation to the ledger's (bulk UPDATE by primary key)."""
    for start in range(0, len(drift), batch):
        session.execute(
            update(User),
            [{"id": item.user_id, "reputation": item.ledger} for item in drift[start : start + batch]],
        )


def ledger_for(session: Session, user: User, limit: int = 200) -> list[ReputationEvent]:
    return list(
        session.scalars(
            select(ReputationEvent)
            .where(ReputationEvent.user_id == user.id)
            .order_by(ReputationEvent.created_at.desc(), ReputationEvent.id.desc())
            .limit(limit)
        )
    )


def visible_ledger(user: User, viewer: User | None) -> Select[tuple[ReputationEvent]]:
    """`user`'s ledger rows, newest first, as `viewer` (None: a visitor) may see them.

    The owner sees every row; anyone else, moderators included, sees none of
    the rows about votes the user cast (CAST_VOTE_REASONS, and the rows that
    reversed them, which share their vote id).
    """
    query = select(ReputationEvent).where(ReputationEvent.user_id == user.id)
    if viewer is None or viewer.id != user.id:
        cast_votes = select(ReputationEvent.vote_id).where(
            ReputationEvent.user_id == user.id,
            ReputationEvent.reason.in_(CAST_VOTE_REASONS),
            ReputationEvent.vote_id.is_not(None),
        )
        query = query.where(
            ReputationEvent.reason.not_in(CAST_VOTE_REASONS),
            or_(ReputationEvent.vote_id.is_(None), ReputationEvent.vote_id.not_in(cast_votes)),
        )
    return query.order_by(ReputationEvent.created_at.desc(), ReputationEvent.id.desc())


@dataclass
class LedgerGroup:
    """One post's ledger rows of one UTC day, as a profile lists them ("+40 4 upvotes on ...").

    A row without a post stands alone. `reasons` counts the rows of each
    reason, newest reason first.
    """

    day: datetime
    post_id: int | None
    post: Post | None
    latest: datetime
    delta: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self, own: bool) -> str:
        """The reasons in words: "upvote", "4 upvotes", "2 upvotes, accepted answer"."""
        words = []
        for reason, count in self.reasons.items():
            own_label = OWN_LEDGER_LABELS.get(reason) if own else None
            label = str(own_label) if own_label is not None else LEDGER_REASONS.label(reason)
            if count > 1:
                label = _counted_reason(reason, count) or _("%(count)d × %(label)s", count=count, label=label)
            words.append(label)
        return ", ".join(words)


def _counted_reason(reason: str, count: int) -> str | None:
    """Several rows of one reason on one post and day: "4 upvotes"; None for the reasons
    that read "3 × vote undone"."""
    if reason in UPVOTE_REASONS:
        return ngettext("%(num)d upvote", "%(num)d upvotes", count)
    if reason == "post_downvoted":
        return ngettext("%(num)d downvote", "%(num)d downvotes", count)
    if reason == "answer_accepted":
        return ngettext("%(num)d accepted answer", "%(num)d accepted answers", count)
    return None


def ledger_groups(session: Session, user: User, viewer: User | None, rows: int = 200) -> list[LedgerGroup]:
    """The newest `rows` ledger rows `viewer` may see, grouped by post and UTC day, newest first."""
    groups: dict[tuple, LedgerGroup] = {}
    with_posts = selectinload(ReputationEvent.post).selectinload(Post.question)
    for event in session.scalars(visible_ledger(user, viewer).options(with_posts).limit(rows)):
        day = start_of_utc_day(event.created_at)
        key = (day, event.post_id) if event.post_id is not None else (day, None, event.id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = LedgerGroup(day, event.post_id, event.post, event.created_at)
        group.delta += event.delta
        group.reasons[event.reason] = group.reasons.get(event.reason, 0) + 1
    return list(groups.values())


def reputation_history(session: Session, user: User) -> list[tuple[datetime, int]]:
    """(day, reputation at the end of that day) for each day with ledger rows."""
    rows = session.execute(
        select(ReputationEvent.created_at, ReputationEvent.delta)
        .where(ReputationEvent.user_id == user.id)
        .order_by(ReputationEvent.created_at, ReputationEvent.id)
    ).all()
    history: list[tuple[datetime, int]] = [(start_of_utc_day(user.created_at), 1)]
    running = 0
    for created_at, delta in rows:
        running += delta
        day = start_of_utc_day(created_at)
        value = max(1, 1 + running)
        if history and history[-1][0] == day:
            history[-1] = (day, value)
        else:
            history.append((day, value))
    if history[-1][0] < start_of_utc_day(clock.now()):
        history.append((start_of_utc_day(clock.now()) + timedelta(0), history[-1][1]))
    return history
