"""The mirror loop: poll a source, turn new tweets into threads, hide deleted ones.

A source is the X API's recent search (with `since_id` and `next_token`) or
a recorded file of response pages; both feed the same `ingest`. Tweets are
committed in id order together with the cursor's new `since_id`, so a
process killed anywhere resumes exactly where it stopped. Rate limits are waited out
(with `once`, only when the reset is under a minute away); 5xx and network
errors are retried with exponential backoff. A tweet that cannot be
mirrored is recorded as an error and passed, so it never stops the cursor.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from forum import clock
from forum.models import MirrorCursor, MirroredTweet, MirrorError
from forum.services.transactions import retrying
from forum.social import brands, conversations, replyback
from forum.social.client import RateLimited, Unavailable, XClient, XError
from forum.social.payloads import MalformedTweet, parse_id
from forum.wording import counted

log = logging.getLogger("forum.social.mirror")
T = TypeVar("T")

# Tuning knobs of the mirror (the main X settings are in config.py): app.config wins,
# then a FORUM_<KEY> variable, then these defaults.
DEFAULTS = {
    "X_BACKOFF_SECONDS": 1.0,
    "X_BACKOFF_MAX_SECONDS": 300.0,
    "X_ONCE_ATTEMPTS": 5,
    "X_ONCE_WAIT_LIMIT_SECONDS": 60,
    "X_DELETION_CHECK_SECONDS": 300,
    "X_HTTP_TIMEOUT_SECONDS": 15.0,
}
DELETION_WINDOW = timedelta(days=7)
LOOKUP_BATCH = 100
ERRORS_KEPT = 200
CHUNK_TWEETS = 25
CHUNK_SECONDS = 0.5


def setting(app: Flask, key: str):
    if key in app.config:
        return app.config[key]
    default = DEFAULTS.get(key)
    raw = os.environ.get(f"FORUM_{key}")
    if raw in (None, ""):
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int | float):
        return type(default)(raw)
    return raw


def make_client(app: Flask) -> XClient:
    return XClient(
        app.config["X_API_URL"],
        app.config.get("X_BEARER_TOKEN"),
        timeout=float(setting(app, "X_HTTP_TIMEOUT_SECONDS")),
        user_token=setting(app, "X_USER_TOKEN"),
    )


class StopMirror(Exception):
    """The run ends cleanly (with --once): rate limited for too long, or the API keeps failing."""

    def __init__(self, message: str, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


# ---- state kept in the database -------------------------------------------------------------


def cursor_for(session: Session, source: str) -> MirrorCursor:
    cursor = session.scalar(select(MirrorCursor).where(MirrorCursor.source == source))
    if cursor is None:
        cursor = MirrorCursor(source=source, last_poll_status="")
        session.add(cursor)
        session.flush()
    return cursor


def add_error(session: Session, source: str, kind: str, message: str) -> None:
    """Add an error for the admin page to the current transaction; older ones are pruned."""
    session.add(MirrorError(source=source[:200], kind=kind[:30], message=message[:500], at=clock.now()))
    session.flush()
    oldest_kept = session.scalar(
        select(MirrorError.id).order_by(MirrorError.id.desc()).offset(ERRORS_KEPT).limit(1)
    )
    if oldest_kept is not None:
        session.execute(delete(MirrorError).where(MirrorError.id <= oldest_kept))


def record_error(session: Session, source: str, kind: str, message: str) -> None:
    """Keep an error for the admin page, in its own small transaction."""
    session.rollback()
    add_error(session, source, kind, message)
    session.commit()


def save_rate_limit(
    session: Session, source: str, client: XClient, limited_until: datetime | None = None
) -> None:
    cursor = cursor_for(session, source)
    cursor.rate_limit_limit = client.rate_limit.limit
    cursor.rate_limit_remaining = client.rate_limit.remaining
    cursor.rate_limit_reset_at = client.rate_limit.reset_datetime
    if limited_until is not None:
        cursor.rate_limited_until = limited_until
    session.commit()


# ---- patience: rate limits and backoff --------------------------------------------------------


@dataclass
class Patience:
    """Calls the API, waiting out 429s and backing off on 5xx and network errors."""

    session: Session
    source: str
    client: XClient
    once: bool
    backoff: float = 1.0
    backoff_max: float = 300.0
    once_attempts: int = 5
    once_wait_limit: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.time

    def call(self, what: str, request: Callable[[], T]) -> T:
        failures = 0
        while True:
            try:
                result = request()
            except RateLimited as limited:
                wait = max(0.0, limited.reset_at - self.now()) + 1
                until = _utc(limited.reset_at)
                record_error(self.session, self.source, "rate_limit", f"{what}: {limited} until {until}Z")
                save_rate_limit(self.session, self.source, self.client, until)
                if self.once and wait >= self.once_wait_limit:
                    raise StopMirror(
                        f"rate limited on {what}; retry after {until.isoformat()}Z (in {int(wait)} s)", until
                    ) from limited
                log.warning("%s: rate limited, waiting %.0f s until %sZ", what, wait, until.isoformat())
                self.sleep(wait)
                continue
            except Unavailable as failure:
                failures += 1
                record_error(self.session, self.source, "unavailable", f"{what}: {failure}")
                if self.once and failures >= self.once_attempts:
                    raise StopMirror(f"{what} failed {failures} times; last: {failure}") from failure
                delay = min(self.backoff_max, self.backoff * 2 ** (failures - 1)) * random.uniform(0.8, 1.2)
                log.warning("%s: %s; retrying in %.1f s", what, failure, delay)
                self.sleep(delay)
                continue
            save_rate_limit(self.session, self.source, self.client)
            return result


def _utc(unix_seconds: float) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC).replace(tzinfo=None, microsecond=0)


# ---- sources -----------------------------------------------------------------------------------


class Source(Protocol):
    key: str

    def pages(self, since_id: int | None, patience: Patience | None) -> Iterator[dict]: ...


@dataclass
class ApiSource:
    """Recent search for `query`, every page after `since_id`."""

    client: XClient
    query: str
    key: str = ""

    def __post_init__(self) -> None:
        self.key = self.key or f"api:{self.query}"[:200]

    def pages(self, since_id: int | None, patience: Patience | None) -> Iterator[dict]:
        assert patience is not None
        token: str | None = None
        number = 0
        while True:
            number += 1
            page = patience.call(
                f"search page {number}",
                partial(self.client.search_recent, self.query, since_id, token),
            )
            yield page
            meta = page.get("meta")
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token or not isinstance(token, str):
                return


@dataclass
class FileSource:
    """Recorded response pages, one JSON object a line (the `--source` replay)."""

    path: Path
    key: str = ""

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.key = self.key or f"file:{self.path.name}"[:200]

    def pages(self, since_id: int | None, patience: Patience | None) -> Iterator[dict]:
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    page = json.loads(line)
                except ValueError as error:
                    raise XError(f"{self.path}:{number}: not a JSON page: {error}") from error
                if isinstance(page, dict):
                    yield page


# ---- one poll ------------------------------------------------------------------------------------


# How a summary names each kind of mirrored tweet (singular, plural), in the order it lists them.
_KIND_WORDS: dict[str, tuple[str, str]] = {
    "question": ("question", "questions"),
    "answer": ("answer", "answers"),
    "comment": ("comment", "comments"),
    "skipped": ("skipped", "skipped"),
}


@dataclass
class PollReport:
    fetched: int = 0
    mirrored: dict[str, int] = field(default_factory=dict)
    already: int = 0
    failed: int = 0
    hidden: int = 0

    def mirrored_words(self) -> str:
        """What the poll made, in words: "2 questions, 3 answers, 1 comment, 1 skipped"."""
        order = {kind: index for index, kind in enumerate(_KIND_WORDS)}
        made = sorted(self.mirrored.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        return ", ".join(counted(n, *_KIND_WORDS.get(kind, (kind,))) for kind, n in made) or "nothing new"

    def summary(self) -> str:
        text = f"{counted(self.fetched, 'tweet')} fetched: {self.mirrored_words()}"
        if self.already:
            text += f"; {self.already} already mirrored"
        if self.failed:
            text += f"; {self.failed} could not be mirrored (see the errors)"
        if self.hidden:
            text += f"; {self.hidden} hidden (deleted on X)"
        return text


class _TweetFailed(Exception):
    """One tweet of a chunk could not be mirrored; the chunk is rolled back and run again without it."""

    def __init__(self, tweet_id: int, reason: str) -> None:
        super().__init__(reason)
        self.tweet_id = tweet_id
        self.reason = reason


def _failure_reason(error: Exception) -> str:
    if isinstance(error, MalformedTweet):
        return f"malformed tweet: {error}"
    return f"{type(error).__name__}: {error}"


def ingest(
    session: Session,
    batch: conversations.Batch,
    source: str,
    brand_ids: frozenset[str],
    report: PollReport | None = None,
    pace: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """Mirror the tweets of `batch` in id order, committing them with the cursor's progress.

    `brand_ids` are the X user ids whose replies are staff answers (see
    forum.social.brands). A transaction takes up to CHUNK_TWEETS tweets or
    CHUNK_SECONDS, whichever comes first: few enough that new posts reach
    readers promptly, enough to spare the database a commit per tweet. With
    `pace`, tweets go one at a time that many seconds apart (a replay people
    can watch arrive). A tweet that fails is logged, recorded as skipped and
    as an error for the admin page, and passed.
    """
    report = report or PollReport()
    report.fetched += len(batch.tweets) + len(batch.rejected)
    failures: dict[int, str] = {}
    done = 0
    while done < len(batch.tweets):
        chunk = batch.tweets[done : done + (1 if pace else CHUNK_TWEETS)]

        def work(chunk: list[dict] = chunk) -> list[tuple[int, tuple | None]]:
            outcomes: list[tuple[int, tuple | None]] = []
            cursor = cursor_for(session, source)
            started = time.monotonic()
            for tweet in chunk:
                tweet_id = int(tweet["id"])  # collect() keeps only tweets with a valid id
                if cursor.since_id is not None and tweet_id <= cursor.since_id:
                    outcomes.append((tweet_id, None))
                    continue
                if conversations.find_mirrored(session, tweet_id) is not None:
                    outcomes.append((tweet_id, None))
                elif tweet_id in failures:
                    conversations.record_unmirrorable(session, tweet, failures[tweet_id], source)
                    add_error(session, source, "tweet", f"tweet {tweet_id}: {failures[tweet_id]}")
                    outcomes.append((tweet_id, ("failed", failures[tweet_id], None)))
                else:
                    try:
                        record = conversations.mirror_new_tweet(
                            session, tweet, batch.handles, brand_ids, source
                        )
                    except (IntegrityError, OperationalError):
                        raise  # a write conflict: `retrying` runs the chunk again
                    except Exception as error:
                        # Whatever one payload does wrong, the tweets after it must still arrive.
                        raise _TweetFailed(tweet_id, _failure_reason(error)) from error
                    outcomes.append((tweet_id, (record.kind, record.skip_reason, record.question_id)))
                if time.monotonic() - started >= CHUNK_SECONDS:
                    break
            # The cursor moves in the same transaction as the tweets it moves past.
            cursor.since_id = max(cursor.since_id or 0, outcomes[-1][0]) if outcomes else cursor.since_id
            cursor.updated_at = clock.now()
            return outcomes

        try:
            outcomes = retrying(session, work)
        except _TweetFailed as failed:
            log.warning("tweet %s could not be mirrored: %s", failed.tweet_id, failed.reason)
            failures[failed.tweet_id] = failed.reason
            continue
        done += len(outcomes)
        for tweet_id, outcome in outcomes:
            if outcome is None:
                report.already += 1
                continue
            kind, reason, question_id = outcome
            if kind == "failed":
                report.failed += 1
                continue
            report.mirrored[kind] = report.mirrored.get(kind, 0) + 1
            log.info(
                "tweet %s -> %s%s",
                tweet_id,
                kind,
                f" ({reason})" if reason else f" on question {question_id}",
            )
            if pace:
                sleep(pace)
    for message in batch.rejected:
        log.warning("%s", message)
        add_error(session, source, "tweet", message)
    report.failed += len(batch.rejected)
    if batch.newest_id:
        cursor = cursor_for(session, source)
        cursor.since_id = max(cursor.since_id or 0, batch.newest_id)
    session.commit()
    return report


def check_deletions(session: Session, client: XClient, patience: Patience) -> int:
    """Look up the tweets mirrored in the last 7 days, 100 a request; hide those X no longer has."""
    since = clock.now() - DELETION_WINDOW
    ids = list(
        session.scalars(
            select(MirroredTweet.tweet_id)
            .where(
                MirroredTweet.tweet_created_at >= since,
                MirroredTweet.deleted_at.is_(None),
                MirroredTweet.kind != "skipped",
            )
            .order_by(MirroredTweet.tweet_id)
        )
    )
    session.commit()
    hidden = 0
    for start in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[start : start + LOOKUP_BATCH]
        payload = patience.call(f"lookup of {len(chunk)} tweets", partial(client.lookup, chunk))
        gone = _not_found_ids(payload)
        for record in session.scalars(select(MirroredTweet).where(MirroredTweet.tweet_id.in_(gone))):
            conversations.hide_mirrored(session, record)
            hidden += 1
            log.info("tweet %s was deleted on X: hid its %s", record.tweet_id, record.kind)
        session.commit()
    return hidden


def _not_found_ids(payload: dict) -> set[int]:
    gone: set[int] = set()
    problems = payload.get("errors")
    for problem in problems if isinstance(problems, list) else []:
        if not isinstance(problem, dict) or problem.get("resource_type") != "tweet":
            continue
        kind = str(problem.get("type") or "")
        if not (kind.endswith("resource-not-found") or problem.get("title") == "Not Found Error"):
            continue
        tweet_id = parse_id(problem.get("resource_id") or problem.get("value"))
        if tweet_id is not None:
            gone.add(tweet_id)
    return gone


def poll_once(
    app: Flask,
    session: Session,
    source: Source,
    *,
    once: bool,
    check_deleted: bool,
    client: XClient | None = None,
    sleep: Callable[[float], None] = time.sleep,
    pace: float = 0.0,
) -> PollReport:
    """Fetch everything new from `source`, mirror it, and (for the API) hide deleted tweets."""
    patience = None
    if client is not None:
        patience = Patience(
            session,
            source.key,
            client,
            once,
            backoff=float(setting(app, "X_BACKOFF_SECONDS")),
            backoff_max=float(setting(app, "X_BACKOFF_MAX_SECONDS")),
            once_attempts=int(setting(app, "X_ONCE_ATTEMPTS")),
            once_wait_limit=float(setting(app, "X_ONCE_WAIT_LIMIT_SECONDS")),
            sleep=sleep,
        )
    cursor = cursor_for(session, source.key)
    since_id = cursor.since_id
    session.commit()
    started = time.monotonic()
    batch = conversations.collect(source.pages(since_id, patience))
    report = ingest(
        session, batch, source.key, _brand_ids(app, session, source, batch, patience), pace=pace, sleep=sleep
    )
    if check_deleted and client is not None and patience is not None:
        report.hidden = check_deletions(session, client, patience)
        cursor_for(session, source.key).last_deletion_check_at = clock.now()
    cursor = cursor_for(session, source.key)
    cursor.last_poll_at = clock.now()
    cursor.last_poll_status = f"ok: {report.summary()}"[:300]
    cursor.rate_limited_until = None
    session.commit()
    # An empty poll every few seconds is routine; say so only when asked for debug output.
    level = logging.INFO if report.fetched or report.hidden else logging.DEBUG
    log.log(level, "poll of %s done in %.2f s: %s", source.key, time.monotonic() - started, report.summary())
    return report


def _api_lookup(client: XClient, patience: Patience) -> brands.Lookup:
    def lookup(names: list[str]) -> dict:
        return patience.call(f"lookup of {len(names)} brand handles", lambda: client.users_by_username(names))

    return lookup


def _brand_ids(
    app: Flask, session: Session, source: Source, batch: conversations.Batch, patience: Patience | None
) -> frozenset[str]:
    """The brand's X user ids: asked of the API when polling it, read from the recording when replaying."""
    lookup = _api_lookup(source.client, patience) if isinstance(source, ApiSource) and patience else None
    ids, problems = brands.brand_ids(app, session, batch.handles, lookup)
    for problem in problems:
        log.warning("%s", problem)
        record_error(session, source.key, "brand", problem)
    return ids


def run(
    app: Flask,
    session: Session,
    source: Source,
    *,
    once: bool = False,
    client: XClient | None = None,
    max_polls: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    pace: float = 0.0,
) -> PollReport:
    """Poll until stopped (or once). Returns the last poll's report; StopMirror ends a --once run."""
    poll_seconds = float(app.config.get("X_POLL_SECONDS") or 15)
    deletion_every = float(setting(app, "X_DELETION_CHECK_SECONDS"))
    last_deletion_check = 0.0
    polls = 0
    report = PollReport()
    while True:
        due = client is not None and (once or time.monotonic() - last_deletion_check >= deletion_every)
        try:
            report = poll_once(
                app, session, source, once=once, check_deleted=due, client=client, sleep=sleep, pace=pace
            )
            if due:
                last_deletion_check = time.monotonic()
            if client is not None and replyback.enabled(app):
                replyback.deliver(app, session, client)
        except StopMirror as stop:
            session.rollback()
            cursor = cursor_for(session, source.key)
            cursor.last_poll_at = clock.now()
            cursor.last_poll_status = f"stopped: {stop}"[:300]
            session.commit()
            if once:
                raise
            log.warning("%s", stop)
        except XError as error:
            session.rollback()
            record_error(session, source.key, "api", str(error))
            if once:
                raise
            log.error("poll failed: %s", error)
        polls += 1
        if once or (max_polls is not None and polls >= max_polls) or should_stop():
            return report
        sleep(poll_seconds)


def mirrored_today(session: Session) -> int:
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        session.scalar(
            select(func.count())
            .select_from(MirroredTweet)
            .where(MirroredTweet.mirrored_at >= start, MirroredTweet.kind != "skipped")
        )
        or 0
    )
