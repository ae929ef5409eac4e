"""Import a Stack Exchange data dump (the XML files of archive.org/details/stackexchange).

`Posts.xml` is required; `Users.xml`, `Votes.xml`, `Comments.xml`,
`Tags.xml`, `PostLinks.xml` and `PostHistory.xml` are used when present.
Every file is read with `iterparse`, one row at a time. Rows are written in
batches, each batch one transaction holding whole posts with everything
they bring (revision, tags, counts, ledger rows, search outbox rows), so a
run killed at any moment leaves no half-written post, and the next run
skips what is there: every imported row keeps its (site, id) under a unique
index. Rows are written with Core statements on the tables, which the
change pipeline (forum/changes.py) does not announce: an import publishes
no live events. The search outbox rows are written with the posts.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast
from xml.etree import ElementTree

from flask import current_app
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from forum import clock, markup, pagecache, search
from forum.changes import ChangeSet
from forum.importers.bodies import BodyConverter, default_workers
from forum.importers.bodies import to_markdown as to_markdown  # the importer's conversion, for callers
from forum.models import (
    Comment,
    ExternalIdentity,
    Post,
    PostRevision,
    ReputationEvent,
    SearchOutbox,
    Tag,
    User,
    post_tags,
)
from forum.services.validation import TAG_MAX_LEN, TAG_RE, TAGS_MAX, TITLE_MAX, USERNAME_MAX, USERNAME_MIN

PROVIDER = "stackexchange"
SITE_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]{0,27}$")  # the site and an id fit external_id (40)
BATCH_ROWS = 500
# Stack Exchange's own "Community" user has id -1; posts of deleted users belong to it too.
COMMUNITY_ID = -1
# Bigger imports rebuild the search index in parallel rather than draining row by row.
REBUILD_INDEX_FROM = 5000


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


POSTS, USERS, TAGS, COMMENTS = _table(Post), _table(User), _table(Tag), _table(Comment)
IDENTITIES, REVISIONS, LEDGER, OUTBOX = (
    _table(ExternalIdentity),
    _table(PostRevision),
    _table(ReputationEvent),
    _table(SearchOutbox),
)

FILES = {
    "Posts.xml": "posts", "Users.xml": "users", "Votes.xml": "votes", "Comments.xml": "comments",
    "Tags.xml": "tags", "PostLinks.xml": "postlinks", "PostHistory.xml": "posthistory",
}  # fmt: skip
QUESTION, ANSWER, TAG_EXCERPT, TAG_WIKI = "1", "2", "4", "5"
UP_MOD, DOWN_MOD, ACCEPTED_BY_ORIGINATOR = "2", "3", "1"
DUPLICATE_LINK = "3"
POST_CLOSED = "10"
# PostHistory's close reasons (old and new numbering) in the forum's words; others stay unnamed.
CLOSE_REASONS = {
    "1": "duplicate", "101": "duplicate", "2": "off_topic", "102": "off_topic",
    "3": "needs_detail", "4": "needs_detail", "103": "needs_detail", "104": "needs_detail",
}  # fmt: skip


class DumpError(Exception):
    """The dump cannot be imported (missing, not a dump, broken XML): the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProgressBar(Protocol):
    def update(self, n_steps: int) -> None: ...


# (label, total bytes) -> a context whose value is told how many bytes were read (click.progressbar).
Progress = Callable[[str, int], AbstractContextManager[Any]]


class _Silent:
    def update(self, n_steps: int) -> None:
        return None


def _no_progress(label: str, total: int) -> AbstractContextManager[Any]:
    return nullcontext(_Silent())


@dataclass
class ImportReport:
    site: str
    created: Counter = field(default_factory=Counter)  # users, questions, answers, accepted, ...
    existing: Counter = field(default_factory=Counter)  # already there from an earlier run
    skipped: Counter = field(default_factory=Counter)  # reason -> rows
    seconds: float = 0.0
    search: str = ""

    @property
    def posts(self) -> int:
        return self.created["questions"] + self.created["answers"]


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys: an executemany, or on PostgreSQL a COPY.

    The server plans a 500-row INSERT's VALUES list expression by expression; COPY only parses
    the rows (measured here: a third less of the server's CPU for an import, and less of ours).
    Python-side column defaults are filled in as the INSERT would (once: a batch shares a moment).
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    defaults = [c for c in table.columns if c.name not in rows[0] and c.default is not None]
    filled = [c.default.arg(None) if c.default.is_callable else c.default.arg for c in defaults]  # type: ignore[union-attr]
    columns = ", ".join(names + [c.name for c in defaults])
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names] + filled)


# --- reading ------------------------------------------------------------------------------------


def _rows(path: Path, root: str, progress: Progress) -> Iterator[dict[str, str]]:
    """The attributes of each <row> of one dump file, streamed; DumpError if it is not one."""
    with path.open("rb") as raw, progress(path.name, path.stat().st_size) as bar:
        read = rows = 0
        try:
            events = ElementTree.iterparse(raw, events=("start", "end"))
            _, top = next(events)
            if top.tag != root:
                raise DumpError(_not_a_dump(path, top.tag, root))
            for event, element in events:
                if event == "end" and element.tag == "row":
                    yield dict(element.attrib)
                    top.clear()  # the row and anything before it: memory stays flat
                    rows += 1
                    if rows % 256 == 0:  # asking the file where it is costs more than a row's attributes
                        position = raw.tell()
                        bar.update(position - read)
                        read = position
            bar.update(path.stat().st_size - read)
        except ElementTree.ParseError as error:
            line, column = error.position
            raise DumpError(
                f"{path.name} is not well-formed XML (line {line}, column {column}); "
                "what was written before it is kept: fix the file and run the import again."
            ) from error
        except StopIteration as error:
            raise DumpError(f"{path.name} is empty.") from error


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _date(value: str | None) -> datetime | None:
    """A dump date ("2018-03-12T17:14:46.030", with or without milliseconds) as naive UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def parse_tags(value: str | None) -> list[str]:
    """Both spellings of a post's tags: the old "<a><b>" and the newer "|a|b|"."""
    if not value:
        return []
    raw = value.strip().strip("|").split("|") if "|" in value else re.findall(r"<([^<>]+)>", value)
    names: list[str] = []
    for name in (item.strip().lower() for item in raw):
        if name and len(name) <= TAG_MAX_LEN and TAG_RE.match(name) and name not in names:
            names.append(name)
    return names[:TAGS_MAX]


# --- accounts -----------------------------------------------------------------------------------


def _base_username(display_name: str, user_id: int) -> str:
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9_.\-]+", "_", ascii_name.strip()).strip("_.-")[:USERNAME_MAX]
    return base if len(base) >= USERNAME_MIN else f"user{abs(user_id)}"


class _Accounts:
    """The site's users: Stack Exchange id -> forum user id, created on first need."""

    def __init__(self, session: Session, site: str, report: ImportReport) -> None:
        self.session, self.site, self.report = session, site, report
        self.known: dict[int, int] = {}
        self.names: dict[int, str] = {}
        prefix = f"{site}:"
        for external_id, user_id, handle in session.execute(
            select(ExternalIdentity.external_id, ExternalIdentity.user_id, ExternalIdentity.handle).where(
                ExternalIdentity.provider == PROVIDER, ExternalIdentity.external_id.startswith(prefix)
            )
        ):
            se_id = _int(external_id[len(prefix) :])
            if se_id is not None:
                self.known[se_id] = user_id
                self.names[se_id] = handle
        self.taken = {name.lower() for name in session.scalars(select(User.username))}
        self.pending: dict[int, tuple[str, datetime | None]] = {}

    def name_of(self, se_id: int) -> str | None:
        pending = self.pending.get(se_id)
        return pending[0] if pending else self.names.get(se_id)

    def want(self, se_id: int, display_name: str | None, created_at: datetime | None) -> None:
        """Create this user with the next `create_pending` unless it exists."""
        if se_id in self.known or se_id in self.pending:
            return
        name = (display_name or "").strip() or ("Community" if se_id == COMMUNITY_ID else f"user{se_id}")
        self.pending[se_id] = (name, created_at)

    def _username(self, display_name: str, se_id: int) -> str:
        base = _base_username(display_name, se_id)
        for n in range(1, 1000):
            suffix = "" if n == 1 else f"-{abs(se_id)}" if n == 2 else f"-{abs(se_id)}-{n}"
            candidate = base[: USERNAME_MAX - len(suffix)] + suffix
            if candidate.lower() not in self.taken:
                self.taken.add(candidate.lower())
                return candidate
        raise DumpError(f"No free username for {display_name!r}.")

    def create_pending(self) -> None:
        if not self.pending:
            return
        items = sorted(self.pending.items())
        rows = [
            {
                "username": self._username(name, se_id),
                "email": f"{self.site}-{se_id}@stackexchange.invalid",
                "password_hash": None,
                "created_at": created_at or datetime(2008, 1, 1),
            }
            for se_id, (name, created_at) in items
        ]
        ids = self.session.scalars(
            insert(USERS).returning(USERS.c.id, sort_by_parameter_order=True), rows
        ).all()
        self.session.execute(
            insert(IDENTITIES),
            [
                {"provider": PROVIDER, "external_id": f"{self.site}:{se_id}", "handle": name[:50],
                 "user_id": user_id, "is_brand": False}
                for (se_id, (name, _)), user_id in zip(items, ids, strict=True)
            ],
        )  # fmt: skip
        for (se_id, (name, _)), user_id in zip(items, ids, strict=True):
            self.known[se_id] = user_id
            self.names[se_id] = name[:50]
        self.report.created["users"] += len(items)
        self.pending.clear()


# --- what the side files say --------------------------------------------------------------------


@dataclass
class _Votes:
    up: int = 0
    down: int = 0
    last: datetime | None = None


@dataclass
class _SideFacts:
    """What Votes.xml, PostLinks.xml and PostHistory.xml say about posts, read before any write."""

    has_votes: bool = False
    votes: dict[int, _Votes] = field(default_factory=dict)
    accepted_on: dict[int, datetime] = field(default_factory=dict)  # answer id -> day accepted
    duplicate_of: dict[int, list[int]] = field(default_factory=dict)  # question id -> originals
    close_reason: dict[int, str] = field(default_factory=dict)


def _read_side_files(directory: Path, progress: Progress, report: ImportReport) -> _SideFacts:
    facts = _SideFacts()
    votes_file = directory / "Votes.xml"
    if votes_file.is_file():
        facts.has_votes = True
        for row in _rows(votes_file, FILES["Votes.xml"], progress):
            post_id, kind, day = (
                _int(row.get("PostId")),
                row.get("VoteTypeId"),
                _date(row.get("CreationDate")),
            )
            if post_id is None:
                report.skipped["vote without a post id"] += 1
            elif kind in (UP_MOD, DOWN_MOD):
                tally = facts.votes.setdefault(post_id, _Votes())
                if kind == UP_MOD:
                    tally.up += 1
                else:
                    tally.down += 1
                if day is not None and (tally.last is None or day > tally.last):
                    tally.last = day
            elif kind == ACCEPTED_BY_ORIGINATOR and day is not None:
                facts.accepted_on[post_id] = day
    links_file = directory / "PostLinks.xml"
    if links_file.is_file():
        for row in _rows(links_file, FILES["PostLinks.xml"], progress):
            post_id, related = _int(row.get("PostId")), _int(row.get("RelatedPostId"))
            if row.get("LinkTypeId") == DUPLICATE_LINK and post_id is not None and related is not None:
                facts.duplicate_of.setdefault(post_id, []).append(related)
    history_file = directory / "PostHistory.xml"
    if history_file.is_file():
        for row in _rows(history_file, FILES["PostHistory.xml"], progress):
            post_id = _int(row.get("PostId"))
            if row.get("PostHistoryTypeId") == POST_CLOSED and post_id is not None:
                reason = CLOSE_REASONS.get((row.get("Comment") or "").strip())
                if reason:
                    facts.close_reason[post_id] = reason
    return facts


# --- writing ------------------------------------------------------------------------------------


@dataclass
class _Question:
    local_id: int | None  # None until its batch is written
    author_se: int
    accepted_se: int | None


@dataclass
class _PendingPost:
    se_id: int
    kind: str
    owner_se: int
    author_name: str | None
    row: dict[str, Any]
    tags: list[str]
    question_se: int | None = None
    source: str = ""  # the HTML body, until it is converted


class _PostWriter:
    """Writes posts a batch at a time, each batch one transaction with all it brings.

    A full batch goes to the body converter (a process pool for a big dump) and
    is written, in file order, once its bodies are back; meanwhile the next
    batches are read and converted.
    """

    def __init__(
        self, session: Session, site: str, site_url: str | None, facts: _SideFacts,
        accounts: _Accounts, report: ImportReport, converter: BodyConverter,
    ) -> None:  # fmt: skip
        self.session, self.site, self.site_url, self.facts = session, site, site_url, facts
        self.accounts, self.report, self.converter = accounts, report, converter
        self.converting: deque[tuple[list[_PendingPost], Future[list[tuple[str, str]]]]] = deque()
        self.queued: set[int] = set()  # read in this run, maybe not written yet
        rows = session.execute(select(Post.imported_id, Post.id).where(Post.imported_site == site))
        self.imported: dict[int, int] = {se_id: post_id for se_id, post_id in rows if se_id is not None}
        self.questions: dict[int, _Question] = {}
        self.tag_ids: dict[str, int] = dict(session.execute(select(Tag.name, Tag.id)).tuples().all())
        self.batch: list[_PendingPost] = []
        # Each touched user's ledger total, summed from the ledger once, then kept up by the batches.
        self.ledger_totals: dict[int, int] = {}
        points = current_app.config["REPUTATION_POINTS"]
        self.points = {name: int(points[name]) for name in points}

    # -- reading one row

    def add(self, row: dict[str, str]) -> None:
        se_id, kind = _int(row.get("Id")), row.get("PostTypeId")
        if se_id is None:
            self.report.skipped["post without an id"] += 1
            return
        if kind in (TAG_EXCERPT, TAG_WIKI):
            self.report.skipped["tag wiki posts"] += 1
            return
        if kind not in (QUESTION, ANSWER):
            self.report.skipped[f"posts of another type ({kind or 'none'})"] += 1
            return
        owner_se = _int(row.get("OwnerUserId"))
        owner_se = COMMUNITY_ID if owner_se is None else owner_se
        if kind == QUESTION:
            self.questions[se_id] = _Question(
                self.imported.get(se_id), owner_se, _int(row.get("AcceptedAnswerId"))
            )
        if se_id in self.imported:
            self.report.existing["questions" if kind == QUESTION else "answers"] += 1
            return
        if se_id in self.queued:
            self.report.skipped["posts whose id came before in the file"] += 1
            return
        pending = self._pending(se_id, kind, owner_se, row)
        if pending is None:
            if kind == QUESTION:
                del self.questions[se_id]  # its answers are skipped too
            return
        self.accounts.want(owner_se, row.get("OwnerDisplayName"), pending.row["created_at"])
        self.queued.add(se_id)
        self.batch.append(pending)
        if len(self.batch) >= BATCH_ROWS:
            self._convert_batch()

    def _pending(self, se_id: int, kind: str, owner_se: int, row: dict[str, str]) -> _PendingPost | None:
        created_at = _date(row.get("CreationDate"))
        if created_at is None:
            self.report.skipped["posts without a readable creation date"] += 1
            return None
        body_html = row.get("Body")
        if body_html is None:
            self.report.skipped["posts without a body"] += 1
            return None
        title = " ".join((row.get("Title") or "").split())
        question_se = _int(row.get("ParentId"))
        if kind == QUESTION and not title:
            self.report.skipped["questions without a title"] += 1
            return None
        if kind == ANSWER and (question_se is None or question_se not in self.questions):
            self.report.skipped["answers whose question is not imported"] += 1
            return None
        edited = _date(row.get("LastEditDate")) or created_at
        score = self._score(se_id, row)
        closed_at = _date(row.get("ClosedDate")) if kind == QUESTION else None
        values: dict[str, Any] = {
            "kind": "question" if kind == QUESTION else "answer",
            "score": score,
            "imported_score": score,
            "created_at": created_at,
            "updated_at": max(edited, created_at),
            "last_activity_at": max(_date(row.get("LastActivityDate")) or edited, edited),
            "title": title[:TITLE_MAX] if kind == QUESTION else None,
            "closed_at": closed_at,
            "closed_reason": self._close_reason(se_id) if closed_at else None,
            "imported_site": self.site,
            "imported_id": se_id,
            "imported_url": self._url(se_id, kind),
        }
        author_name = (row.get("OwnerDisplayName") or "").strip() or None
        tags = parse_tags(row.get("Tags")) if kind == QUESTION else []
        return _PendingPost(se_id, kind, owner_se, author_name, values, tags, question_se, body_html)

    def _score(self, se_id: int, row: dict[str, str]) -> int:
        if self.facts.has_votes:
            tally = self.facts.votes.get(se_id)
            return tally.up - tally.down if tally else 0
        return _int(row.get("Score")) or 0

    def _close_reason(self, se_id: int) -> str | None:
        if se_id in self.facts.close_reason:
            return self.facts.close_reason[se_id]
        return "duplicate" if se_id in self.facts.duplicate_of else None

    def _url(self, se_id: int, kind: str) -> str | None:
        if not self.site_url:
            return None
        return f"{self.site_url}/{'q' if kind == QUESTION else 'a'}/{se_id}"

    # -- writing one batch

    def _convert_batch(self) -> None:
        """Hand the batch read so far to the converter; write the batches whose turn has come."""
        if self.batch:
            batch, self.batch = self.batch, []
            self.converting.append((batch, self.converter.submit([p.source for p in batch])))
        while len(self.converting) > self.converter.in_flight:
            self._write_next()

    def flush(self) -> None:
        """Write every post read so far."""
        self._convert_batch()
        while self.converting:
            self._write_next()

    def _write_next(self) -> None:
        batch, converted = self.converting.popleft()
        for pending, (body, body_html) in zip(batch, converted.result(), strict=True):
            pending.row["body"], pending.row["body_html"] = body, body_html
            pending.source = ""
        self._write(batch)

    def _write(self, batch: list[_PendingPost]) -> None:
        """One transaction: the batch's posts with all they bring."""
        self.accounts.create_pending()
        for pending in batch:
            pending.row["author_id"] = self.accounts.known[pending.owner_se]
            pending.row["imported_author"] = (
                pending.author_name or self.accounts.name_of(pending.owner_se) or "community"
            )[:100]
        questions = [p for p in batch if p.kind == QUESTION]
        answers = [p for p in batch if p.kind == ANSWER]
        self._insert(questions)
        for pending in questions:
            self.questions[pending.se_id].local_id = self.imported[pending.se_id]
        for pending in answers:
            question = self.questions[pending.question_se]  # type: ignore[index]
            pending.row["question_id"] = question.local_id
        self._insert(answers)
        self._tag(questions)
        self._count_answers(answers)
        ledger = self._vote_ledger(batch) + self._accept(answers)
        if ledger:
            _insert_rows(self.session, LEDGER, ledger)
            self._refresh_reputation(ledger)
        ids = [self.imported[p.se_id] for p in batch]
        now = clock.now()
        _insert_rows(self.session, OUTBOX, [{"post_id": post_id, "created_at": now} for post_id in ids])
        pagecache.bump_generation(self.session, ChangeSet())
        self.session.commit()
        self.report.created["questions"] += len(questions)
        self.report.created["answers"] += len(answers)

    def _insert(self, posts: list[_PendingPost]) -> None:
        if not posts:
            return
        table = POSTS
        # One executemany and one query for the new ids by their unique (site, original id): an
        # INSERT ... RETURNING in parameter order is a statement a row on SQLite.
        _insert_rows(self.session, table, [p.row for p in posts])
        new_ids = dict(
            self.session.execute(
                select(table.c.imported_id, table.c.id).where(
                    table.c.imported_site == self.site, table.c.imported_id.in_([p.se_id for p in posts])
                )
            )
            .tuples()
            .all()
        )
        ids = [new_ids[p.se_id] for p in posts]
        for pending, post_id in zip(posts, ids, strict=True):
            self.imported[pending.se_id] = post_id
        _insert_rows(
            self.session,
            REVISIONS,
            [
                {"post_id": post_id, "number": 1, "editor_id": p.row["author_id"], "title": p.row["title"],
                 "body": p.row["body"], "tags": " ".join(p.tags), "summary": f"imported from {self.site}",
                 "created_at": p.row["created_at"]}
                for p, post_id in zip(posts, ids, strict=True)
            ],
        )  # fmt: skip

    def _tag(self, questions: list[_PendingPost]) -> None:
        missing = sorted({name for p in questions for name in p.tags} - self.tag_ids.keys())
        if missing:
            table = TAGS
            ids = self.session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [{"name": name, "question_count": 0} for name in missing],
            ).all()
            self.tag_ids.update(zip(missing, ids, strict=True))
        links = [
            {"post_id": self.imported[p.se_id], "tag_id": self.tag_ids[name]}
            for p in questions
            for name in p.tags
        ]
        if not links:
            return
        _insert_rows(self.session, post_tags, links)
        added = Counter(link["tag_id"] for link in links)
        table = TAGS
        self.session.execute(
            update(table)
            .where(table.c.id == bindparam("tag"))
            .values(question_count=table.c.question_count + bindparam("added")),
            [{"tag": tag_id, "added": n} for tag_id, n in added.items()],
        )

    def _count_answers(self, answers: list[_PendingPost]) -> None:
        added = Counter(self.questions[p.question_se].local_id for p in answers)  # type: ignore[index]
        if not added:
            return
        table = POSTS
        self.session.execute(
            update(table)
            .where(table.c.id == bindparam("question"))
            .values(answer_count=table.c.answer_count + bindparam("added")),
            [{"question": question_id, "added": n} for question_id, n in added.items()],
        )

    def _vote_ledger(self, batch: list[_PendingPost]) -> list[dict[str, Any]]:
        """One ledger row per post for what its votes there were worth (no daily cap)."""
        rows = []
        for pending in batch:
            if self.facts.has_votes:
                tally = self.facts.votes.get(pending.se_id) or _Votes()
                up, down, when = tally.up, tally.down, tally.last
            else:
                score = pending.row["score"]
                up, down, when = max(score, 0), max(-score, 0), None
            upvoted = "question_upvoted" if pending.kind == QUESTION else "answer_upvoted"
            delta = up * self.points[upvoted] + down * self.points["post_downvoted"]
            if delta:
                post_id = self.imported[pending.se_id]
                when = when or pending.row["created_at"]
                rows.append(self._ledger_row(pending.row["author_id"], delta, post_id, when))
        return rows

    def _accept(self, answers: list[_PendingPost]) -> list[dict[str, Any]]:
        """Mark each answer its question accepted, with the ledger rows an accept writes."""
        rows: list[dict[str, Any]] = []
        marks = []
        for pending in answers:
            question = self.questions[pending.question_se]  # type: ignore[index]
            if question.accepted_se != pending.se_id:
                continue
            answer_id = self.imported[pending.se_id]
            answerer = pending.row["author_id"]
            asker = self.accounts.known[question.author_se]
            when = self.facts.accepted_on.get(pending.se_id) or pending.row["created_at"]
            marks.append({"question": question.local_id, "answer": answer_id, "asker": asker, "when": when})
            if answerer != asker:  # accepting your own answer earns nothing
                rows.append(self._ledger_row(answerer, self.points["answer_accepted"], answer_id, when))
                rows.append(self._ledger_row(asker, self.points["accepted_an_answer"], answer_id, when))
        if marks:
            table = POSTS
            self.session.execute(
                update(table)
                .where(table.c.id == bindparam("question"))
                .values(
                    accepted_answer_id=bindparam("answer"),
                    accepted_by_id=bindparam("asker"),
                    accepted_at=bindparam("when"),
                ),
                marks,
            )
            self.report.created["accepted"] += len(marks)
        return rows

    @staticmethod
    def _ledger_row(user_id: int, delta: int, post_id: int, when: datetime) -> dict[str, Any]:
        return {"user_id": user_id, "delta": delta, "reason": "imported", "post_id": post_id,
                "vote_id": None, "created_at": when, "counts_for_privileges": True}  # fmt: skip

    def _refresh_reputation(self, ledger: list[dict[str, Any]]) -> None:
        """Set the reputation of the users the batch's ledger rows (already written) credit.

        A user's ledger is summed once, the first time a batch credits them; later batches add their
        own rows to that total. Summing every credited user's whole ledger for every batch made a
        prolific user's import quadratic (a third of a 100,000-post import here).
        """
        added: Counter[int] = Counter()
        for row in ledger:
            added[row["user_id"]] += row["delta"]
        first_seen = added.keys() - self.ledger_totals.keys()
        if first_seen:
            summed = self.session.execute(
                select(ReputationEvent.user_id, func.sum(ReputationEvent.delta))
                .where(ReputationEvent.user_id.in_(sorted(first_seen)))
                .group_by(ReputationEvent.user_id)
            ).tuples()
            self.ledger_totals.update({user_id: 0 for user_id in first_seen})
            self.ledger_totals.update({user_id: int(total or 0) for user_id, total in summed})
        for user_id, delta in added.items():
            if user_id not in first_seen:  # a first sum already holds this batch's rows
                self.ledger_totals[user_id] += delta
        users = USERS
        self.session.execute(
            update(users).where(users.c.id == bindparam("user")).values(reputation=bindparam("total")),
            [{"user": user_id, "total": max(1, 1 + self.ledger_totals[user_id])} for user_id in added],
        )

    # -- after every post

    def link_duplicates(self) -> None:
        """Point each duplicate at its first original that is here (it may come later in the file)."""
        marks = []
        for dup, originals in self.facts.duplicate_of.items():
            here = [se_id for se_id in originals if se_id in self.questions and se_id in self.imported]
            if dup in self.questions and dup in self.imported and here:
                marks.append({"duplicate": self.imported[dup], "original": self.imported[here[0]]})
        if not marks:
            return
        linked = select(func.count()).where(
            Post.imported_site == self.site, Post.duplicate_of_id.is_not(None)
        )
        before = self.session.scalar(linked) or 0
        self.session.execute(
            update(POSTS)
            .where(POSTS.c.id == bindparam("duplicate"), POSTS.c.duplicate_of_id.is_(None))
            .values(duplicate_of_id=bindparam("original")),
            marks,
        )
        self.report.created["duplicates"] += (self.session.scalar(linked) or 0) - before
        pagecache.bump_generation(self.session, ChangeSet())
        self.session.commit()


# --- the other files ----------------------------------------------------------------------------


def _import_users(path: Path, accounts: _Accounts, progress: Progress, report: ImportReport) -> None:
    for row in _rows(path, FILES["Users.xml"], progress):
        se_id = _int(row.get("Id"))
        if se_id is None:
            report.skipped["users without an id"] += 1
            continue
        if se_id in accounts.known:
            report.existing["users"] += 1
            continue
        accounts.want(se_id, row.get("DisplayName"), _date(row.get("CreationDate")))
        if len(accounts.pending) >= BATCH_ROWS:
            accounts.create_pending()
            accounts.session.commit()
    accounts.create_pending()
    accounts.session.commit()


def _import_tags(session: Session, path: Path, progress: Progress, report: ImportReport) -> None:
    """Tags.xml names every tag of the site, used or not; the used ones also come with their posts."""
    known = set(session.scalars(select(Tag.name)))
    new: list[str] = []
    for row in _rows(path, FILES["Tags.xml"], progress):
        names = parse_tags(f"<{row.get('TagName') or ''}>")
        if not names:
            report.skipped["tags with a name the forum does not allow"] += 1
        elif names[0] in known:
            report.existing["tags"] += 1
        else:
            known.add(names[0])
            new.append(names[0])
    if new:
        session.execute(insert(TAGS), [{"name": name, "question_count": 0} for name in new])
        session.commit()
    report.created["tags"] += len(new)


def _import_comments(
    session: Session, site: str, path: Path, posts: dict[int, int], accounts: _Accounts,
    progress: Progress, report: ImportReport,
) -> None:  # fmt: skip
    done = set(session.scalars(select(Comment.imported_id).where(Comment.imported_site == site)))
    batch: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        if not batch:
            return
        accounts.create_pending()
        rows = [{**row, "author_id": accounts.known[owner]} for owner, row in batch]
        session.execute(insert(COMMENTS), rows)
        session.commit()
        report.created["comments"] += len(rows)
        batch.clear()

    for row in _rows(path, FILES["Comments.xml"], progress):
        se_id, post_se = _int(row.get("Id")), _int(row.get("PostId"))
        text = (row.get("Text") or "").strip()
        created_at = _date(row.get("CreationDate"))
        if se_id is None or created_at is None or not text:
            report.skipped["comments without an id, a date or a text"] += 1
        elif se_id in done:
            report.existing["comments"] += 1
        elif post_se not in posts:
            report.skipped["comments on posts not imported"] += 1
        else:
            owner = _int(row.get("UserId"))
            owner = COMMUNITY_ID if owner is None else owner
            accounts.want(owner, row.get("UserDisplayName"), created_at)
            batch.append((owner, {
                "post_id": posts[post_se], "body": text, "body_html": markup.render(text),
                "created_at": created_at, "imported_site": site, "imported_id": se_id,
            }))  # fmt: skip
            done.add(se_id)
            if len(batch) >= BATCH_ROWS:
                flush()
    flush()


# --- the whole import ---------------------------------------------------------------------------


def check_dump(directory: Path, site: str, site_url: str | None) -> None:
    """Refuse, before writing anything, what cannot be imported."""
    if not SITE_RE.match(site):
        raise DumpError(
            f"{site!r} cannot name a site: use 1 to 28 lower-case letters, digits, dots or hyphens (--site)."
        )
    if site_url is not None and not re.match(r"^https?://[^\s/?#]+", site_url):
        raise DumpError(f"--site-url must be an http:// or https:// address, not {site_url!r}.")
    if not directory.is_dir():
        raise DumpError(f"{directory} is not a directory.")
    if not (directory / "Posts.xml").is_file():
        raise DumpError(f"{directory} holds no Posts.xml: it is not a Stack Exchange data dump.")
    for name, root in FILES.items():
        path = directory / name
        if path.is_file():
            _check_root(path, root)


def _check_root(path: Path, root: str) -> None:
    with path.open("rb") as raw:
        try:
            _, top = next(ElementTree.iterparse(raw, events=("start",)))
        except (ElementTree.ParseError, StopIteration) as error:
            raise DumpError(
                f"{path.name} is not a Stack Exchange dump file: it does not start as XML."
            ) from error
    if top.tag != root:
        raise DumpError(_not_a_dump(path, top.tag, root))


def _not_a_dump(path: Path, found: str, root: str) -> str:
    return f"{path.name} is not a Stack Exchange dump file: it starts with <{found}>, not <{root}>."


def import_dump(
    session: Session, directory: Path, site: str | None = None, site_url: str | None = None,
    progress: Progress = _no_progress, catch_up_search: bool = True, workers: int | None = None,
) -> ImportReport:  # fmt: skip
    """Import the dump in `directory` as `site` (default: the directory's name); see the module.

    Without `catch_up_search` the posts wait in the search outbox (`flask forum search drain`).
    `workers` processes convert the bodies (0: this process; default: one per CPU for a big dump).
    """
    site = (site or directory.name).strip().lower()
    site_url = site_url.strip().rstrip("/") if site_url else None
    check_dump(directory, site, site_url)
    started = time.perf_counter()
    report = ImportReport(site)
    accounts = _Accounts(session, site, report)
    if (directory / "Tags.xml").is_file():
        _import_tags(session, directory / "Tags.xml", progress, report)
    facts = _read_side_files(directory, progress, report)
    if (directory / "Users.xml").is_file():
        _import_users(directory / "Users.xml", accounts, progress, report)
    if workers is None:
        workers = default_workers((directory / "Posts.xml").stat().st_size)
    converter = BodyConverter(workers)
    try:
        writer = _PostWriter(session, site, site_url, facts, accounts, report, converter)
        for row in _rows(directory / "Posts.xml", FILES["Posts.xml"], progress):
            writer.add(row)
        writer.flush()
    except BaseException:
        converter.close(cancel=True)
        raise
    converter.close()
    writer.link_duplicates()
    if (directory / "Comments.xml").is_file():
        _import_comments(
            session, site, directory / "Comments.xml", writer.imported, accounts, progress, report
        )
    report.seconds = time.perf_counter() - started
    if catch_up_search:
        report.search = _catch_up_search(session, report.posts)
    return report


def _catch_up_search(session: Session, created_posts: int) -> str:
    """Bring the index up to date: a rebuild for a big import, else the outbox the posts queued."""
    try:
        if created_posts >= REBUILD_INDEX_FROM:
            rebuilt = search.rebuild(session)
            return f"rebuilt with {rebuilt.documents} documents in {rebuilt.seconds:.1f}s"
        return f"caught up with {search.catch_up(session)} queued changes"
    except search.SearchUnavailable as error:
        return f"the index is {error.reason}: run `flask forum search rebuild`"
