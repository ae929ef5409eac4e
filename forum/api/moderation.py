"""Moderation over the API: flags and the flag queue, delete/undelete, close/reopen,
lock, and the audit log. Each view parses input and calls one service."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import api_bp
from forum.api.auth import json_body, require_user
from forum.api.serializers import page_json, post_json, question_json, user_json
from forum.clock import iso
from forum.extensions import db
from forum.models import AuditEntry, Flag
from forum.pagination import paginate, parse_page_args
from forum.services import audit, flags, listing, moderation
from forum.services.permissions import require
from forum.services.transactions import retrying


def flag_json(flag: Flag) -> dict:
    resolved = flag.status != "open"
    return {
        "id": flag.id,
        "post_id": flag.post_id,
        "comment_id": flag.comment_id,
        "reason": flag.reason,
        "text": flag.text,
        "status": flag.status,
        "created_at": iso(flag.created_at),
        "resolution": {
            "by": user_json(flag.resolved_by),
            "at": iso(flag.resolved_at),
            "note": flag.resolution_note,
        } if resolved else None,
    }


def _queue_flag_json(flag: Flag) -> dict:
    """A flag as moderators see it in the queue: who raised it, and a glimpse of the post."""
    post = flag.post
    return {
        **flag_json(flag),
        "flagged_by": user_json(flag.user),
        "weight": flags.FLAG_WEIGHTS.get(flag.reason, 1),
        "post": {
            "id": post.id,
            "kind": post.kind,
            "question_id": post.thread.id if post.thread else None,
            "title": post.thread.title if post.thread else None,
            "author": user_json(post.author),
            "deleted": post.is_deleted,
        },
    }


def audit_entry_json(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "actor": user_json(entry.actor),
        "action": entry.action,
        "post_id": entry.post_id,
        "subject_user": user_json(entry.subject_user),
        "reason": entry.reason,
        "before": entry.before,
        "after": entry.after,
        "created_at": iso(entry.created_at),
    }


def _question_body(question) -> dict:
    return question_json(question, listing.answers_in_order(db.session, question))


@api_bp.post("/posts/<int:post_id>/flags")
def flag_post(post_id: int):
    user = require_user()
    data = json_body({"reason", "text", "comment_id"})
    flag = retrying(db.session, lambda: flags.raise_flag(
        db.session, user, post_id, data.get("reason"), data.get("text", ""), data.get("comment_id")))
    return jsonify(flag_json(flag)), 201


@api_bp.get("/flags")
def flag_queue():
    require(require_user(), "moderate")
    page, page_size = parse_page_args(request.args)
    query = flags.queue_query(request.args.get("status", "open"))
    return jsonify(page_json(paginate(db.session, query, page, page_size), _queue_flag_json))


@api_bp.post("/flags/<int:flag_id>/resolution")
def resolve_flag(flag_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body({"action", "note"})
    flag = retrying(db.session, lambda: flags.resolve_flag(
        db.session, user, flag_id, data.get("action"), data.get("note", "")))
    return jsonify(_queue_flag_json(flag))


@api_bp.delete("/posts/<int:post_id>")
def delete_post(post_id: int):
    user = require_user()
    data = json_body({"reason", "note"}) if request.get_data() else {}
    retrying(db.session, lambda: moderation.delete_post(
        db.session, user, post_id, data.get("reason"), data.get("note", "")))
    return "", 204


@api_bp.post("/posts/<int:post_id>/undelete")
def undelete_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body({"note"}) if request.get_data() else {}
    post = retrying(db.session, lambda: moderation.undelete_post(db.session, user, post_id,
                                                                 data.get("note", "")))
    return jsonify(post_json(post))


@api_bp.post("/questions/<int:question_id>/close")
def close_question(question_id: int):
    user = require_user()
    data = json_body({"reason", "duplicate_of", "note"})
    question = retrying(db.session, lambda: moderation.close_question(
        db.session, user, question_id, data.get("reason"), data.get("duplicate_of"), data.get("note", "")))
    return jsonify(_question_body(question))


@api_bp.post("/questions/<int:question_id>/reopen")
def reopen_question(question_id: int):
    user = require_user()
    data = json_body({"note"}) if request.get_data() else {}
    question = retrying(db.session, lambda: moderation.reopen_question(
        db.session, user, question_id, data.get("note", "")))
    return jsonify(_question_body(question))


@api_bp.post("/posts/<int:post_id>/lock")
def lock_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body({"note"}) if request.get_data() else {}
    post = retrying(db.session, lambda: moderation.set_locked(db.session, user, post_id, True,
                                                              data.get("note", "")))
    return jsonify(post_json(post))


@api_bp.delete("/posts/<int:post_id>/lock")
def unlock_post(post_id: int):
    user = require_user()
    require(user, "moderate")
    data = json_body({"note"}) if request.get_data() else {}
    retrying(db.session, lambda: moderation.set_locked(db.session, user, post_id, False,
                                                       data.get("note", "")))
    return "", 204


@api_bp.get("/audit")
def audit_log():
    user = require_user()
    if not user.is_moderator:
        require(user, "admin")
    page, page_size = parse_page_args(request.args)
    query = audit.entries_query(db.session, actor=request.args.get("actor"),
                                post_id=request.args.get("post_id"), action=request.args.get("action"))
    return jsonify(page_json(paginate(db.session, query, page, page_size), audit_entry_json))
