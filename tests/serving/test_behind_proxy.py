"""Behind a reverse proxy: limits key on the real client, and log-in is throttled per account.

Every request comes from the proxy's address (10.0.0.1), as behind the TLS
proxy the README asks for; the client is named by X-Forwarded-For.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, text_of

PROXY = "10.0.0.1"


def attempt(client, username: str, password: str, client_address: str | None, **headers):
    if client_address:
        headers["X-Forwarded-For"] = client_address
    return client.post(
        "/login",
        data={"username": username, "password": password},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )


def token_attempt(client, username: str, password: str, client_address: str):
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": client_address},
        environ_base={"REMOTE_ADDR": PROXY},
    )


@pytest.fixture
def app_overrides() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "3 per minute",
        "RATELIMIT_LOGIN_ACCOUNT": "4 per minute; 6 per hour",
        "TRUSTED_PROXIES": 1,
    }


def test_failed_logins_from_one_client_behind_proxy_leave_other_clients_able_to_log_in(
    client, app, member, other_member
):
    for _ in range(3):
        assert attempt(client, other_member.username, "wrong guess", "203.0.113.5").status_code == 400
    assert attempt(client, other_member.username, "wrong guess", "203.0.113.5").status_code == 429

    response = attempt(app.test_client(), member.username, PASSWORD, "198.51.100.7")

    assert response.status_code == 302


class TestWithoutTrustedProxies:
    @pytest.fixture
    def app_overrides(self) -> dict:
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute", "TRUSTED_PROXIES": 0}

    def test_forwarded_for_from_untrusted_peer_is_ignored_by_limits(self, client, member):
        for n in range(3):
            attempt(client, member.username, "wrong guess", f"203.0.113.{n}")

        response = attempt(client, member.username, PASSWORD, "203.0.113.99")

        assert response.status_code == 429  # a forged header does not buy a fresh limit


def test_failed_logins_on_one_account_from_many_addresses_make_it_wait(client, member, other_member):
    for n in range(4):
        assert attempt(client, member.username, "wrong guess", f"192.0.2.{n}").status_code == 400

    response = attempt(client, member.username, PASSWORD, "192.0.2.200")

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    words = text_of(response.text)
    assert "Too many failed log-ins for this account. Try again in" in words
    assert "from a browser you have logged in with before" in words
    # Another account is not held back by it.
    assert attempt(client, other_member.username, PASSWORD, "192.0.2.201").status_code == 302


def test_failed_logins_on_unknown_name_wait_like_a_real_account(client):
    for n in range(4):
        attempt(client, "nobody_here", "wrong guess", f"192.0.2.{n}")

    assert attempt(client, "nobody_here", "wrong guess", "192.0.2.100").status_code == 429


def test_login_from_known_browser_while_account_waits_lets_the_owner_in(app, member):
    owner = app.test_client()
    assert attempt(owner, member.username, PASSWORD, "198.51.100.7").status_code == 302
    owner.post("/logout")
    attacker = app.test_client()
    for n in range(4):
        attempt(attacker, member.username, "wrong guess", f"192.0.2.{n}")
    assert attempt(attacker, member.username, PASSWORD, "192.0.2.150").status_code == 429

    response = attempt(owner, member.username, PASSWORD, "198.51.100.7")

    assert response.status_code == 302
    assert owner.get("/").status_code == 200 and member.username in owner.get("/").text


def test_known_browser_cookie_for_another_account_does_not_skip_the_wait(app, member, other_member):
    browser = app.test_client()
    assert attempt(browser, other_member.username, PASSWORD, "198.51.100.7").status_code == 302
    browser.post("/logout")
    for n in range(4):
        attempt(app.test_client(), member.username, "wrong guess", f"192.0.2.{n}")

    assert attempt(browser, member.username, PASSWORD, "198.51.100.7").status_code == 429


def test_forged_known_browser_cookie_does_not_skip_the_wait(app, member):
    for n in range(4):
        attempt(app.test_client(), member.username, "wrong guess", f"192.0.2.{n}")
    forger = app.test_client()
    forger.set_cookie("forum_known", f"[{member.id}]")

    assert attempt(forger, member.username, PASSWORD, "198.51.100.8").status_code == 429


def test_token_request_while_account_waits_answers_429_json(client, member):
    for n in range(4):
        assert token_attempt(client, member.username, "wrong guess", f"192.0.2.{n}").status_code == 400

    response = token_attempt(client, member.username, PASSWORD, "192.0.2.50")

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "too many failed log-ins for this account" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
