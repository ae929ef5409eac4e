"""POST /tokens, DELETE /tokens/{id}, and what the Authorization header may hold."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error

QUESTION = {"title": "Why does my TV lose its picture?", "body": "b" * 40, "tags": ["tv"]}


def test_create_token_with_right_password_gives_a_working_token(api, api_with_token, member):
    response = api.post("/tokens", json={"username": "ALICE", "password": "correct horse", "name": "cli"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "alice" and body["token"].startswith("fm_")
    ask = api_with_token(body["token"]).post("/questions", json=QUESTION)
    assert ask.status_code == 201 and ask.get_json()["author"]["id"] == member.id


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "alice", "password": "wrong password"},
        {"username": "nobody", "password": "correct horse"},
        {"username": "alice"},
        {"username": 1, "password": 2},
        {},
    ],
)
def test_create_token_with_bad_credentials_is_refused(api, member, unchanged, credentials):
    with unchanged():
        assert_error(api.post("/tokens", json=credentials), 400, "invalid")


def test_create_token_wrong_password_and_unknown_user_read_the_same(api, member):
    wrong = api.post("/tokens", json={"username": "alice", "password": "wrong password"}).get_json()
    unknown = api.post("/tokens", json={"username": "nobody", "password": "wrong password"}).get_json()
    assert wrong == unknown


@pytest.mark.parametrize("name", [5, ["x"]])
def test_create_token_name_not_a_string_is_refused(api, member, unchanged, name):
    with unchanged():
        response = api.post("/tokens", json={"username": "alice", "password": "correct horse", "name": name})
    assert_error(response, 400, "invalid")


def test_create_token_unknown_field_is_refused(api, member, unchanged):
    with unchanged():
        response = api.post(
            "/tokens", json={"username": "alice", "password": "correct horse", "scope": "all"}
        )
    assert assert_error(response, 400, "invalid")["fields"] == {"scope": "is not a known field"}


def test_revoke_token_makes_it_stop_working(api, api_with_token, member):
    issued = api.post("/tokens", json={"username": "alice", "password": "correct horse"}).get_json()
    holder = api_with_token(issued["token"])
    assert holder.delete(f"/tokens/{issued['id']}").status_code == 204
    assert_error(holder.post("/questions", json=QUESTION), 401, "not_signed_in")
    assert_error(holder.get("/questions"), 401, "not_signed_in")


def test_revoke_token_twice_is_harmless_from_another_token(api, api_as, member):
    issued = api.post("/tokens", json={"username": "alice", "password": "correct horse"}).get_json()
    other = api_as(member)
    assert other.delete(f"/tokens/{issued['id']}").status_code == 204
    assert other.delete(f"/tokens/{issued['id']}").status_code == 204


def test_revoke_someone_elses_token_is_not_found(
    api, api_as, api_with_token, member, other_member, unchanged
):
    issued = api.post("/tokens", json={"username": "alice", "password": "correct horse"}).get_json()
    other_member_api = api_as(other_member)
    with unchanged():
        assert_error(other_member_api.delete(f"/tokens/{issued['id']}"), 404, "not_found")
    assert api_with_token(issued["token"]).post("/questions", json=QUESTION).status_code == 201


@pytest.mark.parametrize("token_id", ["424242", str(2**64)])
def test_revoke_unknown_token_is_not_found(api_as, member, unchanged, token_id):
    alice = api_as(member)
    with unchanged():
        assert_error(alice.delete(f"/tokens/{token_id}"), 404, "not_found")


def test_revoke_token_logged_out_is_refused(api, api_as, member, unchanged):
    api_as(member)
    with unchanged():
        assert_error(api.delete("/tokens/1"), 401, "not_signed_in")


@pytest.mark.parametrize(
    "header",
    ["Basic YWxpY2U6cGFzcw==", "Bearer", "Bearer    ", "Bearer fm_unknown", "Token abc", "bearer"],
)
def test_bad_authorization_header_is_refused(client, member, unchanged, header):
    with unchanged():
        response = client.post("/api/v1/questions", json=QUESTION, headers={"Authorization": header})
    assert_error(response, 401, "not_signed_in")


def test_bad_authorization_header_on_a_read_is_refused(client, question):
    response = client.get("/api/v1/questions", headers={"Authorization": "Bearer fm_wrong"})
    assert_error(response, 401, "not_signed_in")


def test_bearer_scheme_is_case_insensitive(api_as, client, member):
    token = api_as(member).token
    response = client.post("/api/v1/questions", json=QUESTION, headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 201


def test_create_token_name_with_nul_is_stored(api, member):
    response = api.post(
        "/tokens", json={"username": "alice", "password": "correct horse", "name": "a\u0000b"}
    )
    assert response.status_code == 201


def test_token_use_records_last_use_at_most_once_a_minute(api_as, member, session):
    from datetime import timedelta

    from forum import clock
    from forum.models import ApiToken

    client = api_as(member)
    client.get(f"/users/{member.id}")
    token = session.query(ApiToken).filter_by(user_id=member.id).one()
    first = token.last_used_at
    assert first is not None
    with clock.travel(timedelta(seconds=30)):
        client.get(f"/users/{member.id}")
    session.refresh(token)
    assert token.last_used_at == first
    with clock.travel(timedelta(minutes=2)):
        client.get(f"/users/{member.id}")
    session.refresh(token)
    assert token.last_used_at > first
