"""Live events derived from what changes in the database, stored and then emitted.

Nobody calls this module to announce a post: SQLAlchemy session events note
new questions, answers and comments and changes to a post's score,
acceptance, closing, locking, deletion or text, whoever made them (web,
API, CLI, the mirror). At commit time the notes become `LiveEvent` rows in
the same transaction, and the messages are emitted only after the commit.
`publish()` adds an event that no column change describes (flags, claims).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from forum import clock
from forum.api.serializers import answer_json, comment_json, question_json, user_json
from forum.models import Comment, LiveEvent, Post
from forum.services.effects import after_commit

_KEY = "forum_live_changes"
# Held from writing the event rows until COMMIT on PostgreSQL, so ids are
# handed out in commit order and `after=N` never skips a later-committed row.
_ADVISORY_LOCK = 0x6C697665  # "live"

# Post columns whose change a reader of the page would notice.
WATCHED = ("score", "accepted_answer_id", "closed_at", "deleted_at", "locked", "title", "body")


def question_room(question_id: int) -> str:
    return f"question:{question_id}"


@dataclass
class _Changes:
    """What one transaction did to posts, noted as it happens."""

    created: list[Post | Comment] = field(default_factory=list)
    before: dict[int, dict[str, Any]] = field(default_factory=dict)  # post id -> column -> old value
    deleted_comments: list[Comment] = field(default_factory=list)
    custom: list[dict] = field(default_factory=list)

    def note_before(self, post_id: int, column: str, value: Any) -> None:
        self.before.setdefault(post_id, {}).setdefault(column, value)

    def __bool__(self) -> bool:
        return bool(self.created or self.before or self.deleted_comments or self.custom)


def _changes(session: Session) -> _Changes:
    return session.info.setdefault(_KEY, _Changes())


def publish(session: Session, type: str, *, rooms: list[str], payload: dict,
            question_id: int | None = None, staff_only: bool = False) -> None:
    """Store and emit an event no column change describes, with this transaction."""
    _changes(session).custom.append({
        "type": type, "rooms": rooms, "payload": payload,
        "question_id": question_id, "staff_only": staff_only,
    })


@event.listens_for(Session, "before_flush")
def _note_orm_changes(session: Session, flush_context, instances) -> None:
    changes = None
    for obj in session.new:
        if isinstance(obj, Post | Comment):
            changes = changes or _changes(session)
            changes.created.append(obj)
    unloaded: set[int] = set()  # set on an expired object: the old value is only in the database
    for obj in session.dirty:
        if isinstance(obj, Post) and obj.id is not None:
            state = inspect(obj)
            for column in WATCHED:
                history = state.attrs[column].history
                if history.deleted:
                    changes = changes or _changes(session)
                    changes.note_before(obj.id, column, history.deleted[0])
                elif history.added:
                    unloaded.add(obj.id)
        elif isinstance(obj, Comment) and _newly_deleted(obj):
            (changes or _changes(session)).deleted_comments.append(obj)
    if unloaded:
        _note_rows(session, _watched_columns().where(Post.id.in_(unloaded)))


def _newly_deleted(comment: Comment) -> bool:
    return comment.deleted_at is not None and bool(inspect(comment).attrs.deleted_at.history.added)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_updates(state: ORMExecuteState) -> None:
    """`update(Post)...` bypasses the ORM (voting sets scores this way): read the rows first."""
    if not state.is_update or state.bind_mapper is None or state.bind_mapper.class_ is not Post:
        return
    if not _sets_watched_column(state.statement):
        return  # e.g. moving a Twitter identity's posts to the member who claimed it
    where = state.statement.whereclause
    query = _watched_columns()
    _note_rows(state.session, query if where is None else query.where(where))


def _sets_watched_column(statement) -> bool:
    # SQLAlchemy keeps an UPDATE's SET clause privately; when it cannot be read, assume the worst.
    values = getattr(statement, "_values", None)
    if not values:
        return True
    return any(getattr(key, "key", key) in WATCHED for key in values)


def _watched_columns():
    return select(Post.id, *(getattr(Post, c) for c in WATCHED))


def _note_rows(session: Session, query) -> None:
    """Note the current database values of the posts `query` selects, as their "before"."""
    changes = _changes(session)
    for row in session.connection().execute(query):
        for column in WATCHED:
            changes.note_before(row.id, column, getattr(row, column))


@event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)


@event.listens_for(Session, "before_commit")
def _store_events(session: Session) -> None:
    if session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes only after this hook: note the last changes now
    changes: _Changes | None = session.info.pop(_KEY, None)
    if not changes:
        return
    drafts = _drafts(session, changes)
    if not drafts:
        return
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    now = clock.now()
    rows = [
        LiveEvent(type=d["type"], question_id=d["question_id"], rooms=" ".join(d["rooms"]),
                  staff_only=d.get("staff_only", False), payload=d["payload"], created_at=now)
        for d in drafts
    ]
    session.add_all(rows)
    session.flush()
    messages = [(row.type, row.room_list, row.message()) for row in rows]

    from forum.live.emitting import emit_messages

    after_commit(session, lambda: emit_messages(messages))


def _persistent(obj: object) -> bool:
    return inspect(obj).persistent


def _question_brief(question: Post) -> dict:
    return {"id": question.id, "title": question.title, "answer_count": question.answer_count}


def _drafts(session: Session, changes: _Changes) -> list[dict]:
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
                drafts.append(_draft("answer.created", thread.id, ["feed", question_room(thread.id)],
                                     {"post": answer_json(obj, thread), "question": _question_brief(thread)}))
        elif obj.deleted_at is None and not obj.post.is_deleted and not obj.post.thread.is_deleted:
            thread = obj.post.thread
            drafts.append(_draft("comment.created", thread.id, [question_room(thread.id)],
                                 {"post_id": obj.post_id, "comment": comment_json(obj)}))

    changed_ids = [i for i in changes.before if i not in created_ids]
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
            drafts.append(_draft("comment.deleted", thread.id, [question_room(thread.id)],
                                 {"post_id": comment.post_id, "comment_id": comment.id}))
    drafts.extend(changes.custom)
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
        drafts.append(_draft("post.locked" if post.locked else "post.unlocked", thread.id, [room],
                             {**ids, "locked": post.locked}))
    return drafts


def _acceptance_draft(question: Post, previous_id: int | None) -> dict:
    rooms = ["feed", question_room(question.id)]
    brief = _question_brief(question)
    answer = question.accepted_answer
    if answer is None:
        return _draft("answer.unaccepted", question.id, rooms,
                      {"answer_id": previous_id, "question": brief})
    return _draft("answer.accepted", question.id, rooms, {
        "answer_id": answer.id,
        "previous_answer_id": previous_id,
        "accepted_by": user_json(question.accepted_by),
        "post": answer_json(answer, question),
        "question": brief,
    })
