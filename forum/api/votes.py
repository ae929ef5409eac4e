"""Votes, accepted answers and the reputation ledger."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import inputs
from forum.api.auth import api_user, json_body, require_user
from forum.api.blueprint import api_bp
from forum.api.users import get_user
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.representations import ledger_entry_json, page_json, question_json
from forum.services import listing, moderation, reputation, voting
from forum.services.transactions import retrying


@api_bp.post("/posts/<int:post_id>/votes")
def vote(post_id: int):
    user = require_user()
    data = json_body(inputs.VOTE.fields)
    result = retrying(db.session, lambda: voting.cast_vote(db.session, user, post_id, data.get("value")))
    return jsonify({"score": result.score, "my_vote": result.my_vote})


@api_bp.delete("/posts/<int:post_id>/votes")
def undo_vote(post_id: int):
    user = require_user()
    retrying(db.session, lambda: voting.undo_vote(db.session, user, post_id))
    return "", 204


@api_bp.put("/questions/<int:question_id>/accepted-answer")
def accept(question_id: int):
    user = require_user()
    answer_id = json_body(inputs.ACCEPT.fields).get("answer_id")
    question = retrying(db.session, lambda: moderation.accept_as(db.session, user, question_id, answer_id))
    return jsonify(question_json(question, listing.answers_in_order(db.session, question)))


@api_bp.delete("/questions/<int:question_id>/accepted-answer")
def unaccept(question_id: int):
    user = require_user()
    retrying(db.session, lambda: moderation.unaccept_as(db.session, user, question_id))
    return "", 204


@api_bp.get("/users/<int:user_id>/reputation")
def reputation_ledger(user_id: int):
    user = get_user(user_id)
    page, page_size = parse_page_args(request.args)
    # The rows of votes the user cast are the user's own: others get the ledger without them.
    query = reputation.visible_ledger(user, api_user())
    body = page_json(paginate(db.session, query, page, page_size), ledger_entry_json)
    body["reputation"] = user.reputation
    return jsonify(body)
