"""Pages and forms for votes, accepted answers, privileges and reputation.

The rules are in services (voting, acceptance, reputation, permissions);
this module only turns form posts into service calls and answers with a
redirect, or with JSON when the page's script asked for it.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request
from flask_login import current_user, login_required

from forum.api.errors import domain_error_response
from forum.extensions import db
from forum.models import Post, User
from forum.services import acceptance, moderation, reputation, voting
from forum.services.errors import DomainError, Invalid
from forum.services.permissions import PRIVILEGE_LABELS, has_privilege, refusal, thresholds
from forum.services.transactions import retrying
from forum.web.charts import line_chart_svg
from forum.web.helpers import post_url

bp = Blueprint("reputation", __name__)

REASON_LABELS = {
    "question_upvoted": "upvote on",
    "answer_upvoted": "upvote on",
    "post_downvoted": "downvote on",
    "downvoted_answer": "you downvoted",
    "answer_accepted": "accepted answer on",
    "accepted_an_answer": "you accepted an answer on",
    "vote_undone": "vote undone on",
    "accept_undone": "acceptance undone on",
    "deleted_as_spam": "deleted as spam or offensive:",
    "undeleted": "undeleted:",
}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _back(post: Post):
    return redirect(post_url(post))


def _refused(error: DomainError, post: Post | None):
    if _wants_json():
        return domain_error_response(error)
    flash(error.message, "error")
    return _back(post) if post is not None else redirect("/")


@bp.post("/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int):
    post = db.session.get(Post, post_id)
    raw = request.form.get("value", "")
    try:
        if raw == "0":
            result = retrying(db.session, lambda: voting.undo_vote(db.session, current_user, post_id))
        elif raw in ("1", "-1"):
            result = retrying(db.session, lambda: voting.cast_vote(db.session, current_user, post_id,
                                                                    int(raw)))
        else:
            raise Invalid({"value": "must be 1 (up), -1 (down) or 0 (undo)"})
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
            flash("The answer is no longer marked as accepted.", "success")
        elif raw.isdigit():
            answer_id = int(raw)
            retrying(db.session, lambda: moderation.accept_as(db.session, current_user, question_id,
                                                              answer_id))
            flash("Answer accepted.", "success")
        else:
            raise Invalid({"answer_id": "must be the id of an answer"})
    except DomainError as error:
        return _refused(error, question)
    return _back(question)


@bp.get("/help/privileges")
def privileges():
    rows = []
    for name, needed in sorted(thresholds().items(), key=lambda item: item[1]):
        rows.append({
            "name": name,
            "label": PRIVILEGE_LABELS[name],
            "needed": needed,
            "have": has_privilege(current_user, name) if current_user.is_authenticated else None,
        })
    return render_template("help/privileges.html", rows=rows)


def _viewer_votes(post: Post) -> dict[int, int]:
    """The viewer's votes on the whole thread of `post`, loaded once per request."""
    cache = g.setdefault("viewer_votes", {})
    thread = post.thread
    if thread.id not in cache:
        ids = [thread.id] + [a.id for a in thread.answers]
        cache[thread.id] = voting.my_votes(db.session, current_user, ids)
    return cache[thread.id]


@bp.app_template_global()
def vote_controls(post: Post) -> dict:
    """What the vote buttons of `post` show the viewer: pressed state and refusals."""
    mine = _viewer_votes(post).get(post.id, 0) if current_user.is_authenticated else 0
    own = current_user.is_authenticated and post.author_id == current_user.id
    up = down = note = None
    if own:
        up = down = "You cannot vote on your own post."
        note = "Your own post"
    else:
        up_refusal = refusal(current_user, "vote_up")
        down_refusal = refusal(current_user, "vote_down")
        up = up_refusal.message if up_refusal else None
        down = down_refusal.message if down_refusal else None
        if up_refusal is not None and hasattr(up_refusal, "needed"):
            note = f"Voting needs {up_refusal.needed} reputation"
    # `note` is the short visible reason; the full one is each button's title and description.
    return {"mine": mine, "up_refused": up, "down_refused": down, "note": note}


@bp.app_template_global()
def acceptance_controls(question: Post) -> dict:
    return {
        "may_accept": acceptance.may_accept(current_user, question),
        "marked_by_moderator": question.accepted_by is not None
        and question.accepted_by_id != question.author_id,
    }


@bp.app_template_global()
def reputation_panel(user: User) -> dict:
    """Everything the profile shows about reputation: privileges, ledger, chart."""
    levels = sorted(thresholds().items(), key=lambda item: item[1])
    reached = [(PRIVILEGE_LABELS[n], need) for n, need in levels if user.reputation >= need]
    upcoming = [(PRIVILEGE_LABELS[n], need) for n, need in levels if user.reputation < need]
    events = reputation.ledger_for(db.session, user, limit=50)
    return {
        "reached": reached,
        "next": upcoming[0] if upcoming else None,
        "bypass": user.is_staff,
        "ledger": [(event, REASON_LABELS.get(event.reason, event.reason.replace("_", " ")))
                   for event in events],
        "chart": line_chart_svg(reputation.reputation_history(db.session, user)),
    }
