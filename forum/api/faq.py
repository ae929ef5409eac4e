"""The FAQ over the API: GET /faq, solved questions ranked by recent demand (services/faq.py)."""

from __future__ import annotations

from flask import jsonify, request

from forum import i18n
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.models import FaqEntry
from forum.pagination import parse_page_args
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
    found = faq.entries(db.session, i18n.language())
    shown = found[(page - 1) * page_size : page * page_size]
    return jsonify(
        {
            "items": [faq_item_json(entry) for entry in shown],
            "page": page,
            "page_size": page_size,
            "total": len(found),
        }
    )
