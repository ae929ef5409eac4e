"""The search outbox's subscriber: which posts the index must catch up with, written with the change.

For every post whose indexed values a transaction changes (posting,
voting, acceptance, moderation, the mirror, a bulk UPDATE) a `SearchOutbox`
row is written in that same transaction. A rolled-back change leaves no
row; a committed one leaves a row until the single index writer
(forum/search/writer.py; postgres.py's drain on that backend) has applied
it, so a crash loses nothing. After the commit the writer drains the outbox.
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import DateTime, insert, literal, select
from sqlalchemy.orm import Session

from forum import clock
from forum.changes import ChangeSet, Effect
from forum.changes import memo as changes_memo
from forum.models import Post, SearchOutbox
from forum.search import postgres, writer

# What a post's document is made of; a change to anything else (body_html
# alone, last_activity_at, locked) does not touch the index.
INDEXED_COLUMNS = (
    "title", "body", "score", "answer_count", "accepted_answer_id", "deleted_at", "closed_at",
    "author_id", "question_id", "created_at", "kind", "tags",
)  # fmt: skip
# Answers carry their question's tags and visibility: a change to these re-indexes the thread.
THREAD_COLUMNS = ("tags", "deleted_at")


def record_changes(session: Session, changes: ChangeSet) -> Effect | None:
    """Queue the posts `changes` touched for the index; drain after the commit."""
    posts = {post.id for post in changes.created_posts()}
    posts |= changes.removed_posts | changes.voted()
    changed = changes.changed_posts(INDEXED_COLUMNS)
    posts |= changed
    for post_id in changed:
        # Both the answer that lost acceptance and the one that gained it change rank.
        if "accepted_answer_id" in changes.changed[post_id]:
            lost = changes.before.get(post_id, {}).get("accepted_answer_id")
            question = session.get(Post, post_id)
            gained = question.accepted_answer_id if question is not None else None
            posts |= {answer_id for answer_id in (lost, gained) if answer_id is not None}
    queued = changes_memo(session, "search outbox")
    posts -= queued  # one row per post per transaction: the writer reads the post anew
    queued.update(posts)
    threads = {pid for pid in changes.changed_posts(THREAD_COLUMNS) if _is_question(session, pid)}
    if not (posts or threads or changes.authors):
        return None
    connection = session.connection()
    now = clock.now()
    if posts:
        connection.execute(
            insert(SearchOutbox), [{"post_id": pid, "created_at": now} for pid in sorted(posts)]
        )
    for column, ids in ((Post.question_id, threads), (Post.author_id, changes.authors)):
        if ids:
            matched = select(Post.id, literal(now, DateTime)).where(column.in_(ids))
            connection.execute(insert(SearchOutbox).from_select(["post_id", "created_at"], matched))
    return _drain_effect(session)


def _is_question(session: Session, post_id: int) -> bool:
    post = session.get(Post, post_id)
    return post is not None and post.is_question


def _drain_effect(session: Session) -> Effect | None:
    if not has_app_context() or not current_app.config["SEARCH_DRAIN_AFTER_COMMIT"]:
        return None
    engine = writer.engine_of(session)
    if current_app.config.get("SEARCH_BACKEND") == "postgres":
        return lambda: postgres.drain_soon(engine)
    index_dir = current_app.config["INDEX_DIR"]
    return lambda: writer.drain_soon(engine, index_dir)
