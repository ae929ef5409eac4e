"""How sessions end: no published key, and a log-out ends the user's sessions everywhere."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

from flask import Flask

from forum.setup import check_secret_key, development_key
from tests.web.conftest import login

# The development key earlier releases shipped in config.py, for all to read.
PUBLISHED_KEY = "development-only-secret-key-change-me"


def forged_remember_cookie(key: str, payload: str) -> str:
    """A remember-me cookie as Flask-Login signs it: payload|HMAC-SHA512(key, payload)."""
    digest = hmac.new(key.encode(), payload.encode(), hashlib.sha512).hexdigest()
    return f"{payload}|{digest}"


def opens_account(client) -> bool:
    return client.get("/account").status_code == 200


def test_remember_cookie_forged_with_published_key_does_not_log_in(client, member):
    client.set_cookie("remember_token", forged_remember_cookie(PUBLISHED_KEY, str(member.id)))

    assert not opens_account(client)


def test_remember_cookie_signed_right_but_without_session_version_does_not_log_in(app, client, member):
    client.set_cookie("remember_token", forged_remember_cookie(app.secret_key, str(member.id)))

    assert not opens_account(client)


def test_development_start_without_key_makes_random_key_kept_in_instance(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config.update(ENV_NAME="development", SECRET_KEY=None)

    check_secret_key(app)

    key_file = tmp_path / "instance" / "secret_key"
    assert app.config["SECRET_KEY"] not in (None, PUBLISHED_KEY)
    assert len(app.config["SECRET_KEY"]) >= 40
    assert key_file.read_text().strip() == app.config["SECRET_KEY"]
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert development_key(str(key_file)) == app.config["SECRET_KEY"]  # kept across restarts


def test_cookies_kept_from_before_logout_no_longer_open_account(app, member):
    browser = app.test_client()
    assert login(browser, member, remember="y").status_code == 302
    kept = {name: browser.get_cookie(name).value for name in ("session", "remember_token")}
    assert opens_account(browser)

    browser.post("/logout")

    replayed = app.test_client()
    for name, value in kept.items():
        replayed.set_cookie(name, value)
    assert not opens_account(replayed)
    remembered_only = app.test_client()
    remembered_only.set_cookie("remember_token", kept["remember_token"])
    assert not opens_account(remembered_only)


def test_logout_on_one_device_ends_session_on_another(app, member):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, member)
    login(laptop, member, remember="y")

    phone.post("/logout")

    assert not opens_account(laptop)
    assert login(laptop, member).status_code == 302 and opens_account(laptop)  # a new log-in works
