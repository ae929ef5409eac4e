"""The staff desk over the API: the queue, claims and "verified by staff"."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import inputs
from forum.api.auth import json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.representations import answer_json, claim_json, queue_item_json
from forum.services import staff
from forum.services.permissions import require
from forum.services.transactions import retrying


@api_bp.get("/staff/queue")
def staff_queue():
    require(require_user(), "staff")
    page_number, page_size = parse_page_args(request.args)
    page = paginate(db.session, staff.queue_query(), page_number, page_size)
    items = staff.queue_items(db.session, page.items)
    return jsonify({
        "items": [queue_item_json(item) for item in items],
        "page": page.page, "page_size": page.page_size, "total": page.total,
    })  # fmt: skip


@api_bp.put("/questions/<int:question_id>/claim")
def claim(question_id: int):
    user = require_user()
    require(user, "staff")
    claimed = retrying(db.session, lambda: staff.claim_question(db.session, user, question_id))
    return jsonify({"question_id": question_id, "claim": claim_json(claimed)})


@api_bp.delete("/questions/<int:question_id>/claim")
def release(question_id: int):
    user = require_user()
    require(user, "staff")
    retrying(db.session, lambda: staff.release_claim(db.session, user, question_id))
    return "", 204


@api_bp.put("/answers/<int:answer_id>/verification")
def verify(answer_id: int):
    user = require_user()
    require(user, "staff")
    if request.get_data():
        json_body(inputs.VERIFICATION.fields)
    verification = retrying(db.session, lambda: staff.verify_answer(db.session, user, answer_id))
    return jsonify(answer_json(verification.answer))


@api_bp.delete("/answers/<int:answer_id>/verification")
def unverify(answer_id: int):
    user = require_user()
    require(user, "staff")
    retrying(db.session, lambda: staff.unverify_answer(db.session, user, answer_id))
    return "", 204
