"""The search page at /search: results with snippets, sorting, paging and the operators' help.

Each search is logged (services/search_log.py), and its results link through
/search/<id>/open/<post id>, which notes the opened hit and redirects: clicks are
recorded without JavaScript. The rendered results are kept for readers who are not
signed in, with a stand-in for the search id (see `results`)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, make_response, redirect, render_template, request

from forum import i18n, pagecache, search, visitors
from forum.extensions import db
from forum.services import posting, search_log
from forum.services.errors import NotFound
from forum.web.helpers import post_url

bp = Blueprint("search", __name__)

PAGE_SIZE = 20


def _page_number(raw: str | None) -> int:
    """A reader's page number; anything odd is page 1 (a results page never refuses)."""
    return int(raw) if raw and raw.isdecimal() and 0 < int(raw) <= 1000 else 1


# Stands for the reader's search id in a kept results page; each reader's id replaces it.
KEPT_SEARCH_ID = 9_999_999_999_999


@bp.get("/search")
def results():
    """Search, log the search, and show the results.

    For readers who are not signed in, the rendered page is kept (forum/pagecache.py's cache
    and generation, keyed by the query, sort and page) with a stand-in for the search id its
    links carry; each reader's page is that copy with their own logged search's id put in.
    Every search is still logged, and the page is never stale."""
    text = (request.args.get("q") or "")[: search.query.MAX_QUERY_LENGTH]
    sort = request.args.get("sort") if request.args.get("sort") in search.SORTS else "relevance"
    number = _page_number(request.args.get("page"))
    logs = bool(search_log.normalise(text))
    key = None
    if pagecache.shareable() and not pagecache.index_behind():
        key = pagecache.versioned(f"search:{sort}:{number}:{text}")
    kept = pagecache.cache.get(key) if key else None
    if kept is None:
        try:
            found = search.search(db.session, text, page=number, page_size=PAGE_SIZE, sort=sort)
        except search.SearchUnavailable as error:
            page = render_template(
                "search/results.html", q=text, sort=sort, found=None, unavailable=error.reason
            )
            return page, 503
        stand_in = KEPT_SEARCH_ID if logs else None
        html = render_template(
            "search/results.html", q=text, sort=sort, found=found, unavailable=None, search_id=stand_in
        )
        total = found.total
        if key:
            pagecache.cache.set(key, (html, total))
    else:
        html, total = kept
    search_id = _logged_search(text, total)
    if logs and search_id is not None:
        html = html.replace(f"/search/{KEPT_SEARCH_ID}/", f"/search/{search_id}/").replace(
            f"sid={KEPT_SEARCH_ID}", f"sid={search_id}"
        )
    db.session.commit()  # after rendering: committing first would expire the hits' posts and authors
    return visitors.keep_cookie(make_response(html))


def _visitor_key(day: date | None = None) -> str:
    return visitors.visitor_key(None, day)


def _logged_search(text: str, total: int) -> int | None:
    """The search log entry this page's links carry (None for an empty query).

    Sorting and paging links carry it on as `sid`, so the same search read further is one
    entry; otherwise this is a new one. A page with an entry is this visitor's own (its
    links record their clicks), so it is never kept in the page cache for others.
    """
    sid = request.args.get("sid", "")
    if sid.isdecimal():
        try:
            record = search_log.searched_by(db.session, int(sid), _visitor_key)
        except NotFound:
            pass
        else:
            if record.query == search_log.normalise(text):
                pagecache.keep_out()
                return record.id
    logged = search_log.record_search(
        db.session, text, language=i18n.language(), result_count=total, visitor=_visitor_key()
    )
    if logged is None:
        return None
    pagecache.keep_out()
    return logged.id


@bp.get("/search/<int:search_id>/open/<int:post_id>")
def open_hit(search_id: int, post_id: int):
    """A result's link: note that this visitor opened it, then go to the post. A search that is
    not the visitor's (or is gone) still leads to the post, without a note."""
    post = posting.get_post(db.session, post_id)
    try:
        record = search_log.searched_by(db.session, search_id, _visitor_key)
    except NotFound:
        return redirect(post_url(post))
    search_log.record_click(db.session, record, post.id)
    db.session.commit()
    return redirect(post_url(post))
