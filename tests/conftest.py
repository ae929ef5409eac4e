"""Shared fixtures: app -> db -> users -> question -> answered_question.

The suite runs on a fresh SQLite file per test; with FORUM_TEST_DATABASE_URL
set (see .ci/run) it runs on that PostgreSQL database instead, emptied
between tests.

How the schema is made: on PostgreSQL, once per run, by the migrations
(`flask db upgrade`, as production does). On SQLite, by `create_all` for
most tests, and by the migrations for the tests in MIGRATED_SCHEMA_TESTS
(marked `migrated_schema`): those get a copy of one file that `flask db
upgrade` built at the start of the run. tests/unit/test_migrations.py
checks that the two ways give the same schema.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import cache
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError

from forum import create_app
from forum.extensions import db as _db
from forum.models import Post, User
from forum.models.audit_triggers import AUDIT_TRIGGERS_TEARDOWN
from forum.services import accounts, posting
from forum.services import reputation as ledger

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
_pg_migrated_this_run = False
_names = itertools.count(1)

LONG_BODY = "This is a body that is long enough to pass the thirty character rule."

# On SQLite these run on the schema the migrations build: the core of the
# forum (posting, voting, acceptance, accounts, moderation and its audit
# log, the whole demo) and the schema checks themselves.
MIGRATED_SCHEMA_TESTS = (
    "tests/unit/test_accounts.py",
    "tests/unit/test_acceptance.py",
    "tests/unit/test_demo.py",
    "tests/unit/test_migrations.py",
    "tests/unit/test_posting.py",
    "tests/unit/test_vote_concurrency.py",
    "tests/unit/test_voting.py",
    "tests/moderation/test_moderation_rules.py",
)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        path = Path(item.fspath).resolve()
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).as_posix() in MIGRATED_SCHEMA_TESTS:
            item.add_marker(pytest.mark.migrated_schema)


def database_url(tmp_path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'forum.db'}"


def run_flask_db(database_url: str, index_dir: Path, *args: str) -> None:
    """Run `flask --app wsgi db ARGS` on that database, as `make run` and a deployment do."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
    env.update(FORUM_ENV="testing", FORUM_DATABASE_URL=database_url, FORUM_INDEX_DIR=str(index_dir))
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"flask db {' '.join(args)} failed:\n{done.stderr[-4000:]}", pytrace=False)


@cache
def head_revision() -> str | None:
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def _postgres_revision() -> str | None:
    try:
        return _db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        _db.session.rollback()
        return None


def _migrate_postgres(index_dir: Path) -> None:
    """Drop whatever the database holds, then build the schema with the migrations."""
    _db.session.remove()
    with _db.engine.begin() as connection:
        existing = MetaData()
        existing.reflect(connection)
        existing.drop_all(connection)
        for statement in AUDIT_TRIGGERS_TEARDOWN["postgresql"]:
            connection.execute(text(statement))
    run_flask_db(PG_URL, index_dir, "upgrade")


def _reset_postgres(index_dir: Path) -> None:
    global _pg_migrated_this_run
    # Once per run, and again if a test left the schema at another revision.
    if not _pg_migrated_this_run or _postgres_revision() != head_revision():
        _migrate_postgres(index_dir)
        _pg_migrated_this_run = True
        return
    # DELETE is far quicker than TRUNCATE on small tables; replica mode skips the
    # triggers (the audit log refuses deletes) and the foreign-key checks.
    _db.session.execute(text("SET session_replication_role = replica"))
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    # Ids start again from 1, as on a fresh SQLite file, so "unknown id" tests stay unknown.
    for name in _db.session.scalars(
        text(
            "SELECT pg_get_serial_sequence(table_name, column_name) FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_default LIKE 'nextval%'"
        )
    ):
        _db.session.execute(text("SELECT setval(:name, 1, false)"), {"name": name})
    _db.session.execute(text("SET session_replication_role = DEFAULT"))
    _db.session.commit()


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings before the app is built."""
    return {}


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file that `flask db upgrade` built; tests on the migrated schema get a copy each."""
    folder = tmp_path_factory.mktemp("migrated")
    run_flask_db(f"sqlite:///{folder / 'forum.db'}", folder / "index", "upgrade")
    return folder / "forum.db"


def copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


@pytest.fixture
def app(request, tmp_path, app_overrides) -> Iterator[Flask]:
    migrated = request.node.get_closest_marker("migrated_schema") is not None
    if migrated and not PG_URL:
        copy_sqlite(request.getfixturevalue("migrated_sqlite"), tmp_path / "forum.db")
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "INDEX_DIR": str(tmp_path / "index"),
        **app_overrides,
    }
    application = create_app("testing", settings)
    with application.app_context():
        if PG_URL:
            _reset_postgres(tmp_path / "index")
        elif not migrated:
            _db.create_all()
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def session(db):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def flask_db(app, tmp_path) -> Callable[..., None]:
    """flask_db("downgrade", "base") -> runs `flask db ...` on this test's database."""

    def run(*args: str) -> None:
        _db.session.remove()
        _db.engine.dispose()
        run_flask_db(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "index", *args)

    return run


@pytest.fixture
def make_user(session):
    def make(role: str = "member", reputation: int = 1, username: str | None = None) -> User:
        name = username or f"{role}{next(_names)}"
        user = accounts.register_user(session, name, f"{name}@example.com", "correct horse", role)
        if reputation != 1:
            # Through the ledger, so the cached reputation stays true to it.
            ledger.record(session, user.id, reputation - 1, "granted_for_test")
        session.commit()
        return user

    return make


@pytest.fixture
def member(make_user) -> User:
    return make_user("member", username="alice")


@pytest.fixture
def other_member(make_user) -> User:
    return make_user("member", username="bob")


@pytest.fixture
def staff(make_user) -> User:
    return make_user("staff", username="sam_staff")


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", username="mo_moderator")


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", username="ada_admin")


@pytest.fixture
def question(session, member) -> Post:
    q = posting.ask_question(
        session, member, "How do I reset my router password?", LONG_BODY, ["router", "wifi"]
    )
    session.commit()
    return q


@pytest.fixture
def answer(session, question, other_member) -> Post:
    """bob's answer to alice's question."""
    a = posting.post_answer(
        session, other_member, question, "Hold the reset button for ten seconds, then log in."
    )
    session.commit()
    return a


@pytest.fixture
def answered_question(answer) -> Post:
    return answer.question


class ApiClient:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kw):
        return self.client.get(f"/api/v1{path}", headers=self._headers(), **kw)

    def delete(self, path: str, **kw):
        return self.client.delete(f"/api/v1{path}", headers=self._headers(), **kw)

    def post(self, path: str, json=None, **kw):
        return self.client.post(f"/api/v1{path}", json=json, headers=self._headers(), **kw)

    def patch(self, path: str, json=None, **kw):
        return self.client.patch(f"/api/v1{path}", json=json, headers=self._headers(), **kw)

    def put(self, path: str, json=None, **kw):
        return self.client.put(f"/api/v1{path}", json=json, headers=self._headers(), **kw)


@pytest.fixture
def api(client) -> ApiClient:
    """Anonymous API client."""
    return ApiClient(client)


@pytest.fixture
def api_as(client, session):
    """api_as(user) -> an ApiClient holding a fresh token for that user."""

    def make(user: User) -> ApiClient:
        _, plain = accounts.create_token(session, user)
        session.commit()
        return ApiClient(client, plain)

    return make


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole run (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (make test installs it as root)")
    playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """new_page() -> a page in its own context (its own cookies: one person each)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def index(app, session):
    """A search index built from the database as it is now (posts added later reach it after
    their commit); its cached searchers are forgotten afterwards."""
    from forum import search
    from forum.search import storage

    search.rebuild(session)
    yield app.config["INDEX_DIR"]
    storage.forget_searchers()
