"""The FAQ over the API: GET /faq, solved questions ranked by recent demand (services/faq.py)."""

from __future__ import annotations

from flask import jsonify, request

from forum import i18n
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.models import FaqEntry
from forum.pagination import list_page, parse_page_args
from forum.services import faq


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
