"""Moderation over the API: flags and the flag queue, delete/undelete, close/reopen,
lock, and the audit log. Each view parses input and calls one service."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import inputs
from forum.api.auth import json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.representations import (
    audit_entry_json,
    flag_json,
    page_json,
    post_json,
    question_json,
    queue_flag_json,
)
from forum.services import audit, flags, listing, moderation
from forum.services.permissions import require
from forum.services.transactions import retrying


def _question_body(question) -> dict:
    return question_json(question, listing.answers_in_order(db.session, question))


@api_bp.post("/posts/<int:post_id>/flags")
def flag_post(post_id: int):
    user = require_user()
    data = json_body(inputs.FLAG.fields)
    flag = retrying(
        db.session,
        lambda: flags.raise_flag(
            db.session, user, post_id, data.get("reason"), data.get("text", ""), data.get("comment_id")
        ),
    )
    return jsonify(flag_json(flag)), 201


@api_bp.get("/flags")
def flag_queue():
    require(require_user(), "moderate")
    page, page_size = parse_page_args(request.args)
    query = flags.queue_query(request.args.get("status", "open"))
    return jsonify(page_json(paginate(db.session, query, page, page_size), queue_flag_json))


@api_bp.post("/flags/<int:flag_id>/resolution")
def resolve_flag(flag_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body(inputs.FLAG_RESOLUTION.fields)
    flag = retrying(
        db.session,
        lambda: flags.resolve_flag(db.session, user, flag_id, data.get("action"), data.get("note", "")),
    )
    return jsonify(queue_flag_json(flag))


@api_bp.delete("/posts/<int:post_id>")
def delete_post(post_id: int):
    user = require_user()
    data = json_body(inputs.DELETE.fields) if request.get_data() else {}
    retrying(
        db.session,
        lambda: moderation.delete_post(db.session, user, post_id, data.get("reason"), data.get("note", "")),
    )
    return "", 204


@api_bp.post("/posts/<int:post_id>/undelete")
def undelete_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body(inputs.NOTE.fields) if request.get_data() else {}
    post = retrying(
        db.session, lambda: moderation.undelete_post(db.session, user, post_id, data.get("note", ""))
    )
    return jsonify(post_json(post))


@api_bp.post("/questions/<int:question_id>/close")
def close_question(question_id: int):
    user = require_user()
    data = json_body(inputs.CLOSE.fields)
    question = retrying(
        db.session,
        lambda: moderation.close_question(
            db.session, user, question_id, data.get("reason"), data.get("duplicate_of"), data.get("note", "")
        ),
    )
    return jsonify(_question_body(question))


@api_bp.post("/questions/<int:question_id>/reopen")
def reopen_question(question_id: int):
    user = require_user()
    data = json_body(inputs.NOTE.fields) if request.get_data() else {}
    question = retrying(
        db.session, lambda: moderation.reopen_question(db.session, user, question_id, data.get("note", ""))
    )
    return jsonify(_question_body(question))


@api_bp.post("/posts/<int:post_id>/lock")
def lock_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body(inputs.NOTE.fields) if request.get_data() else {}
    post = retrying(
        db.session, lambda: moderation.set_locked(db.session, user, post_id, True, data.get("note", ""))
    )
    return jsonify(post_json(post))


@api_bp.delete("/posts/<int:post_id>/lock")
def unlock_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body(inputs.NOTE.fields) if request.get_data() else {}
    retrying(
        db.session, lambda: moderation.set_locked(db.session, user, post_id, False, data.get("note", ""))
    )
    return "", 204


@api_bp.get("/audit")
def audit_log():
    user = require_user()
    if not user.is_moderator:
        require(user, "admin")
    page, page_size = parse_page_args(request.args)
    query = audit.entries_query(
        db.session,
        actor=request.args.get("actor"),
        post_id=request.args.get("post_id"),
        action=request.args.get("action"),
    )
    return jsonify(page_json(paginate(db.session, query, page, page_size), audit_entry_json))
