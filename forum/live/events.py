"""Live events derived from what changes in the database, stored and then emitted.

Nobody calls this module to announce a post. `store_events`, a subscriber
of forum/changes.py, turns what a transaction did (new questions, answers
and comments; changes to a post's score, acceptance, closing, locking,
deletion or text; what services `publish()`ed, such as flags and claims)
into `LiveEvent` rows in the same transaction, and emits the messages only
after the commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from forum import clock
from forum.changes import ChangeSet, Effect
from forum.extensions import Model
from forum.live.emitting import emit_messages
from forum.models import LiveEvent, Post
from forum.representations import answer_json, comment_json, question_brief, question_json, user_json

# Held from writing the event rows until COMMIT on PostgreSQL, so ids are
# handed out in commit order and `after=N` never skips a later-committed row.
_ADVISORY_LOCK = 0x6C697665  # "live"

# Post columns whose change a reader of the page would notice.
WATCHED = ("score", "accepted_answer_id", "closed_at", "deleted_at", "locked", "title", "body")


def question_room(question_id: int) -> str:
    return f"question:{question_id}"


def store_events(session: Session, changes: ChangeSet) -> Effect | None:
    """Store this transaction's events with it; emit them after the commit."""
    drafts = _drafts(session, changes)
    if not drafts:
        return None
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    now = clock.now()
    rows = [
        LiveEvent(type=d["type"], question_id=d["question_id"], rooms=" ".join(d["rooms"]),
                  staff_only=d.get("staff_only", False), payload=d["payload"], created_at=now)
        for d in drafts
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    messages = [(row.type, row.room_list, row.message()) for row in rows]
    return lambda: emit_messages(messages)


def _persistent(obj: Model) -> bool:
    return inspect(obj).persistent


def _drafts(session: Session, changes: ChangeSet) -> list[dict]:
    """The events for this transaction, in the order a reader would want them."""
    drafts: list[dict] = []
    created_ids = set()
    for obj in changes.created:
        if not _persistent(obj):
            continue  # added and then removed, or rolled back to a savepoint
        if isinstance(obj, Post):
            created_ids.add(obj.id)
            thread = obj.thread
            if obj.is_deleted or thread is None or thread.is_deleted:
                continue
            if obj.is_question:
                drafts.append(_draft("question.created", obj.id, ["feed"], {"post": question_json(obj)}))
            else:
                drafts.append(
                    _draft(
                        "answer.created",
                        thread.id,
                        ["feed", question_room(thread.id)],
                        {"post": answer_json(obj, thread), "question": question_brief(thread)},
                    )
                )
        elif obj.deleted_at is None and not obj.post.is_deleted and not obj.post.thread.is_deleted:
            thread = obj.post.thread
            drafts.append(
                _draft(
                    "comment.created",
                    thread.id,
                    [question_room(thread.id)],
                    {"post_id": obj.post_id, "comment": comment_json(obj)},
                )
            )

    changed_ids = sorted(changes.changed_posts(WATCHED) - created_ids)
    if changed_ids:
        # Fresh from the database: a bulk UPDATE leaves the objects in memory stale.
        posts = session.scalars(
            select(Post).where(Post.id.in_(changed_ids)).execution_options(populate_existing=True)
        ).all()
        for post in sorted(posts, key=lambda p: p.id):
            drafts.extend(_change_drafts(post, changes.before[post.id]))

    for comment in changes.deleted_comments:
        if _persistent(comment):
            thread = comment.post.thread
            drafts.append(
                _draft(
                    "comment.deleted",
                    thread.id,
                    [question_room(thread.id)],
                    {"post_id": comment.post_id, "comment_id": comment.id},
                )
            )
    drafts.extend(changes.published)
    return drafts


def _draft(type: str, question_id: int | None, rooms: list[str], payload: dict) -> dict:
    return {"type": type, "question_id": question_id, "rooms": rooms, "payload": payload}


def _changed(before: dict[str, Any], post: Post, column: str) -> bool:
    return column in before and before[column] != getattr(post, column)


def _change_drafts(post: Post, before: dict[str, Any]) -> list[dict]:
    thread = post.thread
    if thread is None:
        return []
    room = question_room(thread.id)
    public_rooms = ["feed", room] if post.is_question else [room]
    ids = {"post_id": post.id, "kind": post.kind}
    if _changed(before, post, "deleted_at"):
        if post.is_deleted:
            return [_draft("post.deleted", thread.id, public_rooms, ids)]
        if thread.is_deleted:
            return []
        post_json = question_json(post) if post.is_question else answer_json(post, thread)
        return [_draft("post.undeleted", thread.id, public_rooms, {**ids, "post": post_json})]
    if post.is_deleted or thread.is_deleted:
        return []  # nothing about a hidden post travels

    drafts = []
    if _changed(before, post, "title") or _changed(before, post, "body"):
        post_json = question_json(post) if post.is_question else answer_json(post, thread)
        drafts.append(_draft("post.edited", thread.id, [room], {**ids, "post": post_json}))
    if _changed(before, post, "score"):
        drafts.append(_draft("post.voted", thread.id, [room], {**ids, "score": post.score}))
    if post.is_question and _changed(before, post, "accepted_answer_id"):
        drafts.append(_acceptance_draft(post, before["accepted_answer_id"]))
    if post.is_question and _changed(before, post, "closed_at"):
        if post.closed:
            payload = {**ids, "closed_reason": post.closed_reason, "duplicate_of": post.duplicate_of_id}
            drafts.append(_draft("question.closed", post.id, [room], payload))
        else:
            drafts.append(_draft("question.reopened", post.id, [room], ids))
    if _changed(before, post, "locked"):
        drafts.append(
            _draft(
                "post.locked" if post.locked else "post.unlocked",
                thread.id,
                [room],
                {**ids, "locked": post.locked},
            )
        )
    return drafts


def _acceptance_draft(question: Post, previous_id: int | None) -> dict:
    rooms = ["feed", question_room(question.id)]
    brief = question_brief(question)
    answer = question.accepted_answer
    if answer is None:
        return _draft("answer.unaccepted", question.id, rooms, {"answer_id": previous_id, "question": brief})
    return _draft(
        "answer.accepted",
        question.id,
        rooms,
        {
            "answer_id": answer.id,
            "previous_answer_id": previous_id,
            "accepted_by": user_json(question.accepted_by),
            "post": answer_json(answer, question),
            "question": brief,
        },
    )
