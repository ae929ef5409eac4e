"""The public JSON representations of DESIGN.md ("Representations"), in one place.

The API answers with them, the live events carry them and the feed replays
them, so a post looks the same whichever way it reaches a client. This
module reads models only: services, the API and the live feed import it,
never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, overload

from forum.clock import iso
from forum.models import AuditEntry, Claim, Comment, Flag, Post, PostRevision, ReputationEvent, User
from forum.pagination import Page


class QueueEntry(Protocol):
    """What the staff queue knows of a question (forum.services.staff.QueueItem)."""

    question: Post
    age_seconds: int
    target_seconds: int
    overdue: bool
    needs_attention: bool
    claim: Claim | None

    @property
    def escalated(self) -> bool: ...


@overload
def user_json(user: User) -> dict: ...
@overload
def user_json(user: User | None) -> dict | None: ...
def user_json(user: User | None) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "reputation": user.reputation,
        "created_at": iso(user.created_at),
    }


def comment_json(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "body": comment.body,
        "body_html": comment.body_html,
        "author": user_json(comment.author),
        "created_at": iso(comment.created_at),
    }


def _visible_comments(post: Post) -> list[dict]:
    return [comment_json(c) for c in post.comments if c.deleted_at is None]


def imported_from(post: Post) -> dict | None:
    """Where an imported post came from (forum/importers/): the site, its id there, whom the site
    credits and, when known, the original's address; None for a post written here."""
    if post.imported_site is None:
        return None
    return {
        "site": post.imported_site,
        "id": post.imported_id,
        "author": post.imported_author,
        "url": post.imported_url,
    }


def question_json(question: Post, answers: list[Post] | None = None) -> dict:
    """A question; with `answers` (already filtered for the reader) the whole thread."""
    data: dict[str, Any] = {
        "id": question.id,
        "kind": "question",
        "title": question.title,
        "body": question.body,
        "body_html": question.body_html,
        "tags": question.tag_names,
        "author": user_json(question.author),
        "score": question.score,
        "answer_count": question.answer_count,
        "accepted_answer_id": question.accepted_answer_id,
        "accepted_by": user_json(question.accepted_by),
        "closed": question.closed,
        "closed_reason": question.closed_reason,
        "duplicate_of": question.duplicate_of_id,
        "locked": question.locked,
        "deleted": question.is_deleted,
        "source": question.source,
        "language": question.language,
        "imported_from": imported_from(question),
        "created_at": iso(question.created_at),
        "updated_at": iso(question.updated_at),
        "last_activity_at": iso(question.last_activity_at),
    }
    if answers is not None:
        data["answers"] = [answer_json(a, question) for a in answers]
        data["comments"] = _visible_comments(question)
    return data


def answer_json(answer: Post, question: Post | None = None) -> dict:
    question = question or answer.question
    return {
        "id": answer.id,
        "kind": "answer",
        "question_id": answer.question_id,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": user_json(answer.author),
        "score": answer.score,
        "is_accepted": question is not None and question.accepted_answer_id == answer.id,
        "locked": answer.locked,
        "deleted": answer.is_deleted,
        "verified_by_staff": user_json(answer.verified_by),
        "helped_count": answer.helped_count,
        "not_helped_count": answer.not_helped_count,
        "language": answer.language,
        "imported_from": imported_from(answer),
        "created_at": iso(answer.created_at),
        "updated_at": iso(answer.updated_at),
        "comments": _visible_comments(answer),
    }


def post_json(post: Post) -> dict:
    return question_json(post) if post.is_question else answer_json(post)


def question_brief(question: Post) -> dict:
    """What a feed line needs to name a thread."""
    return {"id": question.id, "title": question.title, "answer_count": question.answer_count}


def revision_json(revision: PostRevision) -> dict:
    return {
        "number": revision.number,
        "editor": user_json(revision.editor),
        "title": revision.title,
        "body": revision.body,
        "tags": revision.tags.split(),
        "summary": revision.summary,
        "created_at": iso(revision.created_at),
    }


def ledger_entry_json(event: ReputationEvent) -> dict:
    return {
        "id": event.id,
        "delta": event.delta,
        "reason": event.reason,
        "post_id": event.post_id,
        "created_at": iso(event.created_at),
    }


def flag_json(flag: Flag) -> dict:
    resolved = flag.status != "open"
    return {
        "id": flag.id,
        "post_id": flag.post_id,
        "comment_id": flag.comment_id,
        "reason": flag.reason,
        "text": flag.text,
        "status": flag.status,
        "created_at": iso(flag.created_at),
        "resolution": {
            "by": user_json(flag.resolved_by),
            "at": iso(flag.resolved_at),
            "note": flag.resolution_note,
        } if resolved else None,
    }  # fmt: skip


def queue_flag_json(flag: Flag) -> dict:
    """A flag as moderators see it in the queue: who raised it, and a glimpse of the post."""
    post = flag.post
    return {
        **flag_json(flag),
        "flagged_by": user_json(flag.user),
        "weight": flag.weight,
        "post": {
            "id": post.id,
            "kind": post.kind,
            "question_id": post.thread.id if post.thread else None,
            "title": post.thread.title if post.thread else None,
            "author": user_json(post.author),
            "deleted": post.is_deleted,
        },
    }


def audit_entry_json(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "actor": user_json(entry.actor),
        "action": entry.action,
        "post_id": entry.post_id,
        "subject_user": user_json(entry.subject_user),
        "reason": entry.reason,
        "before": entry.before,
        "after": entry.after,
        "created_at": iso(entry.created_at),
    }


def claim_json(claim: Claim | None) -> dict | None:
    if claim is None:
        return None
    return {"user": user_json(claim.user), "until": iso(claim.expires_at)}


def queue_item_json(item: QueueEntry) -> dict:
    """A question in the staff queue, with how long it has waited and who is on it."""
    return {
        **question_json(item.question),
        "age_seconds": item.age_seconds,
        "target_seconds": item.target_seconds,
        "overdue": item.overdue,
        "needs_attention": item.needs_attention,
        "escalated": item.escalated,
        "claim": claim_json(item.claim),
    }


def page_json(page: Page, render: Callable[[Any], dict | None]) -> dict:
    return {
        "items": [render(item) for item in page.items],
        "page": page.page,
        "page_size": page.page_size,
        "total": page.total,
    }
