"""Unmet needs over the API: GET /staff/needs (staff), what searches did not find, ranked."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from forum import clock
from forum.api.auth import require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.pagination import list_page, parse_page_args
from forum.services import needs
from forum.services.errors import Invalid
from forum.services.permissions import require


def need_json(need: needs.Need) -> dict:
    question = need.question
    return {
        "terms": need.terms,
        "examples": need.examples,
        "visitors_7d": need.visitors_7d,
        "visitors_30d": need.visitors_30d,
        "languages": need.languages,
        "first_seen": clock.iso(need.first_seen),
        "sources": need.sources,
        "resolved": need.resolved,
        "question": None if question is None else {
            "id": question.id, "title": question.title, "accepted_answer_id": question.accepted_answer_id,
        },
        "ask_url": url_for("questions.ask", title=need.ask_title, need=need.terms),
    }  # fmt: skip


@api_bp.get("/staff/needs")
def staff_needs():
    require(require_user(), "staff")
    status = request.args.get("status") or "open"
    if status not in needs.STATUSES:
        raise Invalid({"status": _("must be one of %(values)s", values=", ".join(needs.STATUSES))})
    page, page_size = parse_page_args(request.args)
    return jsonify(list_page(needs.unmet_needs(db.session, status), page, page_size, need_json))
