"""The threading rules: what one tweet becomes in the forum.

A conversation's first tweet becomes a question with `source` "twitter" and
no tags; in the same conversation a reply by one of the brand's accounts (by
X user id) is a staff answer, the asker's reply is a comment on the post it
replies to, anyone else's is an answer. Retweets are dropped; a quote that
asks something (a question mark) starts its own thread linking to the quoted
one, and a quote that asks nothing is a comment under the post it quotes.
A question or answer takes X's `lang` when it is one of the forum's languages;
otherwise ("und", none, or a language the forum does not speak) the text decides
(forum/services/languages.py). Every tweet gets one `MirroredTweet` row, so seeing it again is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import clock, i18n
from forum.models import Comment, MirroredTweet, Post, User
from forum.services import audit, posting
from forum.services.errors import DomainError
from forum.social import identities, payloads
from forum.social.text import (
    asks_something,
    comment_body,
    post_body,
    question_title,
    status_url,
    tweet_url,
)


@dataclass
class Batch:
    """The tweets of one poll (all its pages), oldest first, with the authors' handles.

    `rejected` says which tweets were dropped because their id is unusable:
    without an id they can neither be ordered nor remembered.
    """

    tweets: list[dict] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=dict)
    newest_id: int | None = None
    rejected: list[str] = field(default_factory=list)


def _items(container: object, key: str) -> list:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, list) else []


def collect(pages: Iterable[dict]) -> Batch:
    """Merge response pages into one batch in id order (ids are time-ordered snowflakes)."""
    batch = Batch()
    seen: dict[int, dict] = {}
    for page in pages:
        for user in _items(page.get("includes"), "users"):
            user_id = payloads.parse_id(user.get("id")) if isinstance(user, dict) else None
            handle = payloads.clean_handle(user.get("username")) if isinstance(user, dict) else None
            if user_id is not None and handle:
                batch.handles[str(user_id)] = handle
        for tweet in _items(page, "data"):
            tweet_id = payloads.parse_id(tweet.get("id")) if isinstance(tweet, dict) else None
            if tweet_id is None:
                batch.rejected.append(payloads.rejected_tweet(tweet))
                continue
            seen[tweet_id] = {**tweet, "id": str(tweet_id)}
        meta = page.get("meta")
        newest = payloads.parse_id(meta.get("newest_id")) if isinstance(meta, dict) else None
        if newest is not None:
            batch.newest_id = max(batch.newest_id or 0, newest)
    batch.tweets = [seen[key] for key in sorted(seen)]
    if seen:
        batch.newest_id = max(batch.newest_id or 0, max(seen))
    return batch


def find_mirrored(session: Session, tweet_id: int) -> MirroredTweet | None:
    return session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == tweet_id))


def thread_of(session: Session, conversation_id: int) -> MirroredTweet | None:
    """The tweet that became the question of this conversation."""
    return session.scalar(
        select(MirroredTweet)
        .where(MirroredTweet.conversation_id == conversation_id, MirroredTweet.kind == "question")
        .order_by(MirroredTweet.tweet_id)
        .limit(1)
    )


def _references(tweet: dict) -> dict[str, int]:
    """The referenced tweets by type, from a tweet `payloads.checked_tweet` has passed."""
    refs: dict[str, int] = {}
    for ref in tweet["referenced_tweets"]:
        refs.setdefault(ref["type"], int(ref["id"]))
    return refs


def _quote_note(session: Session, quoted_id: int | None) -> str:
    if quoted_id is None:
        return ""
    quoted = find_mirrored(session, quoted_id)
    if quoted is not None and quoted.question_id is not None:
        anchor = f"#answer-{quoted.post_id}" if quoted.kind == "answer" else ""
        return f"Quoting [a tweet in this thread](/questions/{quoted.question_id}{anchor})."
    return f"Quoting [a tweet on X]({status_url(quoted_id)})."


def _comment_target(session: Session, question: Post, parent: MirroredTweet | None) -> Post:
    """The post a reply lands under: the replied-to post, else the question."""
    target: Post | None = None
    if parent is not None and parent.kind in ("question", "answer"):
        target = parent.post
    elif parent is not None and parent.kind == "comment" and parent.comment is not None:
        target = parent.comment.post
    if target is None or target.is_deleted or target.thread.id != question.id:
        return question
    return target


def mirror_new_tweet(
    session: Session, tweet: dict, handles: dict[str, str], brand_ids: frozenset[str], source: str = ""
) -> MirroredTweet:
    """Turn one tweet into a question, answer, comment or a recorded skip, and return its row.

    The caller commits, and has just checked with `find_mirrored` that the
    tweet is not mirrored yet. `brand_ids` are the X user ids of the brand's
    accounts (forum.social.brands): the author's id decides, never the handle
    a payload shows for it. Raises MalformedTweet, before writing anything,
    for a tweet not in X's shapes.
    """
    tweet = payloads.checked_tweet(tweet)
    tweet_id = int(tweet["id"])
    refs = _references(tweet)
    author_id = tweet["author_id"]
    handle = handles.get(author_id) or author_id
    mirrored_at = clock.now()
    record = MirroredTweet(
        tweet_id=tweet_id,
        conversation_id=int(tweet["conversation_id"]),
        in_reply_to_tweet_id=refs.get("replied_to"),
        url=tweet_url(handle, tweet_id)[:200],
        tweet_created_at=payloads.tweet_time(tweet.get("created_at"), mirrored_at),
        mirrored_at=mirrored_at,
        source=source[:200],
    )
    if "retweeted" in refs:
        record.kind, record.skip_reason = "skipped", "retweet"
        session.add(record)
        session.flush()
        return record

    brand = author_id in brand_ids
    identity = identities.identity_for(session, identities.PROVIDER_TWITTER, author_id, handle, brand=brand)
    record.identity = identity
    author = identities.speaking_user(session, identity)
    thread = thread_of(session, record.conversation_id)
    is_reply = "replied_to" in refs and record.conversation_id != tweet_id
    quoted_id = refs.get("quoted")
    try:
        if is_reply and thread is not None:
            _mirror_reply(session, record, tweet, handle, thread, brand, identity.id, author)
        elif quoted_id is not None and not asks_something(tweet):
            _mirror_quote_comment(session, record, tweet, handle, quoted_id, author)
        else:
            # A conversation's root, a quote that asks, or a reply whose conversation we never saw.
            question = posting.ask_question(
                session,
                author,
                question_title(tweet, handle),
                post_body(tweet, handle, _quote_note(session, quoted_id)),
                [],
                source="twitter",
                language=i18n.supported(tweet.get("lang")),
            )
            record.kind, record.post, record.question = "question", question, question
    except DomainError as error:
        record.kind, record.skip_reason = "skipped", error.message[:120]
        record.post = record.question = record.comment = None
    # Added last: its row is complete only once we know what the tweet became.
    session.add(record)
    session.flush()
    return record


def record_unmirrorable(session: Session, tweet: dict, reason: str, source: str = "") -> MirroredTweet:
    """Remember a tweet that could not be mirrored as skipped, so no later poll trips on it again.

    `tweet["id"]` is a valid id (collect() drops the others); nothing else of it is trusted.
    """
    tweet_id = int(tweet["id"])
    now = clock.now()
    record = MirroredTweet(
        tweet_id=tweet_id,
        conversation_id=payloads.parse_id(tweet.get("conversation_id")) or tweet_id,
        kind="skipped",
        skip_reason=f"could not be mirrored: {reason}"[:120],
        url=status_url(tweet_id),
        tweet_created_at=now,
        mirrored_at=now,
        source=source[:200],
    )
    session.add(record)
    session.flush()
    return record


def _mirror_reply(
    session: Session,
    record: MirroredTweet,
    tweet: dict,
    handle: str,
    thread: MirroredTweet,
    brand: bool,
    identity_id: int,
    author: User,
) -> None:
    question = thread.question
    if question is None or question.is_deleted:
        record.kind, record.skip_reason = "skipped", "the thread is hidden"
        return
    record.question = question
    parent = find_mirrored(session, record.in_reply_to_tweet_id) if record.in_reply_to_tweet_id else None
    if not brand and identity_id == thread.identity_id:
        target = _comment_target(session, question, parent)
        comment: Comment = posting.add_comment(session, author, target, comment_body(tweet, handle))
        record.kind, record.comment, record.post = "comment", comment, target
        return
    answer = posting.post_answer(
        session, author, question, post_body(tweet, handle), i18n.supported(tweet.get("lang"))
    )
    record.kind, record.post = "answer", answer


def _mirror_quote_comment(
    session: Session, record: MirroredTweet, tweet: dict, handle: str, quoted_id: int, author: User
) -> None:
    """A quote that asks nothing ("this fixed it for me too") is a comment under what it quotes."""
    quoted = find_mirrored(session, quoted_id)
    question = quoted.question if quoted is not None else None
    if quoted is None or question is None or question.is_deleted:
        record.kind, record.skip_reason = "skipped", "a quote that asks nothing, of a tweet not in the forum"
        return
    target = _comment_target(session, question, quoted)
    comment = posting.add_comment(session, author, target, comment_body(tweet, handle, quoted_id), quote=True)
    record.kind, record.comment, record.post, record.question = "comment", comment, target, question


def hide_mirrored(session: Session, record: MirroredTweet) -> None:
    """The tweet is gone from X: hide what it became, keeping the counters true, in the audit log."""
    now = clock.now()
    record.deleted_at = now
    reason = f"tweet {record.tweet_id} was deleted on X"
    if record.kind == "comment" and record.comment is not None and record.comment.deleted_at is None:
        record.comment.deleted_at = now
        audit.record(
            session,
            None,
            "mirror_hide",
            post=record.comment.post,
            reason=reason,
            before={"comment": record.comment.id, "deleted": False},
            after={"comment": record.comment.id, "deleted": True},
        )
    elif record.kind in ("question", "answer") and record.post is not None and not record.post.is_deleted:
        post = record.post
        before = audit.post_state(post)
        post.deleted_at = now
        if post.is_answer and post.question is not None:
            post.question.answer_count = max(0, (post.question.answer_count or 0) - 1)
        if post.is_question:
            for tag in post.tags:
                tag.question_count = max(0, (tag.question_count or 0) - 1)
        audit.record(
            session,
            None,
            "mirror_hide",
            post=post,
            reason=reason,
            before=before,
            after=audit.post_state(post),
        )
    session.flush()
