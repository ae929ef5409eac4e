"""What happens when data changes: noted once per transaction, handed to the subscribers.

Posting, voting, acceptance, moderation, the Twitter mirror and the CLI
change rows through the session; none of them calls the search index or the
live feed. This module is the only one that listens to the session. While a
transaction runs it notes what happens to posts, comments, votes,
acceptance and authors, whoever does it (an ORM change or a bulk
`update(Post)`), and hands a `ChangeSet` to each subscriber, at one of two
moments:

- *as written*: after each flush and before each bulk statement, with what
  that step changed. The search outbox is written this way, so its rows
  sit beside the change from the moment the change is in the transaction.
- *at commit*: once, just before COMMIT, with everything the transaction
  did. Live events are stored this way (a question created and deleted in
  one transaction is never announced), and reply-back queues its tweets.

Either kind writes what must commit with the change (an outbox row, a
stored event) and may return an effect, which runs after the commit (drain
the index, emit the messages). A rollback drops the effects, so nothing
outside the database ever hears of a change that did not happen.

The subscribers are listed once, in `create_app` (forum/__init__.py), and
that list answers "what happens when a post changes". Services that have
something to say that no column describes (a flag, a claim) `publish()` it
with the transaction; `after_commit()` queues any other effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Delete, Update, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from forum.extensions import Model
from forum.models import Comment, Post, User, Vote

log = logging.getLogger(__name__)

Effect = Callable[[], object]  # what an effect returns is ignored

# The post columns whose change matters to somebody downstream: the search
# document, the page a reader sees, the live feed. Anything else (body_html
# alone, last_activity_at, view counts) changes nothing a subscriber shows.
POST_COLUMNS = (
    "title", "body", "score", "answer_count", "accepted_answer_id", "deleted_at", "closed_at",
    "locked", "author_id", "question_id", "created_at", "kind",
)  # fmt: skip
# Relationships noted as changed, without a value to compare.
POST_RELATIONSHIPS = ("tags",)
AUTHOR_COLUMNS = ("username", "role")  # shown with every post of theirs

_PENDING = "forum_changes_pending"
_CHANGES = "forum_changes"
_EFFECTS = "forum_after_commit"
_DISPATCHING = "forum_changes_dispatching"
_MEMO = "forum_changes_memo"
_COMMITTED = "forum_changes_committed"


# A subscriber is called inside the committing transaction with what it did, and may return
# an effect to run after the commit.
Subscriber = Callable[[Session, "ChangeSet"], Effect | None]


@dataclass
class ChangeSet:
    """What one transaction did, as the subscribers need it."""

    created: list[Post | Comment] = field(default_factory=list)
    # post id -> column -> the value it had before the transaction (POST_COLUMNS only)
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    # post id -> the POST_COLUMNS and POST_RELATIONSHIPS this transaction changed
    changed: dict[int, set[str]] = field(default_factory=dict)
    removed_posts: set[int] = field(default_factory=set)  # deleted rows, not soft deletions
    new_votes: list[Vote] = field(default_factory=list)
    voted_posts: set[int] = field(default_factory=set)
    deleted_comments: list[Comment] = field(default_factory=list)
    authors: set[int] = field(default_factory=set)  # users whose name or role changed
    published: list[dict] = field(default_factory=list)

    def merge(self, later: ChangeSet) -> None:
        """Add what a later step of the same transaction did."""
        self.created.extend(later.created)
        for post_id, values in later.before.items():
            for column, value in values.items():
                self.before.setdefault(post_id, {}).setdefault(column, value)
        for post_id, columns in later.changed.items():
            self.changed.setdefault(post_id, set()).update(columns)
        self.removed_posts |= later.removed_posts
        self.new_votes.extend(later.new_votes)
        self.voted_posts |= later.voted_posts
        self.deleted_comments.extend(later.deleted_comments)
        self.authors |= later.authors
        self.published.extend(later.published)

    def __bool__(self) -> bool:
        return bool(
            self.created or self.changed or self.removed_posts or self.new_votes or self.voted_posts
            or self.deleted_comments or self.authors or self.published
        )  # fmt: skip

    # --- noting ---------------------------------------------------------------------------

    def note(self, post_id: int, column: str) -> None:
        self.changed.setdefault(post_id, set()).add(column)

    def note_before(self, post_id: int, column: str, value: Any) -> None:
        self.note(post_id, column)
        self.before.setdefault(post_id, {}).setdefault(column, value)

    # --- reading, at commit time ------------------------------------------------------------

    def created_posts(self) -> list[Post]:
        return [obj for obj in self.created if isinstance(obj, Post) and _persistent(obj)]

    def created_comments(self) -> list[Comment]:
        return [obj for obj in self.created if isinstance(obj, Comment) and _persistent(obj)]

    def changed_posts(self, columns: Iterable[str]) -> set[int]:
        """Posts (not new ones) this transaction changed in any of `columns`."""
        wanted = set(columns)
        created = {post.id for post in self.created_posts()}
        return {pid for pid, names in self.changed.items() if names & wanted and pid not in created}

    def voted(self) -> set[int]:
        """Posts whose votes were cast, changed or withdrawn."""
        return self.voted_posts | {vote.post_id for vote in self.new_votes if _persistent(vote)}


def _persistent(obj: Model) -> bool:
    return inspect(obj).persistent


# --- the subscribers, as create_app lists them ------------------------------------------------

_as_written: list[Subscriber] = []
_at_commit: list[Subscriber] = []


def subscribe(*, as_written: Iterable[Subscriber], at_commit: Iterable[Subscriber]) -> None:
    """Make these the process's subscribers, called in this order (create_app does it)."""
    _as_written[:] = list(as_written)
    _at_commit[:] = list(at_commit)
    _listen()


def subscribers() -> dict[str, list[Subscriber]]:
    return {"as_written": list(_as_written), "at_commit": list(_at_commit)}


def publish(
    session: Session,
    type: str,
    *,
    rooms: list[str],
    payload: dict,
    question_id: int | None = None,
    staff_only: bool = False,
) -> None:
    """Announce, with this transaction, an event that no column change describes (flags, claims)."""
    _changes(session).published.append({
        "type": type, "rooms": rooms, "payload": payload,
        "question_id": question_id, "staff_only": staff_only,
    })  # fmt: skip


def after_commit(session: Session, effect: Effect, key: str | None = None) -> None:
    """Run `effect` once the session's transaction commits; drop it if it rolls back.

    Effects with the same `key` run once per transaction (the first one queued).
    """
    effects: dict[object, Effect] = session.info.setdefault(_EFFECTS, {})
    effects.setdefault(key if key is not None else object(), effect)


def memo(session: Session, name: str) -> set:
    """A set a subscriber keeps for the rest of this transaction (what it already wrote, say).

    It is forgotten at the commit and at any rollback, a savepoint's included:
    what was written may be gone, so the subscriber writes it afresh.
    """
    return session.info.setdefault(_MEMO, {}).setdefault(name, set())


# --- noting what happens ----------------------------------------------------------------------


def _changes(session: Session) -> ChangeSet:
    """What the transaction did since the as-written subscribers last heard."""
    return session.info.setdefault(_PENDING, ChangeSet())


def _note_flush(session: Session, flush_context, instances) -> None:
    if session.info.get(_DISPATCHING):
        return  # the subscribers' own rows (outbox, events) are not news
    for obj in session.new:
        if isinstance(obj, Post | Comment):
            _changes(session).created.append(obj)
        elif isinstance(obj, Vote):
            _changes(session).new_votes.append(obj)
    for obj in session.deleted:
        if isinstance(obj, Post) and obj.id is not None:
            _changes(session).removed_posts.add(obj.id)
        elif isinstance(obj, Vote):
            _changes(session).voted_posts.add(obj.post_id)
    unloaded: set[int] = set()  # set on an expired object: the old value is only in the database
    for obj in session.dirty:
        if isinstance(obj, Post) and obj.id is not None:
            unloaded |= _note_post(session, obj)
        elif isinstance(obj, Vote) and inspect(obj).attrs.value.history.has_changes():
            _changes(session).voted_posts.add(obj.post_id)
        elif isinstance(obj, Comment) and _newly_deleted(obj):
            _changes(session).deleted_comments.append(obj)
        elif isinstance(obj, User) and any(
            inspect(obj).attrs[name].history.has_changes() for name in AUTHOR_COLUMNS
        ):
            _changes(session).authors.add(obj.id)
    if unloaded:
        _note_rows(session, select(Post.id, *_columns()).where(Post.id.in_(unloaded)), POST_COLUMNS)


def _note_post(session: Session, post: Post) -> set[int]:
    """Note `post`'s changed columns and their old values; its id when one must be read."""
    state = inspect(post)
    unloaded = set()
    for column in POST_COLUMNS:
        history = state.attrs[column].history
        if history.deleted:
            _changes(session).note_before(post.id, column, history.deleted[0])
        elif history.added:
            unloaded.add(post.id)
    for name in POST_RELATIONSHIPS:
        if state.attrs[name].history.has_changes():
            _changes(session).note(post.id, name)
    return unloaded


def _newly_deleted(comment: Comment) -> bool:
    return comment.deleted_at is not None and bool(inspect(comment).attrs.deleted_at.history.added)


def _note_bulk_statement(state: ORMExecuteState) -> None:
    """`update(Post)` and `delete(Post)` bypass the ORM (voting sets scores this way): read the
    rows they match first. A Core statement on the bare table is maintenance (the test suite
    emptying every table) and is not news."""
    # An UPDATE or a DELETE (state.is_update, state.is_delete), typed as one.
    if not isinstance(state.statement, (Update, Delete)) or state.session.info.get(_DISPATCHING):
        return
    if state.bind_mapper is None or state.bind_mapper.class_ is not Post:
        return
    where = state.statement.whereclause
    matched = select(Post.id, *_columns())
    if where is not None:
        matched = matched.where(where)
    if state.is_delete:
        ids = state.session.connection().execute(matched.with_only_columns(Post.id)).scalars()
        _changes(state.session).removed_posts.update(ids)
    else:
        columns = _set_columns(state.statement)
        if not columns:
            return
        _note_rows(state.session, matched, columns)
    _hand_over_written(state.session)


def _set_columns(statement) -> tuple[str, ...]:
    """The POST_COLUMNS an UPDATE sets. SQLAlchemy keeps the SET clause privately; when it
    cannot be read, assume every column."""
    values = getattr(statement, "_values", None)
    if not values:
        return POST_COLUMNS
    keys = {getattr(key, "key", key) for key in values}
    return tuple(c for c in POST_COLUMNS if c in keys)


def _columns():
    return [getattr(Post, c) for c in POST_COLUMNS]


def _note_rows(session: Session, query, columns: Iterable[str]) -> None:
    """Note the current database values of the posts `query` selects as their "before"."""
    changes = _changes(session)
    for row in session.connection().execute(query):
        for column in columns:
            changes.note_before(row.id, column, getattr(row, column))


# --- handing over ----------------------------------------------------------------------------


def _call(session: Session, subscribers: list[Subscriber], changes: ChangeSet) -> None:
    session.info[_DISPATCHING] = True
    try:
        for subscriber in subscribers:
            effect = subscriber(session, changes)
            if effect is not None:
                after_commit(session, effect, key=subscriber.__qualname__)
    finally:
        session.info.pop(_DISPATCHING, None)


def _hand_over_written(session: Session, *args) -> None:
    """Tell the as-written subscribers what this step did; keep it for the commit."""
    if session.info.get(_DISPATCHING):
        return  # a subscriber is writing; what it notes waits for the next hand-over
    pending: ChangeSet | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    _call(session, _as_written, pending)
    transaction: ChangeSet | None = session.info.get(_CHANGES)
    if transaction is None:
        session.info[_CHANGES] = pending
    else:
        transaction.merge(pending)


def _hand_over_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint; the real commit is still to come
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes only after this hook: note the last changes now
    _hand_over_written(session)  # what was noted without a flush (publish())
    changes: ChangeSet | None = session.info.pop(_CHANGES, None)
    if not changes:
        return
    _call(session, _at_commit, changes)
    if session.new or session.dirty or session.deleted:
        session.info[_DISPATCHING] = True  # the subscribers' own rows are not news
        try:
            session.flush()
        finally:
            session.info.pop(_DISPATCHING, None)


def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    session.info.pop(_MEMO, None)
    session.info[_COMMITTED] = session.info.pop(_EFFECTS, {})


def _run_effects(session: Session, transaction) -> None:
    """Once the committed transaction has ended and given its connection back: an effect that
    needs the database (draining the index) takes a connection of its own, and holding two
    at once would let a burst of writers empty the pool."""
    if transaction.parent is not None:
        return
    for effect in session.info.pop(_COMMITTED, {}).values():
        try:
            effect()
        except Exception:  # an effect failing must not undo a committed change
            log.exception("after-commit effect failed")


def _forget(session: Session, previous_transaction) -> None:
    # A rolled-back savepoint keeps the notes: what it undid is compared away at commit.
    session.info.pop(_MEMO, None)
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_CHANGES, None)
        session.info.pop(_EFFECTS, None)
        session.info.pop(_DISPATCHING, None)


_HOOKS = (
    ("before_flush", _note_flush),
    ("after_flush_postexec", _hand_over_written),
    ("do_orm_execute", _note_bulk_statement),
    ("before_commit", _hand_over_commit),
    ("after_commit", _committed),
    ("after_transaction_end", _run_effects),
    ("after_soft_rollback", _forget),
)


def _listen() -> None:
    """Listen to every session, once per process."""
    for name, hook in _HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
