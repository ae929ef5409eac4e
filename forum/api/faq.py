"""The FAQ over the API: GET /faq, solved questions ranked by recent demand (services/faq.py),
PATCH /staff/faq/{question_id}, staff's pin, hide and title for an entry, and
POST /posts/{id}/helped, "did this solve your problem?" (services/helped.py)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from forum import clock, i18n, visitors
from forum.api import inputs
from forum.api.auth import api_user, json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.models import FaqEntry
from forum.pagination import list_page, parse_page_args
from forum.ratelimits import helped_limit
from forum.services import faq, helped
from forum.services.errors import Invalid
from forum.services.permissions import can, require
from forum.services.transactions import retrying


def faq_item_json(entry: FaqEntry) -> dict:
    """An entry as readers get it: `title` is the one the FAQ shows (staff's, if retitled)."""
    question = entry.question
    return {
        "question_id": question.id,
        "answer_id": entry.answer_id,
        "title": entry.title,
        "demand": entry.demand,
        "language": question.language,
        "tags": question.tag_names,
        "pinned": entry.pinned,
        "hidden": entry.hidden,
        "url": f"/questions/{question.id}#answer-{entry.answer_id}",
    }


def faq_staff_json(entry: FaqEntry) -> dict:
    """An entry as staff curate it: also the question's own title and staff's choices."""
    curation = entry.curation
    return {
        **faq_item_json(entry),
        "question_title": entry.question.title,
        "curation": None if curation is None else {
            "pinned": curation.pinned,
            "hidden": curation.hidden,
            "title": curation.title,
            "updated_by": curation.updated_by_id,
            "updated_at": clock.iso(curation.updated_at),
        },
    }  # fmt: skip


@api_bp.get("/faq")
def faq_list():
    """Readers get the entries they see; staff get hidden ones too (`hidden` true), to show again."""
    page, page_size = parse_page_args(request.args)
    staff = can(api_user(), "staff")
    found = faq.entries(db.session, i18n.language(), with_hidden=staff)
    return jsonify(list_page(found, page, page_size, faq_staff_json if staff else faq_item_json))


@api_bp.patch("/staff/faq/<int:question_id>")
def curate_entry(question_id: int):
    """Staff pin, hide or retitle a question in the FAQ: any of `pinned`, `hidden`, `title`
    (null or "" restores the question's own title); each change is audited."""
    user = require_user()
    require(user, "staff")
    data = json_body(inputs.FAQ_CURATION.fields)
    if not data:
        raise Invalid({"body": _("name at least one of pinned, hidden and title")})
    changes = {name: data[name] for name in ("pinned", "hidden", "title") if name in data}
    entry = retrying(db.session, lambda: faq.curate(db.session, user, question_id, **changes))
    return jsonify(faq_staff_json(entry))


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
