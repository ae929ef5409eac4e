"""Accounts: registration, password checks, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from forum import clock
from forum.i18n import LANGUAGES
from forum.models import ApiToken, User
from forum.models.user import ROLES
from forum.services.errors import Forbidden, Invalid, NotFound
from forum.services.validation import (
    check,
    clean_email,
    clean_password,
    clean_username,
    is_valid_id,
    storable,
)

# A hash to compare against when the user does not exist, so that a wrong
# username takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def _hash_method() -> str:
    # Tests may set a cheaper scrypt cost (e.g. "scrypt:1024:8:1"); the default is werkzeug's.
    return current_app.config["PASSWORD_HASH_METHOD"]


def find_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def register_user(
    session: Session, username: object, email: object, password: object, role: str = "member"
) -> User:
    errors: dict[str, str] = {}
    name = clean_username(username, errors)
    address = clean_email(email, errors)
    secret = clean_password(password, errors)
    if role not in ROLES:
        errors["role"] = _("must be one of %(values)s", values=ROLES.one_of())
    if "username" not in errors and find_user_by_name(session, name) is not None:
        errors["username"] = _("is already taken")
    check(errors)
    user = User(
        username=name,
        email=address,
        password_hash=generate_password_hash(secret, method=_hash_method()),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def user_for_session(session: Session, session_id: str) -> User | None:
    """The user a session or remember-me cookie names, if it was issued since their last log-out.

    The id is "<user id>:<session version>" (User.get_id); an older version,
    or the bare id of cookies from before versions existed, opens nothing.
    """
    user_id, _colon, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = session.get(User, int(user_id)) if is_valid_id(int(user_id)) else None
    if user is None or str(user.session_version) != version:
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every session and remember-me cookie of `user`, on every device (a log-out)."""
    session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    session.refresh(user)


def authenticate(session: Session, username: object, password: object) -> User:
    """The user with these credentials; Invalid with one vague message otherwise."""
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        raise Invalid({"username": _("and password are required")}, _("Username and password are required."))
    username, password = storable(username), storable(password)
    user = find_user_by_name(session, username.strip())
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, password) or user is None or not user.password_hash:
        raise Invalid({"password": _("wrong username or password")}, _("Wrong username or password."))
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the plain value is returned once and only its hash is kept."""
    plain = "fm_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_hash=_token_digest(plain), name=storable(name)[:80])
    session.add(token)
    session.flush()
    return token, plain


LAST_USED_PRECISION = timedelta(minutes=1)


def user_for_token(session: Session, plain: str) -> User | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(plain)))
    if token is None or token.revoked_at is not None:
        return None
    now = clock.now()
    # A minute's precision is all the account page shows; it spares a write on every API read.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
    return token.user


def revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id) if is_valid_id(token_id) else None
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()


def change_role(session: Session, actor: User, user: User, role: object) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only admins may change roles."))
    term = ROLES.get(role)
    if term is None:
        raise Invalid({"role": _("must be one of %(values)s", values=ROLES.one_of())})
    user.role = term.value


def set_language(actor: User, user: User, code: object) -> None:
    """Save the interface language `user` chose (None: follow the browser); only their own."""
    if actor.id != user.id:
        raise Forbidden(_("You may change only your own language."))
    if code is not None and code not in LANGUAGES:
        raise Invalid(
            {"language": _("must be one of %(values)s, or null", values=", ".join(LANGUAGES.values))}
        )
    user.language = code  # type: ignore[assignment]
