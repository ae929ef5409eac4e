"""The search outbox: which posts the index must catch up with, written with the change.

Session hooks add a row for every post whose indexed values change, in the
same transaction as the change, whoever makes it (posting, voting,
acceptance, moderation, the mirror, a bulk UPDATE). A rolled-back change
leaves no row; a committed one leaves a row until the single index writer
(forum/search/writer.py) has applied it, so a crash loses nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, event, insert, inspect, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum import clock
from forum.extensions import db
from forum.models.post import Post
from forum.models.reputation import Vote
from forum.models.user import User


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a hard-deleted post must still reach the index (as a removal).
    post_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


# What a post's document is made of; a change to anything else (body_html
# alone, last_activity_at, locked) does not touch the index.
_POST_FIELDS = (
    "title", "body", "score", "answer_count", "accepted_answer_id", "deleted_at", "closed_at",
    "author_id", "question_id", "created_at", "kind", "tags",
)  # fmt: skip
_THREAD_FIELDS = ("tags", "deleted_at")  # answers carry their question's tags and visibility


def _changed(obj: object, fields: tuple[str, ...]) -> list[str]:
    state = inspect(obj)
    return [name for name in fields if state.attrs[name].history.has_changes()]


def _touched_posts(session: Session) -> tuple[set[int], set[int], set[int]]:
    """(post ids, question ids whose answers change too, author ids whose posts change)."""
    posts: set[int] = set()
    threads: set[int] = set()
    authors: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Post):
            posts.add(obj.id)
        elif isinstance(obj, Vote):
            posts.add(obj.post_id)
    for obj in session.deleted:
        if isinstance(obj, Post):
            posts.add(obj.id)
        elif isinstance(obj, Vote):
            posts.add(obj.post_id)
    for obj in session.dirty:
        if isinstance(obj, Post):
            changed = _changed(obj, _POST_FIELDS)
            if not changed:
                continue
            posts.add(obj.id)
            if obj.kind == "question" and set(changed) & set(_THREAD_FIELDS):
                threads.add(obj.id)
            if "accepted_answer_id" in changed:
                history = inspect(obj).attrs.accepted_answer_id.history
                posts.update(i for i in (*history.added, *history.deleted) if i is not None)
        elif isinstance(obj, Vote) and _changed(obj, ("value",)):
            posts.add(obj.post_id)
        elif isinstance(obj, User) and _changed(obj, ("username", "role")):
            authors.add(obj.id)
    posts.discard(None)  # type: ignore[arg-type]
    return posts, threads, authors


_QUEUED = "forum_search_queued_posts"


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, flush_context) -> None:
    posts, threads, authors = _touched_posts(session)
    queued: set[int] = session.info.setdefault(_QUEUED, set())
    posts -= queued  # one row per post per transaction is enough: the writer reads the post anew
    queued.update(posts)
    if not (posts or threads or authors):
        return
    connection = session.connection()
    now = clock.now()
    if posts:
        connection.execute(
            insert(SearchOutbox.__table__), [{"post_id": pid, "created_at": now} for pid in sorted(posts)]
        )
    if threads:
        answers = select(Post.id, literal(now, DateTime)).where(Post.question_id.in_(threads))
        connection.execute(insert(SearchOutbox.__table__).from_select(["post_id", "created_at"], answers))
    if authors:
        theirs = select(Post.id, literal(now, DateTime)).where(Post.author_id.in_(authors))
        connection.execute(insert(SearchOutbox.__table__).from_select(["post_id", "created_at"], theirs))
    _drain_after_commit(session)


@event.listens_for(Session, "do_orm_execute")
def _record_bulk_changes(state) -> None:
    """A bulk UPDATE or DELETE of posts (e.g. a recomputed score) queues the rows it matches."""
    # ORM statements only (update(Post), delete(Post)): a Core statement on the bare table is
    # maintenance, like the test suite emptying every table, and must not touch the index.
    if not (state.is_update or state.is_delete) or Post.__mapper__ not in state.all_mappers:
        return
    matched = select(Post.id, literal(clock.now(), DateTime))
    if state.statement.whereclause is not None:
        matched = matched.where(state.statement.whereclause)
    state.session.connection().execute(
        insert(SearchOutbox.__table__).from_select(["post_id", "created_at"], matched)
    )
    _drain_after_commit(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(session: Session, *args) -> None:
    # After a rollback (even of a savepoint) rows may be gone: queue afresh rather than miss one.
    session.info.pop(_QUEUED, None)


def _drain_after_commit(session: Session) -> None:
    from forum.search.writer import drain_after_commit

    drain_after_commit(session)
