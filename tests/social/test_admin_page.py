"""The admin page of the mirror: admins see its state; nobody else does."""

from __future__ import annotations

import pytest

from forum.services import posting
from tests.social.conftest import mirror_settings
from tests.social.test_polling import conversation, poll


@pytest.fixture
def app_overrides(fake_x) -> dict:
    return mirror_settings(fake_x.url, X_REPLY_BACK=True)


def log_in(client, user) -> None:
    response = client.post("/login", data={"username": user.username, "password": "correct horse"})
    assert response.status_code in (302, 303), response.status_code


def test_mirror_page_for_a_member_or_moderator_is_forbidden(client, member, moderator):
    for user in (member, moderator):
        log_in(client, user)
        assert client.get("/admin/mirror").status_code == 403
        client.post("/logout")


def test_mirror_page_for_a_visitor_asks_to_log_in(client):
    response = client.get("/admin/mirror")
    assert response.status_code in (302, 401) and "login" in response.headers.get("Location", "login")


def test_mirror_page_shows_since_id_counts_rate_limit_errors_and_outbox(
    app, session, client, admin, staff, fake_x
):
    question, _, _ = conversation(fake_x)
    fake_x.fail_next("/2/tweets/search/recent", 503)
    poll(app, session)
    from sqlalchemy import select

    from forum.models import MirroredTweet

    root = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(question["id"])))
    posting.post_answer(session, staff, root.post, "Please try a factory reset after updating.")
    session.commit()
    log_in(client, admin)
    page = client.get("/admin/mirror")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert str(max(fake_x.tweets)) in html  # since_id
    assert 'data-testid="mirrored-today">3<' in html
    assert f"of {fake_x.window_limit} left" in html
    assert "unavailable" in html and "503" in html
    assert "<dt>Pending</dt><dd>1</dd>" in html
    assert "reply-back <strong>on</strong>" in html
