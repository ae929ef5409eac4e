"""Every write endpoint against every class of malformed request: the DESIGN.md
error shape, the right status, nothing changed, never a 500, never HTML."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error

VALID_QUESTION = {"title": "Why is my laptop so hot today?", "body": "b" * 40, "tags": ["laptop"]}


def endpoints(question_id: int, answer_id: int, user_id: int) -> list[tuple[str, str, dict]]:
    """(method, path, a valid body) for every endpoint that takes JSON."""
    return [
        ("post", "/users", {"username": "newbie", "email": "new@example.com", "password": "12345678"}),
        ("post", "/tokens", {"username": "alice", "password": "correct horse"}),
        ("patch", f"/users/{user_id}", {"about": "Hello there"}),
        ("post", "/questions", VALID_QUESTION),
        ("patch", f"/questions/{question_id}", {"body": "c" * 40}),
        ("post", f"/questions/{question_id}/answers", {"body": "a" * 40}),
        ("patch", f"/answers/{answer_id}", {"body": "d" * 40}),
        ("post", f"/posts/{question_id}/comments", {"body": "a comment long enough"}),
    ]


ENDPOINT_NAMES = ["register", "token", "profile", "ask", "edit-question", "answer", "edit-answer", "comment"]


@pytest.fixture
def targets(session, answered_question, member, other_member, api_as):
    """Endpoints where alice may act: her question, her own answer, her profile."""
    from forum.services import posting

    own_answer = posting.post_answer(
        session, member, answered_question, "My own answer, long enough to count."
    )
    session.commit()
    return api_as(member), endpoints(answered_question.id, own_answer.id, member.id)


@pytest.mark.parametrize("index", range(len(ENDPOINT_NAMES)), ids=ENDPOINT_NAMES)
@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{bad json", "application/json"),
        ('{"title": "unterminated', "application/json"),
        ("", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        ("null", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("42", "application/json"),
        ("title=x&body=y", "application/x-www-form-urlencoded"),
        ('{"body": "not declared as JSON"}', "text/plain"),
        ("<xml/>", "application/xml"),
        ("[" * 100000, "application/json"),
        ('{"a":' * 100000, "application/json"),
    ],
    ids=["malformed", "truncated", "empty", "not-utf8", "null", "array", "string", "number", "form", "text",
         "xml", "deep-array", "deep-object"],
)  # fmt: skip
def test_malformed_request_is_refused_with_400(targets, unchanged, index, data, content_type):
    client, routes = targets
    method, path, _ = routes[index]
    with unchanged():
        response = getattr(client, method)(path, data=data, content_type=content_type)
    error = assert_error(response, 400, "invalid")
    assert "body" in error["fields"]


@pytest.mark.parametrize("index", range(len(ENDPOINT_NAMES)), ids=ENDPOINT_NAMES)
def test_unknown_field_is_refused_with_400(targets, unchanged, index):
    client, routes = targets
    method, path, valid = routes[index]
    with unchanged():
        response = getattr(client, method)(path, json={**valid, "is_admin": True})
    assert assert_error(response, 400, "invalid")["fields"] == {"is_admin": "is not a known field"}


@pytest.mark.parametrize("index", range(len(ENDPOINT_NAMES)), ids=ENDPOINT_NAMES)
def test_valid_request_is_accepted(targets, index):
    """The control for the refusals above: the same endpoints do work with good input."""
    client, routes = targets
    method, path, valid = routes[index]
    assert getattr(client, method)(path, json=valid).status_code in (200, 201)


@pytest.mark.parametrize("index", [2, 3, 4, 5, 6, 7], ids=ENDPOINT_NAMES[2:])
def test_logged_out_write_is_refused_with_401(api, targets, unchanged, index):
    _, routes = targets
    method, path, valid = routes[index]
    with unchanged():
        assert_error(getattr(api, method)(path, json=valid), 401, "not_signed_in")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/nope"), ("get", "/questions/1/nope"), ("delete", "/questions"), ("put", "/users"),
     ("get", "/questions/-1"), ("get", "/users/abc"), ("post", "/posts/1/revisions")],
)  # fmt: skip
def test_unknown_route_or_method_is_json(api, question, unchanged, method, path):
    with unchanged():
        response = getattr(api, method)(path)
    assert response.status_code in (404, 405)
    assert_error(response, response.status_code)


@pytest.mark.parametrize(
    "value",
    [True, 0, -1, 1.5, 10**40, [], {}, [[]], "\x00", "\ud800", "\u202e" * 40, "😀" * 40, "a" * 100000],
    ids=lambda v: type(v).__name__ + str(len(str(v))),
)
def test_odd_values_in_every_field_never_give_a_500(targets, value):
    client, routes = targets
    for method, path, valid in routes:
        for field in valid:
            response = getattr(client, method)(path, json={**valid, field: value})
            assert response.status_code < 500, (path, field, response.get_data(as_text=True)[:300])
            assert response.mimetype == "application/json"


def test_errors_under_api_are_never_html(api, client, question):
    for response in (
        client.get("/api/v1/nope"),
        client.post("/api/v1/questions", data="{", content_type="application/json"),
        client.get("/api/v1/questions?page=x"),
        api.post("/tokens", json={"username": "x"}),
    ):
        assert response.mimetype == "application/json"
        assert b"<html" not in response.data.lower()


def test_feed_question_id_past_post_ids_is_refused_not_500(api):
    response = api.get("/feed?question_id=9223372036854775806")
    assert response.status_code == 400
    assert "question_id" in response.get_json()["error"]["fields"]
