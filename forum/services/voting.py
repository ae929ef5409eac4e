"""Voting on questions and answers, and what each vote is worth.

One vote per user and post (a unique constraint), up or down; voting the
same way twice changes nothing; a vote can be changed or undone within the
vote window, or later if the post was edited after it. Score is the sum of
the votes (plus an imported post's `imported_score`), set in SQL in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, User, Vote
from forum.services import posting, reputation
from forum.services.errors import Forbidden, Invalid, NotFound
from forum.services.permissions import require


class VoteLocked(Forbidden):
    code = "vote_locked"


class VoteLimitReached(Forbidden):
    code = "vote_limit_reached"


@dataclass
class VoteResult:
    score: int
    my_vote: int
    changed: bool


def my_votes(session: Session, user: User | None, post_ids: list[int]) -> dict[int, int]:
    """The viewer's votes on a page of posts, for showing the buttons pressed."""
    if user is None or not getattr(user, "is_authenticated", False) or not post_ids:
        return {}
    rows = session.execute(
        select(Vote.post_id, Vote.value).where(Vote.user_id == user.id, Vote.post_id.in_(post_ids))
    )
    return dict(rows.tuples().all())


def vote_window_open(vote: Vote, post: Post) -> bool:
    """A vote may change within the window, or after the post was edited since."""
    window = timedelta(seconds=current_app.config["VOTE_WINDOW_SECONDS"])
    return clock.now() < vote.updated_at + window or post.updated_at > vote.updated_at


def _vote_locked(change: str) -> VoteLocked:
    """The refusal for a vote past its window; `change` is "change" or "be undone"."""
    window = clock.duration_words(current_app.config["VOTE_WINDOW_SECONDS"])
    if change == "be undone":
        return VoteLocked(
            _(
                "Your vote is locked in: votes can be undone only within %(window)s, "
                "or after the post is edited.",
                window=window,
            )
        )
    return VoteLocked(
        _(
            "Your vote is locked in: votes can change only within %(window)s, or after the post is edited.",
            window=window,
        )
    )


def _check_value(value: object) -> int:
    if type(value) is not int or value not in (1, -1):
        raise Invalid({"value": _("must be 1 (up) or -1 (down)")})
    return value


def _refresh_score(session: Session, post: Post) -> int:
    total = select(func.coalesce(func.sum(Vote.value), 0)).where(Vote.post_id == post.id).scalar_subquery()
    # An imported post starts from the score its votes on the other site brought.
    session.execute(update(Post).where(Post.id == post.id).values(score=Post.imported_score + total))
    session.refresh(post, ["score"])
    return post.score


def _votes_cast_today(session: Session, user: User) -> int:
    since = reputation.start_of_utc_day(clock.now())
    return (
        session.scalar(
            select(func.count()).select_from(Vote).where(Vote.user_id == user.id, Vote.created_at >= since)
        )
        or 0
    )


def _award(session: Session, vote: Vote, post: Post, voter: User) -> None:
    """Write the ledger rows a new vote earns."""
    if vote.value == 1:
        event = "question_upvoted" if post.is_question else "answer_upvoted"
        gain = reputation.capped_upvote_gain(session, post.author_id, reputation.points(event))
        reputation.record(session, post.author_id, gain, event, post.id, vote.id)
        return
    reputation.record(
        session, post.author_id, reputation.points("post_downvoted"), "post_downvoted", post.id, vote.id
    )
    if post.is_answer:
        reputation.record(
            session, voter.id, reputation.points("downvoted_answer"), "downvoted_answer", post.id, vote.id
        )


def _withdraw(session: Session, vote: Vote) -> None:
    reputation.reverse(session, "vote_undone", vote_id=vote.id)
    session.delete(vote)
    session.flush()


def cast_vote(session: Session, voter: User, post_id: int, value: object) -> VoteResult:
    """Vote `value` (1 or -1) on a post, or change an earlier vote within the window."""
    value = _check_value(value)
    post = posting.get_post(session, post_id, fresh=True)
    require(voter, "vote_up" if value == 1 else "vote_down", post)
    reputation.lock_rows(session, [post.id], [voter.id, post.author_id])
    existing = session.scalar(select(Vote).where(Vote.post_id == post.id, Vote.user_id == voter.id))
    if existing is not None and existing.value == value:
        return VoteResult(post.score, value, changed=False)
    if existing is not None:
        if not vote_window_open(existing, post):
            raise _vote_locked("change")
        _withdraw(session, existing)
    elif _votes_cast_today(session, voter) >= current_app.config["DAILY_VOTE_LIMIT"]:
        raise VoteLimitReached(
            _(
                "You have used all %(limit)d votes for today; more are available after midnight UTC.",
                limit=current_app.config["DAILY_VOTE_LIMIT"],
            )
        )
    now = clock.now()
    vote = Vote(post_id=post.id, user_id=voter.id, value=value, created_at=now, updated_at=now)
    session.add(vote)
    session.flush()
    _award(session, vote, post, voter)
    return VoteResult(_refresh_score(session, post), value, changed=True)


def undo_vote(session: Session, voter: User, post_id: int) -> VoteResult:
    post = posting.get_post(session, post_id, fresh=True)
    require(voter, "undo_vote", post)
    reputation.lock_rows(session, [post.id], [voter.id, post.author_id])
    existing = session.scalar(select(Vote).where(Vote.post_id == post.id, Vote.user_id == voter.id))
    if existing is None:
        raise NotFound(_("You have not voted on this post."))
    if not vote_window_open(existing, post):
        raise _vote_locked("be undone")
    _withdraw(session, existing)
    return VoteResult(_refresh_score(session, post), 0, changed=True)
