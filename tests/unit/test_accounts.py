"""Accounts: registration rules, authentication, API tokens and roles."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.models import ApiToken, User
from forum.services import accounts
from forum.services.errors import Forbidden, Invalid, NotFound


def register(session, username="carol", email="carol@example.com", password="long enough", role="member"):
    user = accounts.register_user(session, username, email, password, role)
    session.commit()
    return user


def refused_fields(session, **kw) -> dict[str, str]:
    args = {"username": "carol", "email": "carol@example.com", "password": "long enough", **kw}
    with pytest.raises(Invalid) as caught:
        accounts.register_user(session, args["username"], args["email"], args["password"])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0
    return caught.value.fields


@pytest.mark.parametrize("name", ["abc", "a" * 30, "Jo_B", "first.last", "x-y-z", "User123"])
def test_register_username_within_rules_is_accepted(session, name):
    assert register(session, username=name).username == name


@pytest.mark.parametrize(
    "name", ["ab", "a" * 31, "", "   ", "has space", "émile", "a/b", "<b>x</b>", "nul\x00l"]
)
def test_register_username_breaking_rules_is_refused(session, name):
    assert "username" in refused_fields(session, username=name)


@pytest.mark.parametrize("name", [None, 42, ["carol"], {"n": 1}])
def test_register_username_not_a_string_is_refused(session, name):
    assert "username" in refused_fields(session, username=name)


def test_register_username_taken_in_other_case_is_refused(session):
    register(session, username="Carol")
    with pytest.raises(Invalid) as caught:
        accounts.register_user(session, "cAROL", "other@example.com", "long enough")
    assert caught.value.fields == {"username": "is already taken"}


@pytest.mark.parametrize("email", ["plain", "a@", "@example.com", "a b@example.com", "a@@example.com", "", 5])
def test_register_bad_email_syntax_is_refused(session, email):
    assert "email" in refused_fields(session, email=email)


def test_register_email_on_unresolvable_domain_is_accepted_without_dns(session):
    assert register(session, email="someone@no-such-domain.example").email == "someone@no-such-domain.example"


def test_register_password_of_seven_is_refused_and_eight_accepted(session):
    assert "password" in refused_fields(session, password="1234567")
    assert register(session, password="12345678").password_hash.startswith("scrypt")


def test_register_unknown_role_is_refused(session):
    with pytest.raises(Invalid) as caught:
        accounts.register_user(session, "carol", "carol@example.com", "long enough", "owner")
    assert "role" in caught.value.fields


def test_register_never_keeps_the_plain_password(session):
    user = register(session, password="correct horse battery")
    assert "correct horse battery" not in (user.password_hash or "")


def test_authenticate_ignores_username_case(session):
    user = register(session, username="Carol", password="long enough")
    assert accounts.authenticate(session, "carol", "long enough") is user


@pytest.mark.parametrize(("username", "password"), [("carol", "wrong pass"), ("nobody", "long enough")])
def test_authenticate_wrong_credentials_give_one_vague_message(session, username, password):
    register(session)
    with pytest.raises(Invalid) as caught:
        accounts.authenticate(session, username, password)
    assert caught.value.message == "Wrong username or password."


@pytest.mark.parametrize(
    ("username", "password"), [(None, "x"), ("carol", None), (1, 2), ("", "long enough")]
)
def test_authenticate_missing_or_wrong_type_is_invalid(session, username, password):
    with pytest.raises(Invalid):
        accounts.authenticate(session, username, password)


def test_authenticate_with_unstorable_characters_is_refused_cleanly(session):
    register(session)
    with pytest.raises(Invalid):
        accounts.authenticate(session, "car\x00ol", "long\ud800enough")


def test_token_is_stored_only_as_a_hash(session, member):
    token, plain = accounts.create_token(session, member, "laptop")
    session.commit()
    assert plain.startswith("fm_") and plain not in token.token_hash
    assert accounts.user_for_token(session, plain) is member


def test_revoked_token_no_longer_identifies_its_user(session, member):
    token, plain = accounts.create_token(session, member)
    accounts.revoke_token(session, member, token.id)
    session.commit()
    assert accounts.user_for_token(session, plain) is None


def test_revoke_someone_elses_token_is_not_found(session, member, other_member):
    token, plain = accounts.create_token(session, member)
    session.commit()
    with pytest.raises(NotFound):
        accounts.revoke_token(session, other_member, token.id)
    assert accounts.user_for_token(session, plain) is member


@pytest.mark.parametrize("token_id", [0, 10**30, "1"])
def test_revoke_impossible_token_id_is_not_found(session, member, token_id):
    with pytest.raises(NotFound):
        accounts.revoke_token(session, member, token_id)


def test_unknown_token_identifies_nobody(session, member):
    accounts.create_token(session, member)
    assert accounts.user_for_token(session, "fm_not-a-token") is None
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_change_role_by_admin_is_applied(session, admin, member):
    accounts.change_role(session, admin, member, "staff")
    assert member.role == "staff" and member.is_staff


@pytest.mark.parametrize("actor", ["moderator", "staff", "member"])
def test_change_role_by_non_admin_is_refused(session, request, member, actor):
    acting = request.getfixturevalue(actor) if actor != "member" else member
    with pytest.raises(Forbidden):
        accounts.change_role(session, acting, member, "admin")
    assert member.role == "member"


@pytest.mark.parametrize("role", ["owner", None, 3, ["admin"]])
def test_change_role_to_unknown_role_is_refused(session, admin, member, role):
    with pytest.raises(Invalid):
        accounts.change_role(session, admin, member, role)
    assert member.role == "member"
