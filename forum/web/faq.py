"""The FAQ page at /faq (solved questions people need most, by tag, pinned ones and the
reader's language first), staff's pin, hide and retitle forms on it, and the demand signals
pages send it: question views and "did this solve your problem?"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum import i18n, visitors
from forum.extensions import csrf, db
from forum.ratelimits import helped_limit
from forum.services import faq, helped
from forum.services.permissions import can, require
from forum.services.validation import TITLE
from forum.web.helpers import act_and_return, check_open_form, form_back, post_url

bp = Blueprint("faq", __name__)

# The staff forms on /faq: each button's `action`, what it asks of faq.curate, and what it says.
CURATE_ACTIONS = {
    "pin": ({"pinned": True}, _l("Pinned: it comes first in the FAQ.")),
    "unpin": ({"pinned": False}, _l("Unpinned: it takes its place by demand again.")),
    "hide": ({"hidden": True}, _l("Hidden from the FAQ: readers no longer see it.")),
    "unhide": ({"hidden": False}, _l("Shown in the FAQ again.")),
}


@bp.get("/faq")
def index():
    staff = can(current_user, "staff")
    groups = faq.grouped(faq.entries(db.session, i18n.language(), with_hidden=staff))
    return render_template("faq/index.html", groups=groups, staff=staff, title_rule=TITLE)


@bp.post("/staff/faq/<int:question_id>")
@login_required
def curate(question_id: int):
    """Staff's pin, hide and retitle forms on /faq (CSRF-checked like every form)."""
    require(current_user, "staff")
    action = request.form.get("action", "")
    back = form_back(url_for("faq.index"))
    if action == "retitle":
        title = request.form.get("title", "")
        done = (
            _("The FAQ shows the new title.")
            if title.strip()
            else _("The FAQ shows the question's own title again.")
        )
        return act_and_return(
            lambda: faq.curate(db.session, current_user, question_id, title=title.strip()), done, back
        )
    if action not in CURATE_ACTIONS:
        abort(400)
    changes, done = CURATE_ACTIONS[action]
    return act_and_return(
        lambda: faq.curate(db.session, current_user, question_id, **changes), str(done), back
    )


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
