"""POST /users, GET /users/{id}, PATCH /users/{id}."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.models import User
from tests.api.helpers import assert_error

SIGNUP = {"username": "zed", "email": "zed@example.com", "password": "12345678"}


def test_register_returns_the_new_profile(api, session):
    response = api.post("/users", json=SIGNUP)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("username", "role", "reputation")} == {
        "username": "zed",
        "role": "member",
        "reputation": 1,
    }
    assert body["created_at"].endswith("Z")
    assert "password" not in str(body) and "email" not in body
    assert session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", ""),
        ("username", "ab"),
        ("username", "a" * 31),
        ("username", "no spaces"),
        ("username", 12345),
        ("username", ["zed"]),
        ("email", "not-an-address"),
        ("email", ""),
        ("email", {"a": 1}),
        ("password", "1234567"),
        ("password", 12345678),
        ("password", None),
    ],
)
def test_register_bad_field_is_refused(api, unchanged, field, value):
    with unchanged():
        response = api.post("/users", json={**SIGNUP, field: value})
    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]


def test_register_missing_fields_are_all_reported(api, unchanged):
    with unchanged():
        error = assert_error(api.post("/users", json={}), 400, "invalid")
    assert set(error["fields"]) == {"username", "email", "password"}


def test_register_username_taken_in_other_case_is_refused(api, member, unchanged):
    with unchanged():
        error = assert_error(api.post("/users", json={**SIGNUP, "username": "ALICE"}), 400, "invalid")
    assert error["fields"] == {"username": "is already taken"}


def test_register_unknown_field_is_refused(api, unchanged):
    with unchanged():
        error = assert_error(api.post("/users", json={**SIGNUP, "role": "admin"}), 400, "invalid")
    assert error["fields"] == {"role": "is not a known field"}


def test_show_user_gives_profile_with_counts(api, answered_question, member):
    body = api.get(f"/users/{member.id}").get_json()
    assert body["username"] == "alice"
    assert (body["question_count"], body["answer_count"], body["badges"]) == (1, 0, [])


@pytest.mark.parametrize("user_id", ["999", "0", str(2**40)])
def test_show_unknown_user_is_not_found(api, member, user_id):
    assert_error(api.get(f"/users/{user_id}"), 404, "not_found")


def test_patch_own_about_is_saved(api_as, member, session):
    response = api_as(member).patch(f"/users/{member.id}", json={"about": "  I fix routers.  "})
    assert response.status_code == 200 and response.get_json()["about"] == "I fix routers."
    session.expire_all()
    assert session.get(User, member.id).about == "I fix routers."


def test_patch_someone_elses_about_is_forbidden(api_as, member, other_member, unchanged):
    other_member_api = api_as(other_member)
    with unchanged():
        response = other_member_api.patch(f"/users/{member.id}", json={"about": "hijacked"})
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("about", [5, ["x"], "x" * 2001])
def test_patch_bad_about_is_refused(api_as, member, unchanged, about):
    member_api = api_as(member)
    with unchanged():
        assert_error(member_api.patch(f"/users/{member.id}", json={"about": about}), 400, "invalid")


def test_patch_role_by_admin_changes_the_role(api_as, admin, member):
    response = api_as(admin).patch(f"/users/{member.id}", json={"role": "staff"})
    assert response.status_code == 200 and response.get_json()["role"] == "staff"


@pytest.mark.parametrize("actor", ["member", "moderator"])
def test_patch_role_by_non_admin_is_forbidden(api_as, request, member, unchanged, actor):
    acting = request.getfixturevalue(actor)
    acting_api = api_as(acting)
    with unchanged():
        response = acting_api.patch(f"/users/{member.id}", json={"role": "admin"})
    assert_error(response, 403, "forbidden")


def test_patch_role_and_refused_about_changes_neither(api_as, admin, member, unchanged):
    admin_api = api_as(admin)
    with unchanged():
        response = admin_api.patch(f"/users/{member.id}", json={"role": "staff", "about": "not mine"})
    assert_error(response, 403, "forbidden")


def test_patch_unknown_role_is_refused(api_as, admin, member, unchanged):
    admin_api = api_as(admin)
    with unchanged():
        assert_error(admin_api.patch(f"/users/{member.id}", json={"role": "owner"}), 400, "invalid")


def test_patch_user_logged_out_is_refused(api, member, unchanged):
    with unchanged():
        assert_error(api.patch(f"/users/{member.id}", json={"about": "x"}), 401, "not_signed_in")


def test_patch_unknown_user_is_not_found(api_as, admin, unchanged):
    admin_api = api_as(admin)
    with unchanged():
        assert_error(admin_api.patch("/users/4242", json={"role": "staff"}), 404, "not_found")


def test_patch_user_unknown_field_is_refused(api_as, member, unchanged):
    member_api = api_as(member)
    with unchanged():
        error = assert_error(member_api.patch(f"/users/{member.id}", json={"reputation": 5000}), 400)
    assert "reputation" in error["fields"]


def test_patch_about_with_unstorable_characters_is_saved_with_replacements(api_as, member):
    response = api_as(member).patch(f"/users/{member.id}", json={"about": "nul\u0000 and \ud800 here"})
    assert response.status_code == 200
    assert response.get_json()["about"] == "nul\ufffd and \ufffd here"


def test_register_with_body_over_one_megabyte_is_413_json(api):
    response = api.post("/users", data="x" * (1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_register_same_name_by_two_threads_gives_one_user_and_a_400(app, session):
    import threading

    results = []
    barrier = threading.Barrier(2)

    def sign_up(index):
        client = app.test_client()
        barrier.wait()
        results.append(
            client.post(
                "/api/v1/users",
                json={"username": "raced", "email": f"r{index}@example.com", "password": "long enough"},
            ).status_code
        )

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [201, 400]
