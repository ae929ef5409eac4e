"""A small X API v2 client: recent search, tweet lookup, posting a reply.

Every response's x-rate-limit-* headers are kept on the client; a 429
raises RateLimited with the reset moment, a 5xx or a network failure
raises Unavailable, which the caller backs off on.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from forum.social.payloads import parse_id

log = logging.getLogger("forum.social")

TWEET_FIELDS = "author_id,conversation_id,created_at,in_reply_to_user_id,referenced_tweets,entities,lang"
EXPANSIONS = "author_id,in_reply_to_user_id,referenced_tweets.id"
USER_FIELDS = "username,name"
DEFAULT_RATE_LIMIT_WAIT = 60


class XError(Exception):
    """The X API refused a request for a reason retrying will not fix."""

    def __init__(self, message: str, status: int | None = None, body: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}


class RateLimited(XError):
    """429: nothing more until `reset_at` (a Unix time)."""

    def __init__(self, reset_at: float, message: str = "rate limited") -> None:
        super().__init__(message, 429)
        self.reset_at = reset_at


class Unavailable(XError):
    """A 5xx answer or a network failure: try again later. The request may have been applied."""


@dataclass
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # Unix seconds

    @property
    def reset_datetime(self) -> datetime | None:
        if self.reset_at is None:
            return None
        return datetime.fromtimestamp(self.reset_at, UTC).replace(tzinfo=None)


def _int_header(headers, name: str) -> int | None:
    value = headers.get(name) if headers is not None else None
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class XClient:
    """Talks to `base_url` (the API root without /2) with a bearer token."""

    def __init__(
        self, base_url: str, bearer_token: str | None, timeout: float = 15.0, user_token: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.bearer_token = bearer_token
        # Posting needs a user-context token; app-only bearer tokens can only read.
        self.user_token = user_token or bearer_token
        self.timeout = timeout
        self.rate_limit = RateLimit()

    def _request(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        body: dict | None = None,
        token: str | None = None,
    ) -> tuple[int, dict]:
        url = f"{self.base_url}{path}"
        if params:
            url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", "forum-mirror/1")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token or self.bearer_token:
            request.add_header("Authorization", f"Bearer {token or self.bearer_token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read()
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
            raise Unavailable(f"{method} {path}: network error: {error}") from error
        self._note_rate_limit(headers)
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {}
        if status == 429:
            reset = self.rate_limit.reset_at if _int_header(headers, "x-rate-limit-reset") else None
            raise RateLimited(
                reset or time.time() + DEFAULT_RATE_LIMIT_WAIT, f"{method} {path}: 429 {_problem(payload)}"
            )
        if status >= 500:
            raise Unavailable(f"{method} {path}: {status} {_problem(payload)}", status, payload)
        if status >= 400:
            raise XError(f"{method} {path}: {status} {_problem(payload)}", status, payload)
        return status, payload if isinstance(payload, dict) else {}

    def _note_rate_limit(self, headers) -> None:
        limit = _int_header(headers, "x-rate-limit-limit")
        remaining = _int_header(headers, "x-rate-limit-remaining")
        reset = _int_header(headers, "x-rate-limit-reset")
        if limit is not None or remaining is not None or reset is not None:
            self.rate_limit = RateLimit(limit, remaining, float(reset) if reset is not None else None)

    def search_recent(
        self, query: str, since_id: int | None = None, next_token: str | None = None, max_results: int = 100
    ) -> dict:
        """One page of GET /2/tweets/search/recent."""
        _, payload = self._request(
            "GET",
            "/2/tweets/search/recent",
            {
                "query": query,
                "since_id": str(since_id) if since_id else None,
                "next_token": next_token,
                "max_results": max_results,
                "tweet.fields": TWEET_FIELDS,
                "expansions": EXPANSIONS,
                "user.fields": USER_FIELDS,
            },
        )
        return payload

    def lookup(self, ids: list[int]) -> dict:
        """GET /2/tweets?ids=... (at most 100); missing tweets come back in errors[]."""
        _, payload = self._request(
            "GET",
            "/2/tweets",
            {
                "ids": ",".join(str(i) for i in ids[:100]),
                "tweet.fields": "author_id,conversation_id,created_at",
            },
        )
        return payload

    def users_by_username(self, usernames: list[str]) -> dict:
        """GET /2/users/by?usernames=... (at most 100); unknown names come back in errors[]."""
        _, payload = self._request(
            "GET",
            "/2/users/by",
            {
                "usernames": ",".join(usernames[:100]),
                "user.fields": USER_FIELDS,
            },
        )
        return payload

    def post_reply(self, text: str, in_reply_to_tweet_id: int) -> int:
        """POST /2/tweets as a reply; returns the created tweet's id."""
        _, payload = self._request(
            "POST",
            "/2/tweets",
            body={"text": text, "reply": {"in_reply_to_tweet_id": str(in_reply_to_tweet_id)}},
            token=self.user_token,
        )
        data = payload.get("data")
        tweet_id = parse_id(data.get("id")) if isinstance(data, dict) else None
        if tweet_id is None:
            # A 2xx without a usable id may still have created the tweet: the outcome is unknown.
            raise Unavailable(
                f"POST /2/tweets: no valid tweet id in the answer {_problem(payload)}", None, payload
            )
        return tweet_id


def _problem(payload: object) -> str:
    if not isinstance(payload, dict):
        return ""
    if payload.get("detail") or payload.get("title"):
        return str(payload.get("detail") or payload.get("title"))[:200]
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("message") or first.get("detail") or first)[:200]
    return ""
