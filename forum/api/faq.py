"""The FAQ over the API: GET /faq, solved questions ranked by recent demand (services/faq.py),
and POST /posts/{id}/helped, "did this solve your problem?" (services/helped.py)."""

from __future__ import annotations

from flask import jsonify, request

from forum import i18n, visitors
from forum.api import inputs
from forum.api.auth import api_user, json_body
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.models import FaqEntry
from forum.pagination import list_page, parse_page_args
from forum.ratelimits import helped_limit
from forum.services import faq, helped


def faq_item_json(entry: FaqEntry) -> dict:
    question = entry.question
    return {
        "question_id": question.id,
        "answer_id": entry.answer_id,
        "title": question.title,
        "demand": entry.demand,
        "language": question.language,
        "tags": question.tag_names,
        "url": f"/questions/{question.id}#answer-{entry.answer_id}",
    }


@api_bp.get("/faq")
def faq_list():
    page, page_size = parse_page_args(request.args)
    return jsonify(list_page(faq.entries(db.session, i18n.language()), page, page_size, faq_item_json))


@api_bp.post("/posts/<int:post_id>/helped")
@helped_limit
def helped_vote(post_id: int):
    """Anyone may answer, with a token, the browser session, or neither (the visitor cookie);
    a second answer from the same voter changes nothing (`counted` false)."""
    data = json_body(inputs.HELPED.fields)
    voter = visitors.answer_voter_key(post_id, api_user())
    answer, counted = helped.vote(db.session, post_id, data.get("helped"), voter)
    db.session.commit()
    body = {
        "helped_count": answer.helped_count,
        "not_helped_count": answer.not_helped_count,
        "counted": counted,
    }
    return visitors.keep_cookie(jsonify(body))
