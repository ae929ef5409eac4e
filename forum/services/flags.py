"""Flags: members report posts and comments; moderators work the queue.

Raising a flag needs the `flag` privilege. FLAGS_TO_HIDE open spam or
offensive flags on a post hide it until a moderator reviews it. The queue
is ordered by weight (the sum of a post's open flags, spam and offensive
counting most) and then by age, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Case, Select, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from forum import clock
from forum.models import Comment, Flag, Post, User
from forum.models.moderation import FLAG_REASONS, FLAG_STATUSES, flag_weight
from forum.representations import flag_json
from forum.services import audit, moderation, posting, reputation, staff
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.permissions import require
from forum.services.validation import is_valid_id

RESOLUTIONS = ("handled", "declined")
TEXT_MIN = 10


def flags_to_hide() -> int:
    return int(current_app.config["FLAGS_TO_HIDE"])


def _clean_reason_and_text(reason: object, text: object, post: Post, on_comment: bool) -> str:
    errors: dict[str, str] = {}
    if reason not in FLAG_REASONS:
        errors["reason"] = _("must be one of %(values)s", values=FLAG_REASONS.one_of())
    elif reason == "not_an_answer" and (post.is_question or on_comment):
        errors["reason"] = _("not_an_answer is only for answers")
    if text is None:
        text = ""
    if not isinstance(text, str):
        errors["text"] = _("must be a string")
        text = ""
    text = text.strip()
    if reason == "needs_attention" and len(text) < TEXT_MIN:
        errors["text"] = _("say what needs attention, in at least %(min)d characters", min=TEXT_MIN)
    elif len(text) > moderation.NOTE_MAX:
        errors["text"] = _(
            "must be at most %(max)d characters (it has %(has)d)", max=moderation.NOTE_MAX, has=len(text)
        )
    if errors:
        raise Invalid(errors)
    return text


def raise_flag(
    session: Session,
    user: User,
    post_id: object,
    reason: object,
    text: object = "",
    comment_id: object = None,
) -> Flag:
    """Flag a post, or a comment on it. One open flag per person and target."""
    post = session.get(Post, post_id) if is_valid_id(post_id) else None
    if post is None or post.is_deleted:
        raise posting.no_such("post", post_id)
    require(user, "flag", post)
    comment = None
    if comment_id is not None:
        comment = session.get(Comment, comment_id) if is_valid_id(comment_id) else None
        if comment is None or comment.post_id != post.id or comment.deleted_at is not None:
            raise NotFound(
                _("There is no comment %(comment)s on post %(post)d.", comment=comment_id, post=post.id)
            )
    clean_text = _clean_reason_and_text(reason, text, post, comment is not None)
    flagged = comment if comment is not None else post
    require(user, "flag", flagged, reason=str(reason))  # on your own: "needs attention" only
    reputation.lock_rows(session, [post.id])
    mine = session.scalar(
        select(Flag.id).where(
            Flag.post_id == post.id,
            Flag.user_id == user.id,
            Flag.status == "open",
            Flag.comment_id.is_(None) if comment is None else Flag.comment_id == comment.id,
        )
    )
    if mine is not None:
        raise Conflict(_("You have already flagged this; a moderator will look at it."))
    flag = Flag(
        post_id=post.id,
        comment_id=comment.id if comment else None,
        user_id=user.id,
        reason=str(reason),
        text=clean_text,
        status="open",
        created_at=clock.now(),
    )
    session.add(flag)
    session.flush()
    # Flags never hide staff, moderators or admins on their own: those wait for a moderator.
    hiding = reason in moderation.PENALISED_REASONS and comment is None and not post.author.is_staff
    if hiding and moderation.open_hiding_flags(session, post) >= flags_to_hide():
        moderation.hide_by_flags(session, post)
    staff.announce(session, "flag.created", post.thread.id, {"flag": flag_json(flag)})
    if reason == "needs_attention":
        staff.escalate(session, post.thread, "needs_attention")
    return flag


def _get_flag(session: Session, flag_id: object) -> Flag:
    flag = session.get(Flag, flag_id) if is_valid_id(flag_id) else None
    if flag is None:
        raise NotFound(_("There is no flag %(id)s.", id=flag_id))
    return flag


def resolve_flag(
    session: Session, moderator: User, flag_id: object, action: object, note: object = ""
) -> Flag:
    """Mark an open flag handled or declined, with a note. Declining the last spam or
    offensive flag of a post that flags hid brings the post back."""
    require(moderator, "moderate")
    flag = _get_flag(session, flag_id)
    if action not in RESOLUTIONS:
        raise Invalid({"action": _("must be handled or declined")})
    note_text = moderation.clean_note(note)
    reputation.lock_rows(session, [flag.post_id])
    session.refresh(flag)
    if flag.status != "open":
        if flag.status == "handled":
            raise Conflict(_("Flag %(id)d is already handled.", id=flag.id))
        raise Conflict(_("Flag %(id)d is already declined.", id=flag.id))
    flag.status = str(action)
    flag.resolved_by_id = moderator.id
    flag.resolved_at = clock.now()
    flag.resolution_note = note_text
    session.flush()
    audit.record(
        session,
        moderator,
        f"flag_{action}",
        post=flag.post,
        reason=note_text,
        before={"flag": flag.id, "reason": flag.reason, "status": "open"},
        after={"flag": flag.id, "reason": flag.reason, "status": flag.status},
    )
    if action == "declined":
        moderation.restore_after_review(session, moderator, flag.post)
    return flag


def bulk_resolve(
    session: Session, moderator: User, flag_ids: object, action: object, note: object = ""
) -> list[Flag]:
    """Resolve several flags with one action and note; flags already resolved are skipped."""
    require(moderator, "moderate")
    ids = moderation.clean_id_list(flag_ids, "flag_ids")
    resolved = []
    for flag_id in ids:
        flag = _get_flag(session, flag_id)
        if flag.status == "open":
            resolved.append(resolve_flag(session, moderator, flag_id, action, note))
    if not resolved:
        raise Conflict(_("None of those flags is open."))
    return resolved


def _weights(flag: type[Flag] | Flag) -> Case[int]:
    return case({term.value: term.weight for term in FLAG_REASONS}, value=flag.reason, else_=1)


def queue_query(status: object = "open") -> Select:
    """Flags with `status`: open ones by their post's weight then age; resolved ones newest first."""
    if status not in FLAG_STATUSES:
        raise Invalid({"status": _("must be one of %(values)s", values=", ".join(FLAG_STATUSES))})
    query = (
        select(Flag)
        .where(Flag.status == status)
        .options(
            selectinload(Flag.post).selectinload(Post.author),
            selectinload(Flag.user),
            selectinload(Flag.comment),
            selectinload(Flag.resolved_by),
        )
    )
    if status != "open":
        return query.order_by(Flag.resolved_at.desc(), Flag.id.desc())
    other = aliased(Flag)
    weight = (
        select(func.sum(_weights(other)))
        .where(other.post_id == Flag.post_id, other.status == "open")
        .correlate(Flag)
        .scalar_subquery()
    )
    oldest = (
        select(func.min(other.created_at))
        .where(other.post_id == Flag.post_id, other.status == "open")
        .correlate(Flag)
        .scalar_subquery()
    )
    return query.order_by(weight.desc(), oldest, Flag.post_id, Flag.created_at, Flag.id)


@dataclass
class QueueGroup:
    """The open flags on one post, as the queue page shows them."""

    post: Post
    flags: list[Flag] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return sum(flag_weight(f.reason) for f in self.flags)

    @property
    def oldest(self) -> datetime:
        return min(f.created_at for f in self.flags)

    @property
    def hiding(self) -> int:
        return sum(1 for f in self.flags if f.reason in moderation.PENALISED_REASONS and not f.comment_id)


def grouped(flags: list[Flag]) -> list[QueueGroup]:
    """Consecutive flags of one post (as `queue_query` orders them) become one group."""
    groups: dict[int, QueueGroup] = {}
    for flag in flags:
        groups.setdefault(flag.post_id, QueueGroup(flag.post)).flags.append(flag)
    return list(groups.values())


def open_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Flag).where(Flag.status == "open")) or 0
