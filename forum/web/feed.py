"""The live feed page and the HTML fragments live pages insert.

A fragment is the same partial template the full page uses (a question row,
an answer, a comment), rendered for the viewer, so what slides in reads
exactly like what a reload would show. Deleted things are 404 here as
everywhere.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from forum.extensions import db
from forum.live import catchup
from forum.models import Comment
from forum.services import listing, posting
from forum.web import fragments

bp = Blueprint("feed", __name__)
FEED_QUESTIONS = 20


def note_last_event() -> None:
    """Before every page: read the last event id before the page reads its data, so a page
    catching up from it can repeat an event it already shows, never miss one."""
    if request.method == "GET" and not request.path.startswith(("/api/", "/static/", "/fragments/")):
        g.live_after_id = catchup.last_event_id(db.session)


def live_globals() -> dict:
    """`live_last_event_id()`, where a page's live script starts catching up."""
    return {"live_last_event_id": _live_after_id}


def _live_after_id() -> int:
    if "live_after_id" in g:
        return g.live_after_id
    try:
        return catchup.last_event_id(db.session)
    except SQLAlchemyError:  # an error page while the database is away: catch up from the start
        return 0


@bp.get("/feed")
def index():
    query = listing.questions_query("newest").limit(FEED_QUESTIONS)
    questions = db.session.scalars(query).all()
    return render_template("feed/index.html", questions=questions)


@bp.get("/fragments/feed/<int:question_id>")
def feed_item(question_id: int):
    question = posting.get_post(db.session, question_id, "question")
    return render_template("feed/_item.html", question=question)


@bp.get("/fragments/questions/<int:question_id>")
def question_row(question_id: int):
    question = posting.get_post(db.session, question_id, "question")
    return render_template("questions/_question_row.html", question=question)


@bp.get("/fragments/answers/<int:answer_id>")
def answer(answer_id: int):
    answer = posting.get_post(db.session, answer_id, "answer")
    question = answer.question
    if question is None or question.is_deleted:
        abort(404)
    return fragments.post_html(answer, question)


@bp.get("/fragments/comments/<int:comment_id>")
def comment(comment_id: int):
    comment = db.session.get(Comment, comment_id, options=[selectinload(Comment.author)])
    if comment is None or comment.deleted_at is not None or comment.post.is_deleted:
        abort(404)
    if comment.post.thread is None or comment.post.thread.is_deleted:
        abort(404)
    return render_template("questions/_comment.html", comment=comment)
