"""Ids no database row can have: in an address they are 404 (a page, or the API's
JSON error) on every route, never a 500; in a form or JSON body they are refused
like any unknown id."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import Post
from tests.api.helpers import assert_error
from tests.web.conftest import text_of

# The first id past a database integer (PostgreSQL's), and the id the audit sent (past SQLite's too).
TOO_LARGE = (2**31, 99999999999999999999)

# Every route with an id in its address, with the body the page or client would send.
ROUTES = [
    ("GET", "/users/{id}", None),
    ("GET", "/questions/{id}", None),
    ("GET", "/questions/{id}/a-slug", None),
    ("GET", "/posts/{id}/edit", None),
    ("GET", "/posts/{id}/revisions", None),
    ("GET", "/posts/{id}/revisions/1", None),
    ("GET", "/posts/1/revisions/{id}", None),
    ("GET", "/fragments/feed/{id}", None),
    ("GET", "/fragments/questions/{id}", None),
    ("GET", "/fragments/answers/{id}", None),
    ("GET", "/fragments/comments/{id}", None),
    ("GET", "/moderation/posts/{id}", None),
    ("GET", "/search/{id}/open/1", None),
    ("GET", "/search/1/open/{id}", None),
    ("POST", "/questions/{id}/answers", {"body": "Hold the reset button for ten seconds."}),
    ("POST", "/questions/{id}/accept", {"answer_id": "1"}),
    ("POST", "/posts/{id}/comments", {"body": "A comment long enough to post."}),
    ("POST", "/posts/{id}/edit", {"body": "A body that is long enough to be an edit."}),
    ("POST", "/posts/{id}/vote", {"value": "1"}),
    ("POST", "/posts/{id}/flag", {"reason": "spam"}),
    ("POST", "/posts/{id}/delete", {}),
    ("POST", "/moderation/posts/{id}/delete", {"reason": "spam"}),
    ("POST", "/moderation/posts/{id}/undelete", {}),
    ("POST", "/moderation/posts/{id}/lock", {"locked": "1"}),
    ("POST", "/moderation/questions/{id}/close", {"reason": "off_topic"}),
    ("POST", "/moderation/questions/{id}/reopen", {}),
    ("POST", "/moderation/questions/{id}/merge", {"target_id": "1"}),
    ("POST", "/moderation/questions/{id}/accept", {"answer_id": "1"}),
    ("POST", "/staff/questions/{id}/claim", {}),
    ("POST", "/staff/answers/{id}/verify", {}),
    ("POST", "/staff/questions/{id}/faq-reply", {}),
    ("POST", "/staff/faq/{id}", {"action": "pin"}),
    ("POST", "/answers/{id}/helped", {"helped": "yes"}),
    ("GET", "/questions/ask/open/{id}", None),
    ("POST", "/admin/users/{id}/role", {"role": "staff"}),
    ("POST", "/account/tokens/{id}/revoke", {}),
    ("GET", "/api/v1/users/{id}", None),
    ("PATCH", "/api/v1/users/{id}", {"about": "Hello"}),
    ("GET", "/api/v1/users/{id}/reputation", None),
    ("DELETE", "/api/v1/tokens/{id}", None),
    ("GET", "/api/v1/questions/{id}", None),
    ("PATCH", "/api/v1/questions/{id}", {"body": "A body that is long enough to be an edit."}),
    ("POST", "/api/v1/questions/{id}/answers", {"body": "Hold the reset button for ten seconds."}),
    ("PATCH", "/api/v1/answers/{id}", {"body": "A body that is long enough to be an edit."}),
    ("POST", "/api/v1/posts/{id}/comments", {"body": "A comment long enough to post."}),
    ("GET", "/api/v1/posts/{id}/revisions", None),
    ("POST", "/api/v1/search/{id}/clicks", {"post_id": 1}),
    ("POST", "/api/v1/posts/{id}/votes", {"value": 1}),
    ("DELETE", "/api/v1/posts/{id}/votes", None),
    ("PUT", "/api/v1/questions/{id}/accepted-answer", {"answer_id": 1}),
    ("DELETE", "/api/v1/questions/{id}/accepted-answer", None),
    ("POST", "/api/v1/posts/{id}/flags", {"reason": "spam"}),
    ("POST", "/api/v1/posts/{id}/helped", {"helped": True}),
    ("POST", "/api/v1/flags/{id}/resolution", {"action": "handled"}),
    ("DELETE", "/api/v1/posts/{id}", {"reason": "spam"}),
    ("POST", "/api/v1/posts/{id}/undelete", {}),
    ("POST", "/api/v1/questions/{id}/close", {"reason": "off_topic"}),
    ("POST", "/api/v1/questions/{id}/reopen", {}),
    ("POST", "/api/v1/posts/{id}/lock", {}),
    ("DELETE", "/api/v1/posts/{id}/lock", None),
    ("PUT", "/api/v1/questions/{id}/claim", None),
    ("DELETE", "/api/v1/questions/{id}/claim", None),
    ("PUT", "/api/v1/answers/{id}/verification", None),
    ("DELETE", "/api/v1/answers/{id}/verification", None),
    ("PATCH", "/api/v1/staff/faq/{id}", {"pinned": True}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_request_with_id_too_large_for_the_database_is_404(
    logged_in, api_as, admin, question, method, path, body
):
    client = logged_in(admin)  # allowed everything, so only the id can stop the request
    token = api_as(admin).token
    for huge in TOO_LARGE:
        url = path.format(id=huge)
        if url.startswith("/api/"):
            response = client.open(
                url, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert_error(response, 404, "not_found")
        else:
            response = client.open(url, method=method, data=body)
            assert response.status_code == 404, (url, response.status_code)
            assert "Back to the questions" in text_of(response.text)  # the error page, not a crash


def test_huge_id_routes_cover_every_route_with_an_id(app):
    """A new route with an id in its address must join ROUTES above."""
    adapter = app.url_map.bind("localhost")
    listed = {(adapter.match(path.format(id=1), method=method)[0], method) for method, path, _ in ROUTES}
    routed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if "int" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed - listed == set()


@pytest.mark.parametrize(
    ("user_name", "path"),
    [("member", "/questions/{q}/accept"), ("moderator", "/moderation/questions/{q}/accept")],
)
def test_accept_form_with_answer_id_too_large_says_there_is_no_such_answer(
    request, logged_in, answered_question, session, user_name, path
):
    client = logged_in(request.getfixturevalue(user_name))
    for huge in TOO_LARGE:
        response = client.post(
            path.format(q=answered_question.id), data={"answer_id": str(huge)}, follow_redirects=True
        )
        assert response.status_code == 200
        assert f"There is no answer {huge}." in text_of(response.text)
    session.refresh(answered_question)
    assert answered_question.accepted_answer_id is None


@pytest.mark.parametrize(
    ("path", "field"),
    [("/questions/{q}/accepted-answer", "answer_id"), ("/posts/{q}/flags", "comment_id")],
)
def test_api_request_with_id_too_large_in_its_body_is_404(api_as, make_user, answered_question, path, field):
    # The asker accepts; a member with the flag privilege flags.
    client = api_as(answered_question.author if field == "answer_id" else make_user(reputation=20))
    for huge in TOO_LARGE:
        body = {field: huge} if field == "answer_id" else {field: huge, "reason": "spam"}
        method = client.put if field == "answer_id" else client.post
        assert_error(method(path.format(q=answered_question.id), json=body), 404, "not_found")


def test_delete_flagged_posts_with_flag_id_too_large_deletes_nothing(logged_in, moderator, question, session):
    client = logged_in(moderator)
    for huge in TOO_LARGE:
        response = client.post(
            "/moderation/flags/resolve",
            data={"flag_ids": str(huge), "action": "delete:spam"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "Select at least one flag first." in text_of(response.text)
    assert session.scalars(select(Post).where(Post.deleted_at.is_not(None))).all() == []


@pytest.mark.parametrize("path", ["/search?q=router&page=%C2%B2", "/search?q=router&page=%D9%A3"])
def test_page_number_in_superscript_or_other_digits_gets_a_page_not_500(client, path):
    # Without a built index the search page says so (503); what matters is no crash.
    assert client.get(path).status_code in (200, 503)
