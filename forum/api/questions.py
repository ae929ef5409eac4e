"""Questions and answers: list, ask, show, edit, answer."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import inputs
from forum.api.auth import json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.ratelimits import editing_limit, posting_limit
from forum.representations import answer_json, page_json, question_json
from forum.services import listing, moderation, posting


@api_bp.get("/questions")
def list_questions():
    page, page_size = parse_page_args(request.args)
    query = listing.questions_query(
        request.args.get("sort", "newest"),
        listing.parse_tagged(request.args.get("tagged")),
        request.args.get("state", "any"),
        request.args.get("source", "any"),
        request.args.get("language", "any"),
    )
    return jsonify(page_json(paginate(db.session, query, page, page_size), question_json))


@api_bp.post("/questions")
@posting_limit
def ask():
    user = require_user()
    data = json_body(inputs.QUESTION.fields)
    question = posting.ask_question(
        db.session, user, data.get("title"), data.get("body"), data.get("tags"), language=data.get("language")
    )
    db.session.commit()
    return jsonify(question_json(question, [])), 201


@api_bp.get("/questions/<int:question_id>")
def show_question(question_id: int):
    question = listing.load_thread(db.session, posting.get_post(db.session, question_id, "question"))
    return jsonify(question_json(question, listing.answers_in_order(db.session, question)))


@api_bp.patch("/questions/<int:question_id>")
@editing_limit
def edit_question(question_id: int):
    user = require_user()
    question = posting.get_post(db.session, question_id, "question")
    data = json_body(inputs.QUESTION_PATCH.fields)
    moderation.edit_post(
        db.session, user, question,
        title=data.get("title"), body=data.get("body"), tags=data.get("tags"),
        summary=data.get("summary", ""),
    )  # fmt: skip
    db.session.commit()
    return jsonify(question_json(question, listing.answers_in_order(db.session, question)))


@api_bp.post("/questions/<int:question_id>/answers")
@posting_limit
def answer(question_id: int):
    user = require_user()
    question = posting.get_post(db.session, question_id, "question")
    data = json_body(inputs.ANSWER.fields)
    new_answer = posting.post_answer(db.session, user, question, data.get("body"), data.get("language"))
    db.session.commit()
    return jsonify(answer_json(new_answer, question)), 201


@api_bp.patch("/answers/<int:answer_id>")
@editing_limit
def edit_answer(answer_id: int):
    user = require_user()
    target = posting.get_post(db.session, answer_id, "answer")
    data = json_body(inputs.ANSWER_PATCH.fields)
    moderation.edit_post(db.session, user, target, body=data.get("body"), summary=data.get("summary", ""))
    db.session.commit()
    return jsonify(answer_json(target))
