"""Configuration classes. Every setting can be overridden by a FORUM_* variable.

`load_config(name)` picks the class (development, production, testing) and
applies the environment on top; the app factory refuses to start outside
development without FORUM_SECRET_KEY.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


class BaseConfig:
    ENV_NAME = "development"
    # Required in production; development makes a random one in instance/secret_key.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'forum.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    INDEX_DIR = str(INSTANCE_DIR / "index")
    REDIS_URL: str | None = None
    # Search index writes run right after each commit; tests and benchmarks turn it off to
    # keep them queued in the outbox.
    SEARCH_DRAIN_AFTER_COMMIT = True
    # "whoosh" (an index in INDEX_DIR, one host) or "postgres" (a table in the PostgreSQL database).
    SEARCH_BACKEND = "whoosh"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Limits per client address (sign-up, log-in, tokens) or per user (posting).
    RATELIMIT_SIGNUP = "10 per hour"
    RATELIMIT_LOGIN = "20 per 10 minutes"
    RATELIMIT_TOKENS = "20 per hour"
    RATELIMIT_POSTING = "30 per 10 minutes"
    RATELIMIT_EDITING = "30 per 10 minutes"
    RATELIMIT_HELPED = "30 per 10 minutes"  # "did this solve your problem?" votes
    # Failed log-ins on one account, from any address: each tier that fills makes the next
    # attempt wait longer. A browser that has logged in to the account before is not held
    # back by other people's failures (see forum/ratelimits.py).
    RATELIMIT_LOGIN_ACCOUNT = "5 per minute; 10 per 15 minutes; 20 per hour; 50 per day"

    # Behind a reverse proxy: how many hops of X-Forwarded-For/-Proto/-Host to trust.
    TRUSTED_PROXIES = 0
    # Open live sockets per client address and worker process; corporate NAT puts many
    # people behind one address, so the cap is generous. Past it a page polls the feed.
    LIVE_MAX_SOCKETS_PER_ADDRESS = 500
    # Engine.IO pings each socket this often (seconds) to notice browsers that went away.
    LIVE_PING_INTERVAL = 25
    # The Redis channel live events travel on; two forums sharing one Redis need different ones.
    SOCKETIO_CHANNEL: str | None = None
    # Whole pages for readers who are not signed in (forum/pagecache.py): kept this many
    # seconds at most, and at most this many in a process's memory when there is no Redis.
    # A change makes every kept page unreachable at once, whatever these say.
    PAGE_CACHE = True
    PAGE_CACHE_SECONDS = 300
    PAGE_CACHE_ENTRIES = 2000

    # The search log behind the self-learning FAQ keeps searches this many days
    # (`flask forum searches prune` forgets older ones).
    SEARCH_LOG_DAYS = 90

    PAGE_SIZE = 30
    MAX_PAGE_SIZE = 100
    # Bodies are at most 30,000 characters; nothing legitimate comes near 1 MB.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # werkzeug's scrypt at its default cost; tests use a cheaper cost of the same scheme.
    PASSWORD_HASH_METHOD = "scrypt"
    # Staff desk: how soon a question should have a first answer, and how long a claim holds.
    STAFF_TARGET_SECONDS = 3600
    STAFF_CLAIM_SECONDS = 10 * 60
    # Open spam or offensive flags that hide a post until a moderator reviews it.
    FLAGS_TO_HIDE = 6
    # The curation queue lists questions at least this old with a good answer and none accepted.
    CURATION_MIN_AGE_DAYS = 7

    # Reputation points (DESIGN.md, "Reputation"); all configurable.
    REPUTATION_POINTS = {
        "question_upvoted": 10,
        "answer_upvoted": 10,
        "post_downvoted": -2,
        "downvoted_answer": -1,
        "answer_accepted": 15,
        "accepted_an_answer": 2,
        "deleted_as_spam": -100,
    }
    REPUTATION_DAILY_UPVOTE_CAP = 200
    VOTE_WINDOW_SECONDS = 5 * 60
    DAILY_VOTE_LIMIT = 40
    SELF_ACCEPT_DELAY_SECONDS = 48 * 3600
    # An accept by an asker younger or poorer than this gives points that unlock no privilege.
    ACCEPT_VETTED_ACCOUNT_AGE_SECONDS = 24 * 3600
    ACCEPT_VETTED_REPUTATION = 15

    # Reputation needed for each privilege (DESIGN.md, "Privileges").
    PRIVILEGES = {
        "vote_up": 15,
        "flag": 15,
        "comment_everywhere": 50,
        "vote_down": 125,
        "edit_any": 2000,
        "close_reopen": 3000,
    }

    X_API_URL = "https://api.x.com"
    X_BEARER_TOKEN: str | None = None
    X_QUERY = "@BrandSupport -is:retweet"
    X_BRAND_HANDLES = ""
    # The brand accounts' X user ids; when set, FORUM_X_BRAND_HANDLES is only shown, never looked up.
    X_BRAND_USER_IDS = ""
    X_POLL_SECONDS = 15
    # Reply-back (opt-in): post staff answers on mirrored threads as reply tweets.
    X_REPLY_BACK = False
    X_USER_TOKEN: str | None = None  # X lets only a user token post; the bearer token reads
    X_SITE_URL = "http://127.0.0.1:5000"  # the base of the thread link in reply tweets


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    # Tests that exercise limits switch them on themselves.
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}

# FORUM_<NAME> environment variable -> (config key, parser)
ENV_SETTINGS = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "INDEX_DIR": ("INDEX_DIR", str),
    "REDIS_URL": ("REDIS_URL", str),
    "SEARCH_DRAIN_AFTER_COMMIT": ("SEARCH_DRAIN_AFTER_COMMIT", bool),
    "SEARCH_BACKEND": ("SEARCH_BACKEND", str),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", bool),
    "PAGE_SIZE": ("PAGE_SIZE", int),
    "X_API_URL": ("X_API_URL", str),
    "X_BEARER_TOKEN": ("X_BEARER_TOKEN", str),
    "X_QUERY": ("X_QUERY", str),
    "X_BRAND_HANDLES": ("X_BRAND_HANDLES", str),
    "X_BRAND_USER_IDS": ("X_BRAND_USER_IDS", str),
    "X_POLL_SECONDS": ("X_POLL_SECONDS", int),
    "STAFF_TARGET_SECONDS": ("STAFF_TARGET_SECONDS", int),
    "STAFF_CLAIM_SECONDS": ("STAFF_CLAIM_SECONDS", int),
    "FLAGS_TO_HIDE": ("FLAGS_TO_HIDE", int),
    "CURATION_MIN_AGE_DAYS": ("CURATION_MIN_AGE_DAYS", int),
    "X_REPLY_BACK": ("X_REPLY_BACK", bool),
    "X_USER_TOKEN": ("X_USER_TOKEN", str),
    "X_SITE_URL": ("X_SITE_URL", str),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "LIVE_MAX_SOCKETS_PER_ADDRESS": ("LIVE_MAX_SOCKETS_PER_ADDRESS", int),
    "RATELIMIT_SIGNUP": ("RATELIMIT_SIGNUP", str),
    "RATELIMIT_LOGIN": ("RATELIMIT_LOGIN", str),
    "RATELIMIT_TOKENS": ("RATELIMIT_TOKENS", str),
    "RATELIMIT_POSTING": ("RATELIMIT_POSTING", str),
    "RATELIMIT_EDITING": ("RATELIMIT_EDITING", str),
    "RATELIMIT_HELPED": ("RATELIMIT_HELPED", str),
    "RATELIMIT_LOGIN_ACCOUNT": ("RATELIMIT_LOGIN_ACCOUNT", str),
    "LIVE_PING_INTERVAL": ("LIVE_PING_INTERVAL", int),
    "SOCKETIO_CHANNEL": ("SOCKETIO_CHANNEL", str),
    "PAGE_CACHE": ("PAGE_CACHE", bool),
    "PAGE_CACHE_SECONDS": ("PAGE_CACHE_SECONDS", int),
    "PAGE_CACHE_ENTRIES": ("PAGE_CACHE_ENTRIES", int),
    "SEARCH_LOG_DAYS": ("SEARCH_LOG_DAYS", int),
}


def load_config(name: str | None = None) -> dict:
    """Return the settings for `name` (default FORUM_ENV) with FORUM_* applied."""
    name = name or os.environ.get("FORUM_ENV") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"FORUM_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for env_name, (key, parser) in ENV_SETTINGS.items():
        raw = os.environ.get(f"FORUM_{env_name}")
        if raw in (None, ""):
            continue
        if parser is bool:
            settings[key] = _env_bool(f"FORUM_{env_name}", settings.get(key, False))
        elif parser is int:
            settings[key] = _env_int(f"FORUM_{env_name}", settings.get(key, 0))
        elif parser is float:
            settings[key] = float(raw)
        else:
            settings[key] = raw
    for privilege in settings["PRIVILEGES"]:
        env_name = f"FORUM_PRIVILEGE_{privilege.upper()}"
        if os.environ.get(env_name):
            settings["PRIVILEGES"] = {**settings["PRIVILEGES"], privilege: _env_int(env_name, 0)}
    return settings
