"""Staff desk pages: the queue (overdue in red, claims), claiming, "verified by
staff", and the dashboard with server-drawn charts."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import clock
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.services import deflection, staff, tweet_faq
from forum.services.permissions import require
from forum.services.transactions import retrying
from forum.web.charts import bar_chart_svg
from forum.web.helpers import act_and_return, form_back, post_url

bp = Blueprint("staff", __name__)


@bp.get("/staff/queue")
@login_required
def queue():
    require(current_user, "staff")
    # Looking at the queue also announces questions that just went overdue (each once).
    retrying(db.session, lambda: staff.escalate_overdue(db.session))
    page_number, page_size = parse_page_args(request.args)
    page = paginate(db.session, staff.queue_query(), page_number, page_size)
    return render_template(
        "staff/queue.html",
        page=page,
        items=staff.queue_items(db.session, page.items),
        target=staff.target_seconds(),
        suggestions=tweet_faq.suggestions(db.session, page.items),
        reply_back=bool(current_app.config["X_REPLY_BACK"]),
    )


@bp.post("/staff/questions/<int:question_id>/faq-reply")
@login_required
def faq_reply(question_id: int):
    """ "Reply with this link": a staff answer naming the suggested FAQ entry, which the
    reply-back outbox then tweets (services/tweet_faq.py)."""
    return act_and_return(
        lambda: tweet_faq.reply_with_entry(
            db.session, current_user, question_id, request.form.get("faq_question_id", type=int)
        ),
        _("Your answer with the FAQ link is posted; the reply to the tweet is on its way."),
        form_back(url_for("staff.queue")),
    )


@bp.post("/staff/questions/<int:question_id>/claim")
@login_required
def claim(question_id: int):
    back = form_back(url_for("staff.queue"))
    if request.form.get("release"):
        return act_and_return(
            lambda: staff.release_claim(db.session, current_user, question_id),
            _("You released the question."),
            back,
        )
    return act_and_return(
        lambda: staff.claim_question(db.session, current_user, question_id),
        _("It is yours for the next %(duration)s.", duration=clock.duration_words(staff.claim_seconds())),
        back,
    )


@bp.post("/staff/answers/<int:answer_id>/verify")
@login_required
def verify(answer_id: int):
    from forum.models import Post

    answer = db.session.get(Post, answer_id)
    live = answer if answer is not None and not answer.is_deleted else None
    back = form_back(post_url(live) if live is not None else url_for("staff.queue"))
    if request.form.get("remove"):
        return act_and_return(
            lambda: staff.unverify_answer(db.session, current_user, answer_id),
            _("The staff verification is removed."),
            back,
        )
    return act_and_return(
        lambda: staff.verify_answer(db.session, current_user, answer_id),
        _("Marked as verified by staff."),
        back,
    )


@bp.get("/staff/dashboard")
@login_required
def dashboard():
    require(current_user, "staff")
    days = 30
    figures = staff.dashboard(db.session, days=days)
    chart = bar_chart_svg(
        [format_date(d, "dd MMM") for d in figures.days],
        figures.per_day,
        label=_("Questions per day by source"),
        names={"web": _("web"), "twitter": _("twitter")},
    )
    answered = figures.answered_by_staff + figures.answered_by_community
    share = {"staff": [figures.answered_by_staff], "community": [figures.answered_by_community]}
    share_chart = bar_chart_svg(
        [_("answered")],
        share,
        width=220,
        height=180,
        label=_("Questions answered by staff and by the community"),
        names={"staff": _("staff"), "community": _("community")},
    )
    weekly = deflection.weekly(db.session)
    return render_template(
        "staff/dashboard.html",
        figures=figures,
        chart=chart,
        share_chart=share_chart,
        answered=answered,
        days=days,
        target=staff.target_seconds(),
        weekly=weekly,
        weekly_charts=_weekly_charts(weekly),
        week_labels=[format_date(week, "dd MMM yyyy") for week in weekly.weeks],
        definitions=deflection.WEEKLY_DEFINITIONS,
    )


def _weekly_charts(weekly: deflection.Weekly) -> dict:
    """The self-learning FAQ's figures per week, one chart each, like the daily ones."""
    labels = [format_date(week, "dd MMM") for week in weekly.weeks]
    return {
        "deflected": bar_chart_svg(
            labels,
            {"deflected": weekly.deflected},
            label=_("Deflected asks per week"),
            names={"deflected": _("deflected asks")},
        ),
        "helped": bar_chart_svg(
            labels,
            {"helped-yes": weekly.helped_yes, "helped-no": weekly.helped_no},
            label=_("“Did this solve your problem?” per week"),
            names={"helped-yes": _("yes"), "helped-no": _("no")},
        ),
        "no_results": bar_chart_svg(
            labels,
            {"no-results": weekly.no_results},
            label=_("Searches without results per week"),
            names={"no-results": _("searches without results")},
        ),
        "resolved": bar_chart_svg(
            labels,
            {"resolved": [percent or 0 for percent in weekly.resolved_percent]},
            label=_("Share of needs resolved per week, in per cent"),
            names={"resolved": _("needs resolved, per cent")},
        ),
    }
