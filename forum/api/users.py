"""Users and tokens: register, issue and revoke tokens, profiles, roles."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import ratelimits
from forum.api import inputs
from forum.api.auth import json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.models import Post, User
from forum.ratelimits import signup_limit, token_limit
from forum.representations import user_json
from forum.services import accounts, moderation
from forum.services.errors import Forbidden, Invalid, NotFound
from forum.services.transactions import retrying
from forum.services.validation import ABOUT_MAX, is_valid_id, storable


def _created(payload: dict) -> tuple[Response, int]:
    return jsonify(payload), 201


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if is_valid_id(user_id) else None
    if user is None:
        raise NotFound(_("There is no user %(id)s.", id=user_id))
    return user


def profile_json(user: User) -> dict:
    counts = dict(
        db.session.execute(
            select(Post.kind, func.count())
            .where(Post.author_id == user.id, Post.visible())
            .group_by(Post.kind)
        )
        .tuples()
        .all()
    )
    return {
        **user_json(user),
        "about": user.about,
        "language": user.language,
        "badges": [],
        "question_count": counts.get("question", 0),
        "answer_count": counts.get("answer", 0),
    }


@api_bp.post("/users")
@signup_limit
def register():
    data = json_body(inputs.REGISTRATION.fields)
    # Two sign-ups racing for one name meet the unique index; the retry then says "taken".
    user = retrying(
        db.session,
        lambda: accounts.register_user(
            db.session, data.get("username"), data.get("email"), data.get("password")
        ),
    )
    return _created(profile_json(user))


@api_bp.get("/users/<int:user_id>")
def show_user(user_id: int):
    return jsonify(profile_json(get_user(user_id)))


@api_bp.patch("/users/<int:user_id>")
def update_user(user_id: int):
    actor = require_user()
    user = get_user(user_id)
    data = json_body(inputs.USER_PATCH.fields)
    if "role" in data:
        moderation.change_role(db.session, actor, user, data["role"])
    if "about" in data:
        if actor.id != user.id:
            raise Forbidden(_("You may change only your own profile."))
        about = data["about"]
        if not isinstance(about, str) or len(about) > ABOUT_MAX:
            raise Invalid({"about": _("must be a string of at most %(max)d characters", max=ABOUT_MAX)})
        user.about = storable(about).strip()
    if "language" in data:
        accounts.set_language(actor, user, data["language"])
    db.session.commit()
    return jsonify(profile_json(user))


@api_bp.post("/tokens")
@token_limit
def create_token():
    data = json_body(inputs.CREDENTIALS.fields)
    user = ratelimits.authenticate(db.session, data.get("username"), data.get("password"), set())
    name = data.get("name", "")
    if not isinstance(name, str):
        raise Invalid({"name": _("must be a string")})
    token, plain = accounts.create_token(db.session, user, name)
    db.session.commit()
    return _created({"id": token.id, "token": plain, "user": user_json(user)})


@api_bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    user = require_user()
    accounts.revoke_token(db.session, user, token_id)
    db.session.commit()
    return "", 204
