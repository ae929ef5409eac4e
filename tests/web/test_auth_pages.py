"""Sign up, log in, log out, and where log-in sends you afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.models import User
from tests.web.conftest import field_error, login, text_of


def test_signup_with_good_details_creates_account_and_signs_in(client, session):
    response = client.post(
        "/signup", data={"username": "zoe", "email": "zoe@example.com", "password": "long enough"}
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    assert 'class="user-chip-name" dir="auto">zoe<' in page
    assert "Welcome, zoe!" in page
    assert session.scalar(select(User).where(User.username == "zoe")) is not None


def test_signup_with_bad_details_shows_each_message_and_creates_nothing(client, session, member):
    response = client.post("/signup", data={"username": "Alice", "email": "nope", "password": "short"})
    assert response.status_code == 400
    assert field_error(response.text, "username") == "Username is already taken."
    assert field_error(response.text, "email").startswith("Email is not a valid address")
    assert field_error(response.text, "password") == "Password must be at least 8 characters (it has 5)."
    assert 'value="Alice"' in response.text
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_login_with_wrong_password_says_so_and_stays_signed_out(client, member):
    response = login(client, member, password="wrong password")
    assert response.status_code == 400
    assert "Wrong username or password." in text_of(response.text)
    assert "Log out" not in client.get("/").text


def test_login_with_right_password_shows_name_and_reputation(client, member):
    response = login(client, member)
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").text
    assert 'class="user-chip-name" dir="auto">alice<' in page
    assert 'class="rep" title="reputation">1<' in page


def test_login_starts_a_fresh_session(client, member):
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    login(client, member)
    with client.session_transaction() as current:
        assert "planted" not in current
        assert current["_user_id"] == member.get_id()


def test_login_with_remember_me_sets_httponly_cookie(client, member):
    response = login(client, member, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
        "",
    ],
)
def test_login_with_unsafe_next_goes_home(client, member, target):
    response = login(client, member, next=target)
    assert response.status_code == 302
    assert response.location == "/"


def test_login_with_local_next_returns_there(client, member, question):
    response = login(client, member, next=f"/questions/{question.id}?sort=votes")
    assert response.location == f"/questions/{question.id}?sort=votes"


def test_login_page_ignores_unsafe_next_in_its_form(client):
    page = client.get("/login?next=//evil.example").text
    assert "evil.example" not in page


def test_logout_by_post_signs_out(logged_in, member):
    client = logged_in(member)
    response = client.post("/logout")
    assert response.status_code == 302
    assert "Log out" not in client.get("/").text


def test_logout_by_get_is_refused(logged_in, member):
    client = logged_in(member)
    assert client.get("/logout").status_code == 405
    assert "Log out" in client.get("/").text
