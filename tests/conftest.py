"""Shared fixtures: app -> db -> users -> question -> answered_question.

The suite runs on a fresh SQLite file per test; with FORUM_TEST_DATABASE_URL
set (see .ci/run) it runs on that PostgreSQL database instead, emptied
between tests.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from forum import create_app
from forum.extensions import db as _db
from forum.models import Post, User
from forum.services import accounts, posting
from forum.services import reputation as ledger

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
_pg_schema_ready = False
_names = itertools.count(1)

LONG_BODY = "This is a body that is long enough to pass the thirty character rule."


def database_url(tmp_path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'forum.db'}"


def _reset_postgres() -> None:
    global _pg_schema_ready
    if not _pg_schema_ready:
        _db.drop_all()
        _db.create_all()
        _pg_schema_ready = True
        return
    # DELETE is far quicker than TRUNCATE on small tables; replica mode skips the
    # triggers (the audit log refuses deletes) and the foreign-key checks.
    _db.session.execute(text("SET session_replication_role = replica"))
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    # Ids start again from 1, as on a fresh SQLite file, so "unknown id" tests stay unknown.
    for name in _db.session.scalars(text(
        "SELECT pg_get_serial_sequence(table_name, column_name) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_default LIKE 'nextval%'"
    )):
        _db.session.execute(text("SELECT setval(:name, 1, false)"), {"name": name})
    _db.session.execute(text("SET session_replication_role = DEFAULT"))
    _db.session.commit()


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings before the app is built."""
    return {}


@pytest.fixture
def app(tmp_path, app_overrides) -> Iterator[Flask]:
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "INDEX_DIR": str(tmp_path / "index"),
        **app_overrides,
    }
    application = create_app("testing", settings)
    with application.app_context():
        if PG_URL:
            _reset_postgres()
        else:
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
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
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
