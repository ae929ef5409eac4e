"""Moderator actions on posts: delete and undelete (soft), close and reopen,
lock, edit, merge a mirrored Twitter thread, curate accepted solutions.

Each action is one function that checks who may do it, validates the
reason, changes the posts and writes an audit entry with the state before
and after. Nothing commits; callers run these inside `retrying()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, Select, and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from forum import clock, i18n
from forum.changes import after_commit
from forum.models import Flag, Post, PostDeletion, User
from forum.services import acceptance, accounts, audit, posting, reputation
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.permissions import require
from forum.services.validation import is_valid_id, storable
from forum.vocabulary import Label, Term, Vocabulary


@dataclass(frozen=True)
class CloseReason(Term):
    """`label` names the reason in a moderator's choice; `because` ends "closed because ..."."""

    because: Label = ""


CLOSE_REASONS = Vocabulary(
    CloseReason(
        "duplicate", _l("Duplicate of another question"), because=_l("it duplicates another question")
    ),
    CloseReason("off_topic", _l("Off topic"), because=_l("it is off topic here")),
    CloseReason("needs_detail", _l("Needs detail or clarity"), because=_l("it needs more detail or clarity")),
    CloseReason("resolved_elsewhere", _l("Resolved elsewhere"), because=_l("it was resolved elsewhere")),
)
# What a moderator may give as the reason for deleting a post.
# What a moderator may give as the reason of a deletion.
DELETE_REASONS = Vocabulary(
    Term("spam", _l("spam")),
    Term("offensive", _l("rude or offensive")),
    Term("not_an_answer", _l("not an answer")),
    Term("low_quality", _l("very low quality")),
    Term("duplicate_answer", _l("duplicate answer")),
)
# These cost the author REPUTATION_POINTS["deleted_as_spam"], reversed on undelete.
PENALISED_REASONS = ("spam", "offensive")
# A post the author deleted themselves, or that flags hid.
BY_AUTHOR, BY_FLAGS = "by_author", "flags"
# Every reason a deletion can record, as pages show it.
DELETION_REASONS = Vocabulary(
    *DELETE_REASONS,
    Term(BY_AUTHOR, _l("deleted by its author")),
    Term(BY_FLAGS, _l("hidden by community flags")),
)
NOTE_MAX = 500
BULK_MAX = 100


def clean_note(value: object, field: str = "note", *, required: bool = False) -> str:
    """A free-text reason or note: a string of at most 500 characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid({field: _("must be a string")})
    text = storable(value).strip()
    if len(text) > NOTE_MAX:
        raise Invalid(
            {field: _("must be at most %(max)d characters (it has %(has)d)", max=NOTE_MAX, has=len(text))}
        )
    if required and not text:
        raise Invalid({field: _("is required")})
    return text


def find_post(session: Session, post_id: object, kind: str | None = None) -> Post:
    """Any post with this id, deleted or not (moderators see deleted posts)."""
    post = session.get(Post, post_id) if is_valid_id(post_id) else None
    if post is None or (kind is not None and post.kind != kind):
        raise posting.no_such(kind or "post", post_id)
    return post


def _lock(session: Session, *posts: Post) -> None:
    reputation.lock_rows(session, [p.id for p in posts])
    for post in posts:
        session.refresh(post)


# --- deletion -----------------------------------------------------------------------------


def _hide(session: Session, post: Post, reason: str, actor: User | None) -> None:
    """Soft-delete `post`: it leaves every list and count; its content stays for moderators."""
    now = clock.now()
    post.deleted_at = now
    if post.is_answer and post.question is not None:
        post.question.answer_count = max(0, (post.question.answer_count or 0) - 1)
    else:
        for tag in post.tags:
            tag.question_count = max(0, (tag.question_count or 0) - 1)
    deletion = session.get(PostDeletion, post.id)
    if deletion is None:
        deletion = PostDeletion(post_id=post.id)
        session.add(deletion)
    deletion.reason = reason
    deletion.deleted_by_id = actor.id if actor is not None else None
    deletion.hidden_by_flags = actor is None
    deletion.created_at = now
    session.flush()


def _show(session: Session, post: Post) -> None:
    post.deleted_at = None
    if post.is_answer and post.question is not None:
        post.question.answer_count = (post.question.answer_count or 0) + 1
    else:
        for tag in post.tags:
            tag.question_count = (tag.question_count or 0) + 1
    deletion = session.get(PostDeletion, post.id)
    if deletion is not None:
        session.delete(deletion)
    session.flush()


def delete_reason_label(reason: str) -> str:
    return DELETION_REASONS.label(reason)


def delete_post(
    session: Session, actor: User, post_id: object, reason: object = None, note: object = ""
) -> Post:
    """Soft-delete a post. Moderators give a reason; an author deletes their own while allowed.

    Deleting as spam or offensive costs the author the "deleted_as_spam"
    points (a ledger row) and settles the post's open flags as handled.
    Confirming a post that flags hid turns the hiding into this deletion.
    """
    post = find_post(session, post_id)
    note_text = clean_note(note)
    if actor.is_moderator:
        if reason not in DELETE_REASONS:
            raise Invalid({"reason": _("must be one of %(values)s", values=DELETE_REASONS.one_of())})
    elif post.author_id == getattr(actor, "id", None):
        if reason not in (None, "", BY_AUTHOR):
            raise Invalid(
                {"reason": _("only moderators give a reason; leave it out to delete your own post")}
            )
        reason = BY_AUTHOR
    require(actor, "delete", post)
    _lock(session, post)
    deletion = session.get(PostDeletion, post.id)
    # Its own deletion: an answer in a deleted question may still be deleted in its own right,
    # so that it stays deleted when the question comes back.
    if post.deleted_at is not None and not (
        deletion is not None and deletion.hidden_by_flags and actor.is_moderator
    ):
        raise Conflict(_("Post %(id)d is already deleted.", id=post.id))
    before = audit.post_state(post)
    thread = post.thread
    if post.is_answer and thread is not None and thread.accepted_answer_id == post.id and actor.is_moderator:
        acceptance.unaccept_answer(session, actor, thread.id)
    if post.deleted_at is not None and deletion is not None:  # hidden by flags: it becomes this one
        deletion.reason, deletion.deleted_by_id, deletion.hidden_by_flags = str(reason), actor.id, False
    else:
        _hide(session, post, str(reason), actor)
    if reason in PENALISED_REASONS:
        reputation.lock_rows(session, user_ids=[post.author_id])
        reputation.record(
            session, post.author_id, reputation.points("deleted_as_spam"), "deleted_as_spam", post.id
        )
    if actor.is_moderator:
        with force_locale(i18n.DEFAULT):  # a stored note, in the source language like the rest
            settled_note = f"deleted as {delete_reason_label(str(reason))}"
        _settle_flags(session, actor, post, "handled", settled_note)
    audit.record(
        session,
        actor,
        "delete",
        post=post,
        reason=note_text or str(reason),
        before=before,
        after={**audit.post_state(post), "delete_reason": reason},
    )
    return post


def undelete_post(session: Session, actor: User, post_id: object, note: object = "") -> Post:
    """Bring a deleted or hidden post back; a spam/offensive penalty is reversed."""
    require(actor, "moderate")
    post = find_post(session, post_id)
    note_text = clean_note(note)
    _lock(session, post)
    if post.deleted_at is None:
        if post.is_deleted:  # an answer hidden only because its question is deleted
            raise Conflict(
                _(
                    "Post %(id)d is in deleted question %(question)d: undelete that.",
                    id=post.id,
                    question=post.question_id,
                )
            )
        raise Conflict(_("Post %(id)d is not deleted.", id=post.id))
    deletion = session.get(PostDeletion, post.id)
    hidden_by_flags = deletion is not None and deletion.hidden_by_flags
    before = {**audit.post_state(post), "delete_reason": deletion.reason if deletion else None}
    _show(session, post)
    reputation.lock_rows(session, user_ids=[post.author_id])
    reputation.reverse(session, "undeleted", post_id=post.id, reasons=("deleted_as_spam",))
    if hidden_by_flags:
        _settle_flags(session, actor, post, "declined", "restored by a moderator", reasons=PENALISED_REASONS)
    audit.record(
        session, actor, "undelete", post=post, reason=note_text, before=before, after=audit.post_state(post)
    )
    return post


def hide_by_flags(session: Session, post: Post) -> None:
    """FLAGS_TO_HIDE spam or offensive flags hide a post until a moderator reviews it (the forum acts)."""
    if post.is_deleted:
        return
    before = audit.post_state(post)
    _hide(session, post, BY_FLAGS, None)
    audit.record(
        session,
        None,
        "auto_hide",
        post=post,
        reason="hidden by spam or offensive flags",
        before=before,
        after=audit.post_state(post),
    )


def open_hiding_flags(session: Session, post: Post) -> int:
    """The post's own open spam and offensive flags: enough of them hide it."""
    count = session.scalar(
        select(func.count())
        .select_from(Flag)
        .where(
            Flag.post_id == post.id,
            Flag.comment_id.is_(None),
            Flag.status == "open",
            Flag.reason.in_(PENALISED_REASONS),
        )
    )
    return count or 0


def restore_after_review(session: Session, actor: User, post: Post) -> None:
    """A post hidden by flags whose spam/offensive flags were all declined comes back."""
    deletion = session.get(PostDeletion, post.id)
    if not (post.is_deleted and deletion is not None and deletion.hidden_by_flags):
        return
    if open_hiding_flags(session, post):
        return
    before = audit.post_state(post)
    _show(session, post)
    audit.record(
        session,
        actor,
        "undelete",
        post=post,
        reason="its flags were declined",
        before=before,
        after=audit.post_state(post),
    )


def _settle_flags(
    session: Session, actor: User, post: Post, status: str, note: str, reasons: Iterable[str] | None = None
) -> int:
    query = update(Flag).where(Flag.post_id == post.id, Flag.status == "open")
    if reasons is not None:
        query = query.where(Flag.reason.in_(tuple(reasons)))
    # An UPDATE without RETURNING gives a CursorResult; Session.execute is typed as Result.
    result = cast(
        "CursorResult[Any]",
        session.execute(
            query.values(
                status=status,
                resolved_by_id=actor.id,
                resolved_at=clock.now(),
                resolution_note=note[:NOTE_MAX],
            ),
            execution_options={"synchronize_session": "fetch"},
        ),
    )
    return result.rowcount or 0


def bulk_delete(
    session: Session, actor: User, post_ids: object, reason: object, note: object = ""
) -> list[Post]:
    """Delete several posts with one reason; already deleted ones are skipped."""
    require(actor, "moderate")
    ids = clean_id_list(post_ids, "post_ids")
    deleted = []
    for post_id in ids:
        post = find_post(session, post_id)
        deletion = session.get(PostDeletion, post.id)
        if post.is_deleted and not (deletion is not None and deletion.hidden_by_flags):
            continue
        deleted.append(delete_post(session, actor, post_id, reason, note))
    return deleted


def clean_id_list(value: object, field: str) -> list[int]:
    if isinstance(value, str):
        value = [int(part) for part in value.replace(",", " ").split() if part.isdecimal()]
    if not isinstance(value, list) or not value or not all(is_valid_id(v) for v in value):
        raise Invalid({field: _("must be a list of ids")})
    if len(value) > BULK_MAX:
        raise Invalid({field: _("give at most %(max)d at once", max=BULK_MAX)})
    return list(dict.fromkeys(value))


# --- closing and locking ------------------------------------------------------------------


def close_question(
    session: Session,
    actor: User,
    question_id: object,
    reason: object,
    duplicate_of: object = None,
    note: object = "",
) -> Post:
    """Close with one of CLOSE_REASONS; `duplicate` needs the question it duplicates."""
    question = posting.get_post(session, question_id, "question")
    require(actor, "close", question)
    note_text = clean_note(note)
    if reason not in CLOSE_REASONS:
        raise Invalid({"reason": _("must be one of %(values)s", values=CLOSE_REASONS.one_of())})
    target = None
    if reason == "duplicate":
        if duplicate_of in (None, ""):
            raise Invalid({"duplicate_of": _("is required when closing as a duplicate")})
        if isinstance(duplicate_of, str) and duplicate_of.strip().isdecimal():
            duplicate_of = int(duplicate_of.strip())
        if not is_valid_id(duplicate_of) or duplicate_of == question.id:
            raise Invalid({"duplicate_of": _("must be the id of another question")})
        target = session.get(Post, duplicate_of)
        if target is None or not target.is_question or target.is_deleted:
            raise Invalid({"duplicate_of": _("there is no question %(id)s", id=duplicate_of)})
        if target.closed_reason == "duplicate" and target.duplicate_of_id:
            raise Invalid(
                {
                    "duplicate_of": _(
                        "question %(id)d is itself a duplicate of %(original)d; point at that one",
                        id=target.id,
                        original=target.duplicate_of_id,
                    )
                }
            )
    elif duplicate_of not in (None, ""):
        raise Invalid({"duplicate_of": _("is only for closing as a duplicate")})
    _lock(session, question)
    require(actor, "close", question)  # again, on the row as it is now: another close may have won
    before = audit.post_state(question)
    question.closed_at = clock.now()
    question.closed_reason = str(reason)
    question.duplicate_of_id = target.id if target is not None else None
    session.flush()
    audit.record(
        session,
        actor,
        "close",
        post=question,
        reason=note_text or str(reason),
        before=before,
        after=audit.post_state(question),
    )
    return question


def reopen_question(session: Session, actor: User, question_id: object, note: object = "") -> Post:
    question = posting.get_post(session, question_id, "question")
    require(actor, "reopen", question)
    note_text = clean_note(note)
    _lock(session, question)
    require(actor, "reopen", question)  # again, on the row as it is now: another reopen may have won
    before = audit.post_state(question)
    question.closed_at = None
    question.closed_reason = None
    question.duplicate_of_id = None
    session.flush()
    audit.record(
        session,
        actor,
        "reopen",
        post=question,
        reason=note_text,
        before=before,
        after=audit.post_state(question),
    )
    return question


def closed_because(question: Post) -> str | None:
    """Why a closed question takes no answers, to end "closed because ..."; None without a reason."""
    reason = CLOSE_REASONS.get(question.closed_reason)
    return str(reason.because) if reason is not None else (question.closed_reason or None)


def duplicates_of(session: Session, question: Post) -> list[Post]:
    """Questions closed as duplicates of `question`: the other direction of the link."""
    return list(
        session.scalars(
            select(Post)
            .where(
                Post.duplicate_of_id == question.id,
                Post.closed_reason == "duplicate",
                Post.deleted_at.is_(None),
            )
            .order_by(Post.created_at)
        )
    )


def set_locked(session: Session, actor: User, post_id: object, locked: bool, note: object = "") -> Post:
    """Lock (no answers, comments, votes on acceptance or edits by others) or unlock a post."""
    require(actor, "moderate")
    post = find_post(session, post_id)
    note_text = clean_note(note)
    _lock(session, post)
    if post.locked == locked:
        if locked:
            raise Conflict(_("Post %(id)d is already locked.", id=post.id))
        raise Conflict(_("Post %(id)d is already unlocked.", id=post.id))
    before = audit.post_state(post)
    post.locked = locked
    session.flush()
    audit.record(
        session,
        actor,
        "lock" if locked else "unlock",
        post=post,
        reason=note_text,
        before=before,
        after=audit.post_state(post),
    )
    return post


# --- editing, merging, curating -----------------------------------------------------------


def edit_post(session: Session, actor: User, post: Post, **changes: object) -> Post:
    """`posting.edit_post`, audited when a moderator edits someone else's post."""
    before = {"title": post.title, "body": post.body, "tags": post.tag_names}
    posting.edit_post(session, actor, post, **changes)
    if actor.is_moderator and post.author_id != actor.id:
        audit.record(
            session,
            actor,
            "edit",
            post=post,
            reason=str(changes.get("summary") or ""),
            before=before,
            after={"title": post.title, "body": post.body, "tags": post.tag_names},
        )
    return post


def merge_twitter_thread(
    session: Session, actor: User, source_id: object, target_id: object, note: object = ""
) -> Post:
    """Move a mirrored Twitter thread's answers into an existing question.

    The mirrored question stays, closed as a duplicate of the target, so its
    link keeps working and the two are linked both ways.
    """
    require(actor, "moderate")
    note_text = clean_note(note)
    source = posting.get_post(session, source_id, "question")
    if source.source != "twitter":
        raise Invalid({"source": _("only a question mirrored from Twitter can be merged")})
    if isinstance(target_id, str) and target_id.strip().isdecimal():
        target_id = int(target_id.strip())
    if not is_valid_id(target_id) or target_id == source.id:
        raise Invalid({"target_id": _("must be the id of another question")})
    target = session.get(Post, target_id)
    if target is None or not target.is_question or target.is_deleted:
        raise Invalid({"target_id": _("there is no question %(id)s", id=target_id)})
    _lock(session, *sorted((source, target), key=lambda p: p.id))
    before = {**audit.post_state(source), "answers": sorted(a.id for a in source.answers)}
    if source.accepted_answer_id is not None:
        acceptance.unaccept_answer(session, actor, source.id)
    moved = list(source.answers)
    live = sum(1 for a in moved if not a.is_deleted)
    for answer in moved:
        answer.question = target
    target.answer_count = (target.answer_count or 0) + live
    source.answer_count = 0
    target.last_activity_at = clock.now()
    source.closed_at = clock.now()
    source.closed_reason = "duplicate"
    source.duplicate_of_id = target.id
    session.flush()
    audit.record(
        session,
        actor,
        "merge",
        post=source,
        reason=note_text or f"merged into {target.id}",
        before=before,
        after={**audit.post_state(source), "merged_into": target.id, "moved_answers": [a.id for a in moved]},
    )
    return target


def curation_min_age() -> timedelta:
    return timedelta(days=int(current_app.config["CURATION_MIN_AGE_DAYS"]))


def curation_query() -> Select:
    """Old open questions with a good answer (score >= 1) but none accepted; best answers first."""
    answer = aliased(Post)
    best = (
        select(func.max(answer.score))
        .where(answer.question_id == Post.id, answer.deleted_at.is_(None))
        .correlate(Post)
        .scalar_subquery()
    )
    good_answer = exists().where(
        and_(answer.question_id == Post.id, answer.deleted_at.is_(None), answer.score >= 1)
    )
    return (
        select(Post)
        .where(
            Post.kind == "question",
            Post.deleted_at.is_(None),
            Post.accepted_answer_id.is_(None),
            Post.created_at <= clock.now() - curation_min_age(),
            good_answer,
        )
        .options(selectinload(Post.author), selectinload(Post.tags))
        .order_by(best.desc(), Post.created_at, Post.id)
    )


def curate_accept(
    session: Session, actor: User, question_id: object, answer_id: object, note: object = ""
) -> Post:
    """A moderator marks (or changes) the accepted solution, audited."""
    require(actor, "moderate")
    question = posting.get_post(session, question_id, "question")
    note_text = clean_note(note)
    before = audit.post_state(question)
    acceptance.accept_answer(session, actor, question.id, answer_id)
    audit.record(
        session,
        actor,
        "accept",
        post=question,
        reason=note_text,
        before=before,
        after=audit.post_state(question),
    )
    return question


def curate_unaccept(session: Session, actor: User, question_id: object, note: object = "") -> Post:
    require(actor, "moderate")
    question = posting.get_post(session, question_id, "question")
    note_text = clean_note(note)
    if question.accepted_answer_id is None:
        raise Conflict(_("Question %(id)d has no accepted answer.", id=question.id))
    before = audit.post_state(question)
    acceptance.unaccept_answer(session, actor, question.id)
    audit.record(
        session,
        actor,
        "unaccept",
        post=question,
        reason=note_text,
        before=before,
        after=audit.post_state(question),
    )
    return question


def accept_as(session: Session, actor: User, question_id: int, answer_id: object) -> Post:
    """What the accept button and the API do: the asker's own accept, or else an audited curation."""
    question = posting.get_post(session, question_id, "question")
    if actor.id == question.author_id:
        return acceptance.accept_answer(session, actor, question.id, answer_id)
    if not actor.is_moderator:
        return acceptance.accept_answer(session, actor, question.id, answer_id)  # refuses with the reason
    return curate_accept(session, actor, question.id, answer_id)


def unaccept_as(session: Session, actor: User, question_id: int) -> Post:
    question = posting.get_post(session, question_id, "question")
    if actor.id == question.author_id or not actor.is_moderator or question.accepted_answer_id is None:
        return acceptance.unaccept_answer(session, actor, question.id)
    return curate_unaccept(session, actor, question.id)


def deletion_of(session: Session, post: Post) -> PostDeletion | None:
    return session.get(PostDeletion, post.id) if post.is_deleted else None


def change_role(session: Session, actor: User, user: User, role: object, note: object = "") -> User:
    """`accounts.change_role` (admins only), audited."""
    note_text = clean_note(note)
    before = {"role": user.role}
    accounts.change_role(session, actor, user, role)
    if before["role"] != user.role:
        session.flush()
        audit.record(
            session,
            actor,
            "change_role",
            subject_user=user,
            reason=note_text,
            before=before,
            after={"role": user.role},
        )
        from forum.live.sockets import set_staff_room

        user_id, is_staff = user.id, user.is_staff
        after_commit(session, lambda: set_staff_room(user_id, is_staff))
    return user


def change_roles(session: Session, actor: User, roles: dict[int, object], note: object = "") -> list[User]:
    """Several `change_role`s in one transaction (the people page saves them at once).

    `roles` maps user ids to the new role; all apply or, on the first refusal, none.
    Returns the people whose role changed.
    """
    changed = []
    for user_id in sorted(roles):
        user = session.get(User, user_id) if is_valid_id(user_id) else None
        if user is None:
            raise NotFound(_("There is no user %(id)s.", id=user_id))
        before = user.role
        change_role(session, actor, user, roles[user_id], note)
        if user.role != before:
            changed.append(user)
    return changed
