"""The search log: recording searches and the hits opened from them, and forgetting old ones.

Every search with words in it, from the search page or the API, is one
SearchLog row (forum/models/faq.py); its `terms` are the analysed words
(forum/search/analysis.py: folded and stemmed, common words left out,
sorted), which is what groups searches into needs (services/needs.py).
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, SearchClick, SearchLog
from forum.models.faq import QUERY_MAX, TERMS_MAX
from forum.search.analysis import terms as analysed_terms
from forum.search.query import COMMON_WORDS, parse
from forum.services.errors import Invalid, NotFound
from forum.services.validation import is_valid_id, storable


def normalise(text: str) -> str:
    """The query as it is kept: case-folded, spaces collapsed, cut to the column."""
    return storable(" ".join(text.casefold().split())[:QUERY_MAX])


def need_terms(text: str) -> str:
    """The words a search is grouped by: the analysed free words and phrases, without the
    common ones, each once, sorted ("Reset my router's password" and "password reset router"
    are one need). Operators ([tag], user:, is:...) do not take part."""
    parsed = parse(text)
    found: set[str] = set()
    for words in (*parsed.words, *parsed.phrases):
        found.update(term for term in analysed_terms(words) if term not in COMMON_WORDS)
    joined = storable(" ".join(sorted(found)))
    return joined[:TERMS_MAX].rsplit(" ", 1)[0] if len(joined) > TERMS_MAX else joined


def record_search(
    session: Session, text: str, *, language: str, result_count: int, visitor: str
) -> SearchLog | None:
    """Log one search; None (nothing kept) when the query holds nothing to search for."""
    query = normalise(text)
    if not query:
        return None
    record = SearchLog(
        query=query, terms=need_terms(text), language=language, result_count=result_count, visitor=visitor
    )
    session.add(record)
    session.flush()
    return record


def searched_by(session: Session, search_id: object, visitor_of) -> SearchLog:
    """The search `search_id` if this visitor made it, else NotFound (another's search is not
    theirs to click in). `visitor_of(day)` gives the caller's key with that day's salt."""
    record = session.get(SearchLog, search_id) if is_valid_id(search_id) else None
    if record is None or record.visitor != visitor_of(record.created_at.date()):
        raise NotFound(_("There is no search %(id)s of yours.", id=search_id))
    return record


def record_click(session: Session, record: SearchLog, post_id: object) -> bool:
    """Note that the hit `post_id` of `record` was opened; False when it already was."""
    if not is_valid_id(post_id):
        raise Invalid({"post_id": _("must be a post id (a whole number)")})
    post = session.get(Post, post_id)
    if post is None or post.is_deleted:
        raise NotFound(_("There is no post %(id)s.", id=post_id))
    already = select(SearchClick.id).where(SearchClick.search_id == record.id, SearchClick.post_id == post_id)
    if session.scalar(already) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SearchClick(search_id=record.id, post_id=post_id))
    except IntegrityError:  # the same click, a moment earlier, from another request
        return False
    return True


def opened_posts(session: Session, record: SearchLog) -> list[int]:
    return list(
        session.scalars(
            select(SearchClick.post_id).where(SearchClick.search_id == record.id).order_by(SearchClick.id)
        )
    )


def prune(session: Session, days: int) -> int:
    """Forget the searches (and their clicks) older than `days`; how many searches went."""
    cutoff = clock.now() - timedelta(days=days)
    old = select(SearchLog.id).where(SearchLog.created_at < cutoff)
    session.execute(delete(SearchClick).where(SearchClick.search_id.in_(old)))
    gone = session.execute(delete(SearchLog).where(SearchLog.created_at < cutoff))
    return int(getattr(gone, "rowcount", 0) or 0)
