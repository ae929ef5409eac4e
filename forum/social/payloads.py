"""What the mirror accepts from X: ids, times, handles and tweet shapes, checked before any write.

X's payloads are input like any other: an id must be ASCII digits that fit
a BIGINT column, a tweet must have the documented shape. A tweet that does
not is refused here with `MalformedTweet`, which the mirror records and moves past.
"""

from __future__ import annotations

from datetime import UTC, datetime

from forum.services.validation import storable

# The largest value of a signed 64-bit column (BIGINT); X's snowflake ids stay below it.
MAX_ID = 2**63 - 1
# external_identities.handle; X's own usernames are at most 15 characters.
HANDLE_MAX = 50
_URL_FIELDS = ("url", "expanded_url", "unwound_url")


class MalformedTweet(ValueError):
    """A tweet the mirror cannot store as it is; the message names the field."""


def parse_id(value: object) -> int | None:
    """An X id (a decimal string, or a JSON integer) as an int; None unless it is in 1..2**63-1.

    `str.isdigit()` alone is not enough: it accepts "²" and other Unicode
    digits that int() refuses, and a 23-digit id overflows the database.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)  # 19 digits hold MAX_ID; longer strings cannot be ids (or slow int() down)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def clean_handle(value: object) -> str | None:
    """A username from `includes.users` as the mirror keeps it, or None when there is none.

    Only what a column can hold is enforced here; wherever a handle goes into
    Markdown or a link, forum.social.text escapes it.
    """
    if not isinstance(value, str):
        return None
    handle = " ".join(storable(value).split()).lstrip("@")
    return handle[:HANDLE_MAX] or None


def tweet_time(value: object, mirrored_at: datetime) -> datetime:
    """When the tweet was posted (naive UTC), or `mirrored_at` when `created_at` is missing or bad.

    The deletion check selects tweets by this time, so it must never be
    empty; a time after the mirroring is impossible and is bad too.
    """
    if not isinstance(value, str):
        return mirrored_at
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return mirrored_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return min(moment, mirrored_at)


def _id_field(value: object, field: str) -> int:
    number = parse_id(value)
    if number is None:
        raise MalformedTweet(f"{field} {_shown(value)} is not an X id")
    return number


def _shown(value: object) -> str:
    return repr(value)[:60]


def rejected_tweet(tweet: object) -> str:
    """How an error names a tweet whose id is unusable."""
    value = tweet.get("id") if isinstance(tweet, dict) else tweet
    return f"a tweet with id {_shown(value)} (not an X id) was not mirrored"


def checked_tweet(tweet: dict) -> dict:
    """The tweet with the fields the mirror reads in their documented shapes.

    Returns a copy whose ids are canonical decimal strings and whose url
    entities are string-valued; raises MalformedTweet naming the first field
    that is wrong. A missing conversation_id means the tweet starts its own.
    """
    tweet_id = _id_field(tweet.get("id"), "id")
    author_id = _id_field(tweet.get("author_id"), "author_id")
    conversation = tweet.get("conversation_id")
    conversation_id = tweet_id if conversation in (None, "") else _id_field(conversation, "conversation_id")
    if not isinstance(tweet.get("text"), str):
        raise MalformedTweet(f"text {_shown(tweet.get('text'))} is not a string")
    references = tweet.get("referenced_tweets") or []
    if not isinstance(references, list) or not all(isinstance(ref, dict) for ref in references):
        raise MalformedTweet("referenced_tweets is not a list of objects")
    entities = tweet.get("entities") or {}
    urls = (entities.get("urls") or []) if isinstance(entities, dict) else None
    if not isinstance(urls, list) or not all(isinstance(url, dict) for url in urls):
        raise MalformedTweet("entities.urls is not a list of objects")
    return {
        **tweet,
        "id": str(tweet_id),
        "author_id": str(author_id),
        "conversation_id": str(conversation_id),
        "referenced_tweets": [
            {"type": str(ref.get("type")), "id": str(_id_field(ref.get("id"), "referenced_tweets.id"))}
            for ref in references
        ],
        "entities": {
            **entities,
            "urls": [{key: url[key] for key in _URL_FIELDS if isinstance(url.get(key), str)} for url in urls],
        },
    }
