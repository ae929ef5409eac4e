"""Pages and forms for votes, accepted answers, privileges and reputation.

The rules are in services (voting, acceptance, reputation, permissions);
this module only turns form posts into service calls and answers with a
redirect, or with JSON when the page's script asked for it.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.api.errors import domain_error_response
from forum.extensions import db
from forum.models import Post, User
from forum.services import moderation, reputation, voting
from forum.services.errors import DomainError, Invalid
from forum.services.permissions import PRIVILEGE_LABELS, has_privilege, thresholds
from forum.services.transactions import retrying
from forum.web.charts import line_chart_svg
from forum.web.helpers import post_url, request_memo, viewer_refusal

bp = Blueprint("reputation", __name__)

# Ledger lines (a post's rows of one day each) on a profile.
LEDGER_GROUPS_SHOWN = 50


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _back(post: Post | None):
    return redirect(post_url(post) if post is not None else "/")


def _refused(error: DomainError, post: Post | None):
    if _wants_json():
        return domain_error_response(error)
    flash(error.message, "error")
    return _back(post)


@bp.post("/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int):
    post = db.session.get(Post, post_id)
    raw = request.form.get("value", "")
    try:
        if raw == "0":
            result = retrying(db.session, lambda: voting.undo_vote(db.session, current_user, post_id))
        elif raw in ("1", "-1"):
            result = retrying(
                db.session, lambda: voting.cast_vote(db.session, current_user, post_id, int(raw))
            )
        else:
            raise Invalid({"value": _("must be 1 (up), -1 (down) or 0 (undo)")})
    except DomainError as error:
        return _refused(error, post)
    if _wants_json():
        return jsonify({"score": result.score, "my_vote": result.my_vote})
    return _back(post)


@bp.post("/questions/<int:question_id>/accept")
@login_required
def accept(question_id: int):
    question = db.session.get(Post, question_id)
    raw = request.form.get("answer_id", "")
    try:
        if raw == "":
            retrying(db.session, lambda: moderation.unaccept_as(db.session, current_user, question_id))
            flash(_("The answer is no longer marked as accepted."), "success")
        elif raw.isdecimal():
            answer_id = int(raw)
            retrying(
                db.session, lambda: moderation.accept_as(db.session, current_user, question_id, answer_id)
            )
            flash(_("Answer accepted."), "success")
        else:
            raise Invalid({"answer_id": _("must be the id of an answer")})
    except DomainError as error:
        return _refused(error, question)
    return _back(question)


@bp.get("/help/privileges")
def privileges():
    rows = []
    for name, needed in sorted(thresholds().items(), key=lambda item: item[1]):
        rows.append(
            {
                "name": name,
                "label": PRIVILEGE_LABELS[name],
                "needed": needed,
                "have": has_privilege(current_user, name) if current_user.is_authenticated else None,
            }
        )
    return render_template("help/privileges.html", rows=rows)


def load_my_votes(question: Post, answers: list[Post]) -> None:
    """Read the viewer's votes on a thread page's posts in one query, before it is rendered."""
    if current_user.is_authenticated:
        ids = [question.id, *(answer.id for answer in answers)]
        request_memo().setdefault("viewer_votes", {})[question.id] = voting.my_votes(
            db.session, current_user, ids
        )


def _viewer_votes(post: Post) -> dict[int, int]:
    """The viewer's votes on the whole thread of `post`, loaded once per request."""
    cache = request_memo().setdefault("viewer_votes", {})
    thread = post.thread
    if thread.id not in cache:
        ids = [thread.id] + [a.id for a in thread.answers]
        cache[thread.id] = voting.my_votes(db.session, current_user, ids)
    return cache[thread.id]


def my_vote(post: Post) -> int:
    """The viewer's vote on `post`: 1, -1, or 0 for none (or nobody signed in)."""
    if not current_user.is_authenticated:
        return 0
    return _viewer_votes(post).get(post.id, 0)


def vote_controls(post: Post) -> dict:
    """What the vote buttons of `post` show the viewer: pressed state, and each button's refusal
    as the voting service would give it (a pressed button undoes the vote)."""
    if not current_user.is_authenticated:
        return {"mine": 0, "up_refused": None, "down_refused": None}
    mine = my_vote(post)
    up = viewer_refusal("undo_vote" if mine == 1 else "vote_up", post)
    down = viewer_refusal("undo_vote" if mine == -1 else "vote_down", post)
    return {
        "mine": mine,
        "up_refused": up.message if up else None,
        "down_refused": down.message if down else None,
    }


def reputation_panel(user: User) -> dict:
    """Everything the profile shows about reputation: privileges, ledger, chart.

    The ledger is grouped by post and day, and read as the viewer may see it:
    the owner's own cast downvotes show only to the owner, in the second person.
    """
    levels = sorted(thresholds().items(), key=lambda item: item[1])
    reached = [(PRIVILEGE_LABELS[n], need) for n, need in levels if user.reputation >= need]
    upcoming = [(PRIVILEGE_LABELS[n], need) for n, need in levels if user.reputation < need]
    viewer = current_user if current_user.is_authenticated else None
    own = viewer is not None and viewer.id == user.id
    groups = reputation.ledger_groups(db.session, user, viewer)[:LEDGER_GROUPS_SHOWN]
    return {
        "reached": reached,
        "next": upcoming[0] if upcoming else None,
        "bypass": user.is_staff,
        "ledger": [(group, group.summary(own)) for group in groups],
        "chart": line_chart_svg(reputation.reputation_history(db.session, user)),
    }
