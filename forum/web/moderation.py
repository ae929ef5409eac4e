"""Moderation pages: flagging, the flag queue with bulk actions, the curation
queue, the audit log, a deleted post's page, and the moderator controls'
form posts (delete, undelete, close, reopen, lock, merge, accept).

Every state change is a CSRF-protected POST that calls one service inside
`retrying()`, then redirects back with what happened in words.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.extensions import db
from forum.models import Flag, Post, User
from forum.models.moderation import FLAG_REASONS
from forum.pagination import paginate, parse_page_args
from forum.services import audit, flags, moderation
from forum.services.errors import DomainError, Invalid
from forum.services.permissions import require
from forum.services.transactions import retrying
from forum.services.validation import is_valid_id
from forum.web import audit_words
from forum.web.helpers import act_and_return, form_back, post_url

bp = Blueprint("moderation", __name__)


def _post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    return post


def _where(post: Post) -> str:
    """A post's page, or the moderators' view of it while it is deleted."""
    if post.is_deleted or (post.thread is not None and post.thread.is_deleted):
        return url_for("moderation.post", post_id=post.id)
    return post_url(post)


def moderation_labels() -> dict:
    return {
        "close": moderation.CLOSE_REASONS.labels(),
        "delete": moderation.DELETE_REASONS.labels(),  # what a moderator may choose
        "deletion": moderation.DELETION_REASONS.labels(),  # what a recorded deletion says
        "flag": FLAG_REASONS.labels(),
        "action": audit.action_labels(),
    }


def duplicates_of(question: Post) -> list[Post]:
    return moderation.duplicates_of(db.session, question)


def open_flag_count() -> int:
    return flags.open_count(db.session)


# --- flagging (members) -------------------------------------------------------------------


@bp.post("/posts/<int:post_id>/flag")
@login_required
def flag(post_id: int):
    post = _post_or_404(post_id)
    comment_id = request.form.get("comment_id", "")
    return act_and_return(
        lambda: flags.raise_flag(
            db.session,
            current_user,
            post_id,
            request.form.get("reason"),
            request.form.get("text", ""),
            int(comment_id) if comment_id.isdecimal() else None,
        ),
        _("Thanks: your flag is with the moderators."),
        form_back(post_url(post) if not post.is_deleted else "/"),
    )


# --- the flag queue -----------------------------------------------------------------------


@bp.get("/moderation")
@login_required
def index():
    require(current_user, "moderate")
    return redirect(url_for("moderation.flag_queue"))


@bp.get("/moderation/flags")
@login_required
def flag_queue():
    require(current_user, "moderate")
    status = request.args.get("status", "open")
    page_number, page_size = parse_page_args(request.args)
    page = paginate(db.session, flags.queue_query(status), page_number, page_size)
    return render_template(
        "moderation/flags.html",
        status=status,
        page=page,
        groups=flags.grouped(page.items),
        weights={term.value: term.weight for term in FLAG_REASONS},
        hide_at=flags.flags_to_hide(),
    )


@bp.post("/moderation/flags/resolve")
@login_required
def resolve_flags():
    """Bulk: the selected flags get one action and one note.

    `handled`/`declined` resolve the flags; `delete:<reason>` deletes their
    posts with that reason, which also settles the posts' open flags.
    """
    require(current_user, "moderate")
    ids = [n for n in (int(v) for v in request.form.getlist("flag_ids") if v.isdecimal()) if is_valid_id(n)]
    action = request.form.get("action", "")
    note = request.form.get("note", "")
    back = form_back(url_for("moderation.flag_queue"))
    if not ids:
        flash(_("Select at least one flag first."), "error")
        return redirect(back)
    if action.startswith("delete:"):
        post_ids = list(dict.fromkeys(db.session.scalars(select(Flag.post_id).where(Flag.id.in_(ids)))))
        return act_and_return(
            lambda: moderation.bulk_delete(db.session, current_user, post_ids, action[7:], note),
            ngettext("Deleted %(num)d post.", "Deleted %(num)d posts.", len(post_ids)),
            back,
        )
    # Any other action is refused by the service, and this message is then never shown.
    if action == "declined":
        done = ngettext("Marked %(num)d flag declined.", "Marked %(num)d flags declined.", len(ids))
    else:
        done = ngettext("Marked %(num)d flag handled.", "Marked %(num)d flags handled.", len(ids))
    return act_and_return(lambda: flags.bulk_resolve(db.session, current_user, ids, action, note), done, back)


# --- moderator controls on a post ---------------------------------------------------------


@bp.post("/posts/<int:post_id>/delete", endpoint="delete_own")  # an author's, at a member's address
@bp.post("/moderation/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post = _post_or_404(post_id)
    reason = request.form.get("reason") or None
    back = form_back(post_url(post.thread) if post.is_answer and not post.thread.is_deleted else "/")
    if current_user.is_moderator:
        back = form_back(url_for("moderation.post", post_id=post.id))
    return act_and_return(
        lambda: moderation.delete_post(
            db.session, current_user, post_id, reason, request.form.get("note", "")
        ),
        _("The post is deleted."),
        back,
    )


@bp.post("/moderation/posts/<int:post_id>/undelete")
@login_required
def undelete(post_id: int):
    post = _post_or_404(post_id)
    return act_and_return(
        lambda: moderation.undelete_post(db.session, current_user, post_id, request.form.get("note", "")),
        _("The post is back."),
        form_back(post_url(post)),
    )


@bp.post("/moderation/posts/<int:post_id>/lock")
@login_required
def lock(post_id: int):
    post = _post_or_404(post_id)
    locked = request.form.get("locked") != "0"
    return act_and_return(
        lambda: moderation.set_locked(
            db.session, current_user, post_id, locked, request.form.get("note", "")
        ),
        _("Locked.") if locked else _("Unlocked."),
        form_back(_where(post)),
    )


_PICKED = re.compile(r"^\s*#?(\d{1,10})\b|/questions/(\d{1,10})(?:[/?#]|$)")


def picked_question(text: str | None) -> str | None:
    """The question a close form's duplicate picker names: what the picker writes ("#12 Title"),
    a question's link, or its bare number. Whether that question may be the duplicate is the
    service's to say."""
    if not text or not text.strip():
        return None
    match = _PICKED.search(text)
    if match is None:
        raise Invalid({"duplicate_of": _("pick the question from the list, or paste its link or number")})
    return match.group(1) or match.group(2)


@bp.post("/moderation/questions/<int:question_id>/close")
@login_required
def close(question_id: int):
    question = _post_or_404(question_id)
    return act_and_return(
        lambda: moderation.close_question(
            db.session,
            current_user,
            question_id,
            request.form.get("reason"),
            picked_question(request.form.get("duplicate_of")),
            request.form.get("note", ""),
        ),
        _("The question is closed."),
        form_back(_where(question)),
    )


@bp.post("/moderation/questions/<int:question_id>/reopen")
@login_required
def reopen(question_id: int):
    question = _post_or_404(question_id)
    return act_and_return(
        lambda: moderation.reopen_question(
            db.session, current_user, question_id, request.form.get("note", "")
        ),
        _("The question is open again."),
        form_back(_where(question)),
    )


@bp.post("/moderation/questions/<int:question_id>/merge")
@login_required
def merge(question_id: int):
    question = _post_or_404(question_id)
    target = request.form.get("target_id", "").strip()
    back = form_back(_where(question))
    try:
        merged_into = retrying(
            db.session,
            lambda: moderation.merge_twitter_thread(
                db.session, current_user, question_id, target, request.form.get("note", "")
            ),
        )
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(error.message, "error")
        return redirect(back)
    flash(_("The Twitter thread is merged: its answers are here now."), "success")
    return redirect(post_url(merged_into))


@bp.post("/moderation/questions/<int:question_id>/accept")
@login_required
def accept(question_id: int):
    question = _post_or_404(question_id)
    raw = request.form.get("answer_id", "")
    if raw == "":
        return act_and_return(
            lambda: moderation.curate_unaccept(
                db.session, current_user, question_id, request.form.get("note", "")
            ),
            _("The solution mark is removed."),
            form_back(_where(question)),
        )
    answer_id = int(raw) if raw.isdecimal() else raw
    return act_and_return(
        lambda: moderation.curate_accept(
            db.session, current_user, question_id, answer_id, request.form.get("note", "")
        ),
        _("Marked as the accepted solution."),
        form_back(_where(question)),
    )


@bp.get("/moderation/posts/<int:post_id>")
@login_required
def post(post_id: int):
    """A post as moderators see it, deleted or not, with its audit history."""
    require(current_user, "moderate")
    target = _post_or_404(post_id)
    history = db.session.scalars(audit.entries_query(db.session, post_id=target.id).limit(50)).all()
    post_flags = db.session.scalars(
        select(Flag)
        .where(Flag.post_id == target.id)
        .options(selectinload(Flag.user))
        .order_by(Flag.created_at.desc())
    ).all()
    return render_template(
        "moderation/post.html",
        post=target,
        history=history,
        post_flags=post_flags,
        deletion=moderation.deletion_of(db.session, target),
    )


# --- curation and the audit log -----------------------------------------------------------


@bp.get("/moderation/curation")
@login_required
def curation():
    require(current_user, "moderate")
    page_number, page_size = parse_page_args(request.args)
    page = paginate(db.session, moderation.curation_query(), page_number, page_size)
    answers: dict[int | None, list[Post]] = {}
    if page.items:
        rows = db.session.scalars(
            select(Post)
            .where(Post.question_id.in_([q.id for q in page.items]), Post.deleted_at.is_(None))
            .options(selectinload(Post.author))
            .order_by(Post.score.desc(), Post.created_at)
        ).all()
        for row in rows:
            answers.setdefault(row.question_id, []).append(row)
    return render_template(
        "moderation/curation.html", page=page, answers=answers, min_age=moderation.curation_min_age().days
    )


@bp.get("/moderation/audit")
@login_required
def audit_log():
    if not current_user.is_moderator:
        require(current_user, "admin")
    filters = {k: request.args.get(k, "").strip() for k in ("actor", "post_id", "action")}
    page_number, page_size = parse_page_args(request.args)
    try:
        query = audit.entries_query(db.session, **filters)
        error = None
    except DomainError as invalid:
        query, error = audit.entries_query(db.session), invalid.message
    page = paginate(db.session, query, page_number, page_size)
    posts = {
        p.id: p
        for p in db.session.scalars(
            select(Post).where(Post.id.in_({e.post_id for e in page.items if e.post_id}))
        )
    }
    changes = {entry.id: audit_words.describe_changes(entry.before, entry.after) for entry in page.items}
    named = {
        side.user_id
        for described in changes.values()
        for change in described
        for side in (change.before, change.after)
        if side is not None and side.user_id is not None
    }
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(named)))}
    status = 400 if error else 200
    return render_template(
        "moderation/audit.html",
        page=page,
        filters=filters,
        error=error,
        posts=posts,
        changes=changes,
        people=people,
        actions=audit.ACTIONS.values,
    ), status
