"""Reply-back (opt-in, X_REPLY_BACK): a staff answer on a mirrored thread becomes a reply tweet.

The answer's transaction adds a `ReplyOutbox` row (one per answer, unique);
the mirror process delivers it later. Only a live answer in a live thread
is tweeted: both are checked when the row is queued and again before it is
sent, as moderators may delete either in between. A row is claimed by a conditional
update before the POST, so two workers never send the same row; when a
send's outcome is unknown (timeout, 5xx, crash) the row stays `sending`
and the next attempt first searches the conversation for the reply and
only posts when it is not there.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import Any, cast

from flask import Flask, current_app, has_app_context
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from forum import clock, markup
from forum.changes import ChangeSet, Effect
from forum.models import MirroredTweet, Post, ReplyOutbox
from forum.social.client import RateLimited, Unavailable, XClient, XError
from forum.social.payloads import parse_id
from forum.social.text import reply_text

log = logging.getLogger("forum.social.replyback")

MAX_ATTEMPTS = 8
# A claimed row is left alone this long; a worker that died mid-send is then
# presumed gone and the row is reconciled by the next one.
CLAIM_SECONDS = 120
RECONCILE_PAGES = 5


def enabled(app: Flask) -> bool:
    return bool(app.config["X_REPLY_BACK"])


def why_not_tweeted(answer: Post | None, question: Post | None) -> str | None:
    """Why this answer must not become a tweet (deleted, or its question is), or None when it may.

    Each post's own `deleted_at` is read, so the reason names the post that was deleted.
    """
    if answer is None or answer.deleted_at is not None:
        return "the answer was deleted before it was sent"
    if question is None or question.deleted_at is not None:
        return "the question was deleted before the answer was sent"
    return None


def answer_link(app: Flask, answer: Post) -> str:
    base = str(app.config["X_SITE_URL"]).rstrip("/")
    return f"{base}/questions/{answer.question_id}#answer-{answer.id}"


def queue_staff_answers(session: Session, changes: ChangeSet) -> Effect | None:
    """A subscriber of forum/changes.py: queue a reply for each new staff answer on a live
    mirrored thread, in the answer's transaction. An answer that came from X itself (the
    mirror records the tweet it was made from) is not sent back."""
    if not has_app_context() or not enabled(current_app):
        return None
    answers = [post for post in changes.created_posts() if post.is_answer]
    if not answers:
        return None
    mirrored = set(session.scalars(
        select(MirroredTweet.post_id).where(MirroredTweet.post_id.in_([a.id for a in answers]))
    ))  # fmt: skip
    for answer in answers:
        author, question = answer.author, answer.question
        if answer.id in mirrored or not author.is_staff or question is None or question.source != "twitter":
            continue
        if why_not_tweeted(answer, question) is not None:
            continue
        root = session.scalar(
            select(MirroredTweet).where(
                MirroredTweet.question_id == question.id, MirroredTweet.kind == "question"
            )
        )
        if root is None or root.deleted_at is not None:
            continue
        session.add(ReplyOutbox(
            idempotency_key=uuid.uuid4().hex,
            answer=answer,
            in_reply_to_tweet_id=root.tweet_id,
            conversation_id=root.conversation_id,
            status="pending",
            attempts=0,
            next_attempt_at=clock.now(),
            last_error="",
        ))  # fmt: skip
    return None


def deliver(app: Flask, session: Session, client: XClient, limit: int = 50) -> dict[str, int]:
    """Send what is due; returns how many rows ended in each state."""
    due = list(
        session.scalars(
            select(ReplyOutbox.id)
            .where(
                ReplyOutbox.status.in_(("pending", "failed", "sending")),
                ReplyOutbox.next_attempt_at <= clock.now(),
            )
            .order_by(ReplyOutbox.id)
            .limit(limit)
        )
    )
    session.commit()
    outcome: dict[str, int] = {}
    for row_id in due:
        status = deliver_one(app, session, client, row_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def _claim(session: Session, row: ReplyOutbox) -> bool:
    """Take the row for this worker: only one conditional update can win."""
    now = clock.now()
    # An UPDATE without RETURNING gives a CursorResult; Session.execute is typed as Result.
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(ReplyOutbox)
            .where(
                ReplyOutbox.id == row.id,
                ReplyOutbox.status == row.status,
                ReplyOutbox.attempts == row.attempts,
            )
            .values(
                status="sending",
                attempts=row.attempts + 1,
                text=row.text,
                next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    claimed = result.rowcount
    session.commit()
    return claimed == 1


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def already_posted(client: XClient, row: ReplyOutbox, link: str) -> int | None:
    """The id of a reply in the conversation that carries `link`, if X has one."""
    token = None
    for _ in range(RECONCILE_PAGES):
        page = client.search_recent(f"conversation_id:{row.conversation_id}", row.in_reply_to_tweet_id, token)
        tweets = page.get("data")
        for tweet in tweets if isinstance(tweets, list) else []:
            tweet_id = parse_id(tweet.get("id")) if isinstance(tweet, dict) else None
            if tweet_id is not None and (link in str(tweet.get("text") or "") or link in _links_in(tweet)):
                return tweet_id
        meta = page.get("meta")
        token = meta.get("next_token") if isinstance(meta, dict) else None
        if not token or not isinstance(token, str):
            return None
    return None


def _links_in(tweet: dict) -> list[object]:
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    if not isinstance(urls, list):
        return []
    return [url.get(key) for url in urls if isinstance(url, dict) for key in ("expanded_url", "unwound_url")]


def deliver_one(app: Flask, session: Session, client: XClient, row_id: int) -> str:
    row = session.get(ReplyOutbox, row_id)
    if row is None or row.status in ("sent", "abandoned"):
        return row.status if row is not None else "missing"
    answer = row.answer
    reason = why_not_tweeted(answer, answer.question if answer is not None else None)
    if answer is None or reason is not None:
        row.status, row.last_error = "abandoned", reason or ""
        session.commit()
        log.info("outbox %s: not sent: %s", row.id, reason)
        return row.status
    link = answer_link(app, answer)
    uncertain = row.status == "sending"
    if row.text is None:
        root = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == row.in_reply_to_tweet_id))
        handle = root.identity.handle if root is not None and root.identity is not None else ""
        row.text = reply_text(handle, markup.plain_text(answer.body), link)
    if not _claim(session, row):
        return "busy"
    session.refresh(row)
    try:
        if uncertain:
            found = already_posted(client, row, link)
            if found is not None:
                log.info("outbox %s: reply %s was already on X; not posting again", row.id, found)
                return _finish(session, row, found)
        tweet_id = client.post_reply(row.text or "", row.in_reply_to_tweet_id)
    except RateLimited as limited:
        # A 429 creates nothing, so the row goes back to waiting, not to "sending".
        row.status = "sending" if uncertain else "failed"
        row.next_attempt_at = clock.now() + timedelta(seconds=max(1.0, limited.reset_at - time.time()))
        row.last_error = str(limited)[:500]
    except Unavailable as failure:
        # The POST may have reached X: stay "sending" so the next attempt looks first.
        row.status = "sending"
        row.next_attempt_at = clock.now() + _backoff(row.attempts)
        row.last_error = str(failure)[:500]
    except XError as refused:
        row.status = "abandoned" if row.attempts >= MAX_ATTEMPTS else ("sending" if uncertain else "failed")
        row.next_attempt_at = clock.now() + _backoff(row.attempts)
        row.last_error = str(refused)[:500]
    else:
        return _finish(session, row, tweet_id)
    session.commit()
    log.warning("outbox %s: %s (attempt %s, now %s)", row.id, row.last_error, row.attempts, row.status)
    return row.status


def _finish(session: Session, row: ReplyOutbox, tweet_id: int) -> str:
    row.status, row.tweet_id, row.sent_at, row.last_error = "sent", tweet_id, clock.now(), ""
    session.commit()
    log.info("outbox %s: answer %s posted as tweet %s", row.id, row.answer_id, tweet_id)
    return "sent"
