"""The search page at /search: results with snippets, sorting, paging and the operators' help."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from forum import search
from forum.extensions import db

bp = Blueprint("search", __name__)

PAGE_SIZE = 20


def _page_number(raw: str | None) -> int:
    """A reader's page number; anything odd is page 1 (a results page never refuses)."""
    return int(raw) if raw and raw.isdecimal() and 0 < int(raw) <= 1000 else 1


@bp.get("/search")
def results():
    text = (request.args.get("q") or "")[: search.query.MAX_QUERY_LENGTH]
    sort = request.args.get("sort") if request.args.get("sort") in search.SORTS else "relevance"
    try:
        found = search.search(
            db.session, text, page=_page_number(request.args.get("page")), page_size=PAGE_SIZE, sort=sort
        )
    except search.SearchUnavailable as error:
        page = render_template("search/results.html", q=text, sort=sort, found=None, unavailable=error.reason)
        return page, 503
    return render_template("search/results.html", q=text, sort=sort, found=found, unavailable=None)
