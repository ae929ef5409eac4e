"""Search over the API: GET /search (the search box's language) and GET /search/similar."""

from __future__ import annotations

from flask import jsonify, request

from forum import clock, search
from forum.api.blueprint import api_bp
from forum.api.errors import error_response
from forum.api.inputs import SIMILAR_TITLE_MAX
from forum.extensions import db
from forum.pagination import parse_page_args
from forum.representations import user_json
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
        f"Search is not available: the index is {error.reason}. The rest of the API works.",
        reason=error.reason,
    )
    response.headers["Retry-After"] = "60"
    return response


@api_bp.get("/search")
def search_posts():
    page, page_size = parse_page_args(request.args)
    text = request.args.get("q", "")
    if len(text) > search.query.MAX_QUERY_LENGTH:
        raise Invalid({"q": f"must be at most {search.query.MAX_QUERY_LENGTH} characters"})
    try:
        found = search.search(
            db.session, text, page=page, page_size=page_size, sort=request.args.get("sort") or "relevance"
        )
    except search.SearchUnavailable as error:
        return _unavailable(error)
    return jsonify(
        {
            "items": [hit_json(hit) for hit in found.items],
            "page": found.page,
            "page_size": found.page_size,
            "total": found.total,
            "sort": found.sort,
        }
    )


@api_bp.get("/search/similar")
def similar_questions():
    title = request.args.get("title", "")
    if len(title) > SIMILAR_TITLE_MAX:
        raise Invalid({"title": f"must be at most {SIMILAR_TITLE_MAX} characters"})
    try:
        hits = search.similar_questions(db.session, title, limit=5)
    except search.SearchUnavailable as error:
        return _unavailable(error)
    return jsonify({"items": [hit_json(hit) for hit in hits]})
