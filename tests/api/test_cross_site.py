"""A write to the API with only the browser's cookies must come from this site.

The audit's requests: a moderator's cookies, a form content type, an empty
body and `Origin: http://evil.example`, against lock, reopen and undelete.
"""

from __future__ import annotations

import re

import pytest

from forum.services import moderation
from tests.api.helpers import assert_error
from tests.web.conftest import login

EVIL = "http://evil.example"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def moderator_browser(app, moderator):
    browser = app.test_client()
    assert login(browser, moderator).status_code == 302
    return browser


@pytest.fixture
def targets(session, moderator, question, answered_question):
    """A question to lock, a closed one to reopen and a deleted answer to undelete."""
    moderation.close_question(session, moderator, question.id, "off_topic")
    answer = answered_question.answers[0]
    moderation.delete_post(session, moderator, answer.id, "spam")
    session.commit()
    return {
        "lock": (f"/api/v1/posts/{answered_question.id}/lock", lambda: answered_question.locked),
        "reopen": (f"/api/v1/questions/{question.id}/reopen", lambda: question.closed_at is None),
        "undelete": (f"/api/v1/posts/{answer.id}/undelete", lambda: answer.deleted_at is None),
    }


ACTIONS = ["lock", "reopen", "undelete"]


@pytest.mark.parametrize("action", ACTIONS)
def test_cross_site_form_with_moderator_cookies_is_refused_and_changes_nothing(
    moderator_browser, targets, session, action
):
    path, done = targets[action]

    response = moderator_browser.post(path, data="", headers={"Content-Type": FORM, "Origin": EVIL})

    error = assert_error(response, 403, "forbidden")
    assert "evil.example" in error["message"] and "Bearer" in error["message"]
    session.expire_all()
    assert not done()


@pytest.mark.parametrize("action", ACTIONS)
def test_form_without_origin_with_moderator_cookies_is_refused(moderator_browser, targets, session, action):
    path, done = targets[action]

    response = moderator_browser.post(path, data="", headers={"Content-Type": FORM})

    error = assert_error(response, 403, "forbidden")
    assert "application/json" in error["message"]
    session.expire_all()
    assert not done()


def test_json_from_foreign_origin_with_cookies_is_refused(moderator_browser, targets, session):
    path, done = targets["lock"]

    response = moderator_browser.post(path, json={}, headers={"Origin": EVIL})

    assert_error(response, 403, "forbidden")
    session.expire_all()
    assert not done()


def test_cross_site_fetch_metadata_with_cookies_is_refused(moderator_browser, targets, session):
    path, done = targets["lock"]

    response = moderator_browser.post(path, json={}, headers={"Sec-Fetch-Site": "cross-site"})

    assert_error(response, 403, "forbidden")
    session.expire_all()
    assert not done()


@pytest.mark.parametrize("action", ACTIONS)
def test_same_site_json_with_moderator_cookies_is_done(moderator_browser, targets, session, action):
    path, done = targets[action]

    response = moderator_browser.post(path, json={}, headers={"Origin": "http://localhost"})

    assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert done()


def test_form_with_page_csrf_token_header_and_cookies_is_done(moderator_browser, targets, session):
    path, done = targets["lock"]
    page = moderator_browser.get("/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)

    response = moderator_browser.post(path, data="", headers={"Content-Type": FORM, "X-CSRFToken": token})

    assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert done()


def test_form_with_wrong_csrf_token_header_and_cookies_is_refused(moderator_browser, targets, session):
    path, done = targets["lock"]

    response = moderator_browser.post(path, data="", headers={"Content-Type": FORM, "X-CSRFToken": "made-up"})

    assert_error(response, 403, "forbidden")
    session.expire_all()
    assert not done()


def test_form_with_bearer_token_from_any_origin_is_done(api_as, moderator, targets, session, client):
    path, done = targets["lock"]
    token = api_as(moderator).token

    response = client.post(
        path, data="", headers={"Content-Type": FORM, "Origin": EVIL, "Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert done()
