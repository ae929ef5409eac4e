"""The FAQ page at /faq (solved questions people need most, by tag, in the reader's language
first), and the demand signals pages send it: question views and "did this solve your problem?"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import i18n, visitors
from forum.extensions import csrf, db
from forum.ratelimits import helped_limit
from forum.services import faq, helped
from forum.web.helpers import check_open_form, post_url

bp = Blueprint("faq", __name__)


@bp.get("/faq")
def index():
    groups = faq.grouped(faq.entries(db.session, i18n.language()))
    return render_template("faq/index.html", groups=groups)


@bp.post("/answers/<int:answer_id>/helped")
@csrf.exempt  # checked in check_open_form: a token for a signed-in user, the origin for everyone
@helped_limit
def helped_vote(answer_id: int):
    """The yes/no form under an accepted or staff-verified answer, the same for every reader."""
    check_open_form()
    choice = request.form.get("helped")
    user = current_user._get_current_object() if current_user.is_authenticated else None
    voter = visitors.answer_voter_key(answer_id, user)
    answer, counted = helped.vote(db.session, answer_id, {"yes": True, "no": False}.get(choice or ""), voter)
    db.session.commit()
    flash(_("Thank you for telling us.") if counted else _("You have already answered this."), "success")
    return visitors.keep_cookie(redirect(post_url(answer)))


@bp.after_app_request
def count_question_view(response: Response) -> Response:
    """A question page read by a person: one view per visitor and day. Runs after anonymous
    pages served whole from the page cache too (forum/pagecache.py answers before the view)."""
    if (
        request.endpoint != "questions.show"
        or request.method != "GET"
        or response.status_code not in (200, 304)
        or helped.is_bot(request.user_agent.string)
    ):
        return response
    question_id = (request.view_args or {}).get("question_id")
    if not isinstance(question_id, int):
        return response
    helped.record_view(db.session, question_id, visitors.visitor_key())
    db.session.commit()
    return visitors.keep_cookie(response)
