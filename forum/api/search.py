"""Search over the API: GET /search (the search box's language; each search is logged and
answers its `search_id`), POST /search/{id}/clicks (an opened hit) and GET /search/similar."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from markupsafe import escape

from forum import clock, i18n, search, visitors
from forum.api import inputs
from forum.api.auth import api_user, json_body
from forum.api.blueprint import api_bp
from forum.api.errors import error_response
from forum.api.inputs import SIMILAR_TITLE_MAX
from forum.extensions import db
from forum.pagination import parse_page_args
from forum.representations import user_json
from forum.services import faq, search_log
from forum.services.errors import Invalid


def hit_json(hit: search.SearchHit) -> dict:
    return {
        "kind": hit.kind,
        "id": hit.id,
        "question_id": hit.question_id,
        "title": hit.title,
        "snippet": hit.snippet_text,
        "snippet_html": str(hit.snippet),
        "title_html": str(hit.title_html),
        "score": hit.score,
        "answer_count": hit.answer_count,
        "is_accepted": hit.is_accepted,
        "tags": hit.tags,
        "author": user_json(hit.author),
        "created_at": clock.iso(hit.created_at),
        "url": hit.url,
    }


def _unavailable(error: search.SearchUnavailable):
    response = error_response(
        503,
        "search_unavailable",
        _(
            "Search is not available: the index is %(reason)s. The rest of the API works.",
            reason=error.reason,
        ),
        reason=error.reason,
    )
    response.headers["Retry-After"] = "60"
    return response


@api_bp.get("/search")
def search_posts():
    page, page_size = parse_page_args(request.args)
    text = request.args.get("q", "")
    if len(text) > search.query.MAX_QUERY_LENGTH:
        raise Invalid({"q": _("must be at most %(max)d characters", max=search.query.MAX_QUERY_LENGTH)})
    try:
        found = search.search(
            db.session, text, page=page, page_size=page_size, sort=request.args.get("sort") or "relevance"
        )
    except search.SearchUnavailable as error:
        return _unavailable(error)
    record = search_log.record_search(
        db.session, text, language=i18n.language(), result_count=found.total, visitor=_visitor_key()
    )
    response = jsonify(
        {
            "items": [hit_json(hit) for hit in found.items],
            "page": found.page,
            "page_size": found.page_size,
            "total": found.total,
            "total_estimated": found.total_estimated,
            "sort": found.sort,
            "search_id": record.id if record is not None else None,
        }
    )
    db.session.commit()  # after serialising: committing first would expire the hits' rows
    return visitors.keep_cookie(response)


def _visitor_key(day: date | None = None) -> str:
    """A token's user is the visitor; with the browser session (or nothing) the cookie is."""
    token_user = api_user() if request.headers.get("Authorization") else None
    return visitors.visitor_key(token_user, day)


@api_bp.post("/search/<int:search_id>/clicks")
def record_click(search_id: int):
    """An opened hit of one of the caller's own searches, counted once per search and post."""
    post_id = json_body(inputs.SEARCH_CLICK.fields).get("post_id")
    record = search_log.searched_by(db.session, search_id, _visitor_key)
    search_log.record_click(db.session, record, post_id)
    db.session.commit()
    return jsonify({"search_id": record.id, "opened": search_log.opened_posts(db.session, record)})


# How many similar questions the ask page lists, and how many more are looked at for an FAQ entry.
SIMILAR_SHOWN = 5
SIMILAR_LOOKED_AT = 10


@api_bp.get("/search/similar")
def similar_questions():
    """Questions like a title being typed. One that is in the FAQ (not hidden) and whose title
    closely matches comes first, with `faq` true and the title the FAQ shows; `faq` is false
    on the others. The search backend finds the candidates; the FAQ's order is laid on here."""
    title = request.args.get("title", "")
    if len(title) > SIMILAR_TITLE_MAX:
        raise Invalid({"title": _("must be at most %(max)d characters", max=SIMILAR_TITLE_MAX)})
    try:
        hits = search.similar_questions(db.session, title, limit=SIMILAR_LOOKED_AT)
    except search.SearchUnavailable as error:
        return _unavailable(error)
    shown, entry = faq.faq_first(db.session, title, hits, SIMILAR_SHOWN)
    items = [{**hit_json(hit), "faq": False} for hit in shown]
    if entry is not None:
        items[0]["faq"] = True
        if entry.title != items[0]["title"]:  # retitled by staff: the FAQ's title, unmarked
            items[0].update(title=entry.title, title_html=str(escape(entry.title)))
    return jsonify({"items": items})
