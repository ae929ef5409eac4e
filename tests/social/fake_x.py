"""A fake X API v2 on 127.0.0.1 for the mirror's tests and benchmark.

It speaks the shapes of ../shared/X_API_V2.md: recent search pages newest
first with `next_token`, `since_id`, x-rate-limit-* headers and 429 when a
window is spent, lookup with errors[] (HTTP 200) for deleted tweets, users
by username (GET /2/users/by, unknown names in errors[]), and POST
/2/tweets answering 201. Tests script it: add or delete tweets, queue
failures, slow it down, drop the response of a created tweet, serve a
malformed tweet as it is.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

TWITTER_EPOCH_MS = 1288834974657
TOKEN = "test-token"
_URL_RE = re.compile(r"https?://\S+")


def snowflake(moment_ms: int, sequence: int) -> int:
    return ((moment_ms - TWITTER_EPOCH_MS) << 22) | (sequence & 0x3FFFFF)


def _references(tweet: dict) -> list[dict]:
    """The tweet's referenced_tweets, read as leniently as a test's malformed tweet needs."""
    refs = tweet.get("referenced_tweets")
    return [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a dropped connection is the point of some tests


class FakeX:
    def __init__(self, own_handle: str = "AcmeHelp", own_id: str = "1000000001") -> None:
        self.tweets: dict[int, dict] = {}
        self.users: dict[str, dict] = {}
        self.deleted: set[int] = set()
        self.requests: list[tuple[str, str, dict]] = []
        self.failures: deque[tuple[str, int, dict, int | None]] = deque()
        self.delay = 0.0
        self.drop_create_responses = 0
        self.created_id_override: str | None = None
        self.raw_tweets: list[dict] = []
        self.window_limit = 10_000
        self.window_seconds = 900
        self._window_used = 0
        self._window_reset = time.time() + self.window_seconds
        self._sequence = 0
        self.lock = threading.Lock()
        self.own_id = own_id
        self.add_user(own_id, own_handle)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # ---- scripting ---------------------------------------------------------------------------

    def add_user(self, user_id: str, username: str) -> None:
        self.users[user_id] = {"id": user_id, "name": username, "username": username}

    def user_id(self, handle: str) -> str:
        """The id of the account that holds `handle` (the first one registered with it)."""
        for user in self.users.values():
            if user["username"].lower() == handle.lower():
                return user["id"]
        user_id = str(2_000_000_000 + len(self.users))
        self.add_user(user_id, handle)
        return user_id

    def load_pages(self, path: Path, keep: callable | None = None) -> int:
        """Take the tweets of recorded pages (all, or those `keep(tweet)` accepts)."""
        count = 0
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                page = json.loads(line)
                for user in (page.get("includes") or {}).get("users") or []:
                    self.users.setdefault(user["id"], user)
                for tweet in page.get("data") or []:
                    if keep is None or keep(tweet):
                        self.tweets[int(tweet["id"])] = tweet
                        count += 1
        return count

    def tweet(
        self,
        handle: str,
        text: str,
        *,
        reply_to: dict | None = None,
        quoted: dict | None = None,
        retweet_of: dict | None = None,
        urls: list[tuple[str, str]] | None = None,
        as_user: str | None = None,
    ) -> dict:
        """Post a tweet now (as X would have it), returning its JSON; `as_user` picks the author's id."""
        with self.lock:
            self._sequence += 1
            tweet_id = snowflake(int(time.time() * 1000), self._sequence)
        author = as_user or self.user_id(handle)
        tweet = {
            "id": str(tweet_id),
            "text": text,
            "author_id": author,
            "conversation_id": reply_to["conversation_id"] if reply_to else str(tweet_id),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z",
            "edit_history_tweet_ids": [str(tweet_id)],
        }
        refs = []
        if reply_to:
            refs.append({"type": "replied_to", "id": reply_to["id"]})
            tweet["in_reply_to_user_id"] = reply_to["author_id"]
        if quoted:
            refs.append({"type": "quoted", "id": quoted["id"]})
        if retweet_of:
            refs.append({"type": "retweeted", "id": retweet_of["id"]})
        if refs:
            tweet["referenced_tweets"] = refs
        if urls:
            tweet["entities"] = {
                "urls": [
                    {
                        "start": text.index(short),
                        "end": text.index(short) + len(short),
                        "url": short,
                        "expanded_url": long,
                        "display_url": long.split("//", 1)[-1][:24],
                    }
                    for short, long in urls
                ]
            }
        self.tweets[tweet_id] = tweet
        return tweet

    def serve_raw(self, tweet: dict) -> None:
        """Put `tweet` as it is (any id, any shape) at the top of the next search page, once."""
        self.raw_tweets.append(tweet)

    def delete(self, tweet_id: int | str) -> None:
        self.deleted.add(int(tweet_id))

    def fail_next(
        self, path: str, status: int, reset_in: int | None = None, count: int = 1, body: dict | None = None
    ) -> None:
        """The next `count` requests whose path starts with `path` get `status`."""
        for _ in range(count):
            self.failures.append((path, status, body or {}, reset_in))

    def replies_to(self, tweet_id: int | str) -> list[dict]:
        return [
            t
            for t in self.tweets.values()
            if any(r.get("id") == str(tweet_id) and r.get("type") == "replied_to" for r in _references(t))
        ]

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _ in self.requests if m == method and p == path)

    # ---- serving -----------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def _rate_headers(self) -> dict:
        return {
            "x-rate-limit-limit": str(self.window_limit),
            "x-rate-limit-remaining": str(max(0, self.window_limit - self._window_used)),
            "x-rate-limit-reset": str(int(self._window_reset)),
        }

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, body: dict, headers: dict | None = None
    ) -> None:
        raw = json.dumps(body).encode()
        handler.send_response(status)
        content_type = "application/json" if status < 400 else "application/problem+json"
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(raw)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(handler.path)
        params = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        body = None
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            body = json.loads(handler.rfile.read(length) or b"{}")
        with self.lock:
            self.requests.append((method, parsed.path, params))
        if self.delay:
            time.sleep(self.delay)
        if handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(
                handler,
                401,
                {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
            )
            return
        with self.lock:
            now = time.time()
            if now >= self._window_reset:
                self._window_used, self._window_reset = 0, now + self.window_seconds
            failure = None
            if self.failures and parsed.path.startswith(self.failures[0][0]):
                failure = self.failures.popleft()
            if failure is None and self._window_used >= self.window_limit:
                failure = (parsed.path, 429, {}, None)
            if failure is None:
                self._window_used += 1
            headers = self._rate_headers()
        if failure is not None:
            _, status, fail_body, reset_in = failure
            if status == 429:
                if reset_in is not None:
                    headers["x-rate-limit-reset"] = str(int(time.time() + reset_in))
                    headers["x-rate-limit-remaining"] = "0"
                fail_body = fail_body or {
                    "title": "Too Many Requests",
                    "type": "about:blank",
                    "status": 429,
                    "detail": "Too Many Requests",
                }
            self._send(
                handler,
                status,
                fail_body
                or {
                    "title": "Service Unavailable",
                    "status": status,
                    "type": "about:blank",
                    "detail": "try again",
                },
                headers,
            )
            return
        if method == "GET" and parsed.path == "/2/tweets/search/recent":
            self._search(handler, params, headers)
        elif method == "GET" and parsed.path == "/2/tweets":
            self._lookup(handler, params, headers)
        elif method == "GET" and parsed.path == "/2/users/by":
            self._users_by(handler, params, headers)
        elif method == "POST" and parsed.path == "/2/tweets":
            self._create(handler, body or {}, headers)
        else:
            self._send(handler, 404, {"title": "Not Found", "status": 404, "type": "about:blank"})

    def _search(self, handler, params: dict, headers: dict) -> None:
        query = params.get("query", "")
        try:
            max_results = int(params.get("max_results", 10))
        except ValueError:
            max_results = 0
        if not query or not 10 <= max_results <= 100:
            self._send(
                handler,
                400,
                {
                    "errors": [
                        {
                            "parameters": {"max_results": [params.get("max_results", "")]},
                            "message": "The `max_results` query parameter value is not between 10 and 100",
                        }
                    ],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
            return
        since = int(params.get("since_id") or 0)
        token = params.get("next_token") or params.get("pagination_token")
        until = int(token, 16) if token else None
        conversation = re.search(r"conversation_id:(\d+)", query)
        author = re.search(r"from:(\w+)", query)
        with self.lock:
            matching = sorted(
                (
                    t
                    for i, t in self.tweets.items()
                    if i not in self.deleted
                    and i > since
                    and (until is None or i < until)
                    and (conversation is None or t.get("conversation_id") == conversation.group(1))
                    and (
                        author is None
                        or self.users.get(t.get("author_id"), {}).get("username", "").lower()
                        == author.group(1).lower()
                    )
                    and not (
                        "-is:retweet" in query and any(r.get("type") == "retweeted" for r in _references(t))
                    )
                ),
                key=lambda t: int(t["id"]),
                reverse=True,
            )
        page, rest = matching[:max_results], matching[max_results:]
        if not token:
            with self.lock:
                page, self.raw_tweets = self.raw_tweets + page, []
        if not page:
            self._send(handler, 200, {"meta": {"result_count": 0}}, headers)
            return
        authors = {t.get("author_id") for t in page if isinstance(t.get("author_id"), str)}
        meta = {"newest_id": page[0].get("id"), "oldest_id": page[-1].get("id"), "result_count": len(page)}
        if rest:
            meta["next_token"] = format(int(page[-1]["id"]), "x")
        self._send(
            handler,
            200,
            {
                "data": page,
                "includes": {"users": [self.users[a] for a in sorted(authors) if a in self.users]},
                "meta": meta,
            },
            headers,
        )

    def _lookup(self, handler, params: dict, headers: dict) -> None:
        ids = [i for i in params.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100 or not all(i.isdigit() for i in ids):
            self._send(
                handler,
                400,
                {
                    "title": "Invalid Request",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                    "detail": "ids must be 1 to 100 numeric ids",
                },
            )
            return
        found = {}
        for value in ids:
            tweet = self.tweets.get(int(value))
            found[value] = None if tweet is None or int(value) in self.deleted else tweet
        self._send_lookup(handler, "tweet", "ids", found, headers)

    def _send_lookup(self, handler, resource: str, parameter: str, found: dict, headers: dict) -> None:
        """A lookup's 200: `data` for what was found, an `errors` entry for each value that was not."""
        body: dict = {}
        data = [item for item in found.values() if item is not None]
        errors = [
            {
                "value": value,
                "detail": f"Could not find {resource} with {parameter}: [{value}].",
                "title": "Not Found Error",
                "resource_type": resource,
                "parameter": parameter,
                "resource_id": value,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
            for value, item in found.items()
            if item is None
        ]
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        self._send(handler, 200, body, headers)

    def _users_by(self, handler, params: dict, headers: dict) -> None:
        names = [n for n in params.get("usernames", "").split(",") if n]
        if not names or len(names) > 100 or not all(re.fullmatch(r"[A-Za-z0-9_]{1,15}", n) for n in names):
            self._send(
                handler,
                400,
                {
                    "title": "Invalid Request",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                    "detail": "usernames must be 1 to 100 X usernames",
                },
            )
            return
        found = {
            name: next((u for u in self.users.values() if u["username"].lower() == name.lower()), None)
            for name in names
        }
        self._send_lookup(handler, "user", "usernames", found, headers)

    def _create(self, handler, body: dict, headers: dict) -> None:
        text = body.get("text")
        reply = body.get("reply") or {}
        parent = self.tweets.get(int(reply.get("in_reply_to_tweet_id") or 0))
        if not isinstance(text, str) or not text or (reply and parent is None):
            self._send(
                handler,
                400,
                {
                    "title": "Invalid Request",
                    "status": 400,
                    "type": "about:blank",
                    "detail": "text is required and the replied-to tweet must exist",
                },
            )
            return
        own = self.users[self.own_id]["username"]
        links = _URL_RE.findall(text)
        tweet = self.tweet(own, text, reply_to=parent, urls=[(link, link) for link in links])
        with self.lock:
            drop = self.drop_create_responses > 0
            if drop:
                self.drop_create_responses -= 1
        if drop:
            # The tweet exists, but the client never hears so.
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        answered_id = self.created_id_override or tweet["id"]
        self._send(
            handler,
            201,
            {"data": {"id": answered_id, "text": tweet["text"], "edit_history_tweet_ids": [answered_id]}},
            headers,
        )
