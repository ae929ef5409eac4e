"""User pages: public profiles and the signed-in user's account (API tokens)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from forum.extensions import csrf, db
from forum.i18n import COOKIE, COOKIE_SECONDS, LANGUAGES
from forum.models import ApiToken, Post, User
from forum.ratelimits import token_limit
from forum.services import accounts
from forum.services.errors import NotFound
from forum.web.forms import RevokeForm, TokenForm
from forum.web.helpers import check_open_form, login_redirect, safe_next

bp = Blueprint("users", __name__)

RECENT_POSTS = 20


@bp.get("/users/<int:user_id>")
def profile(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no user %(id)s.", id=user_id))
    live = (Post.author_id == user.id, Post.visible())
    counts = dict(
        db.session.execute(select(Post.kind, func.count()).where(*live).group_by(Post.kind)).tuples().all()
    )
    questions = db.session.scalars(
        select(Post).where(*live, Post.kind == "question")
        .options(selectinload(Post.tags))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(RECENT_POSTS)
    ).all()  # fmt: skip
    answers = db.session.scalars(
        select(Post).where(*live, Post.kind == "answer")
        .options(selectinload(Post.question))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(RECENT_POSTS)
    ).all()  # fmt: skip
    return render_template(
        "users/profile.html",
        user=user,
        questions=questions,
        answers=answers,
        question_count=counts.get("question", 0),
        answer_count=counts.get("answer", 0),
    )


def _render_account(form: TokenForm | None = None, new_token: str | None = None, status: int = 200):
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "users/account.html",
        form=form or TokenForm(formdata=None),
        tokens=tokens,
        new_token=new_token,
    ), status


@bp.get("/account")
def account():
    if not current_user.is_authenticated:
        return login_redirect(url_for("users.account"), _("Log in to see your account."))
    return _render_account()


@bp.post("/account/tokens")
@token_limit
def create_token():
    if not current_user.is_authenticated:
        return login_redirect(url_for("users.account"), _("Log in to manage your tokens."))
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_account(form, status=400)
    _token, plain = accounts.create_token(db.session, current_user, (form.name.data or "").strip())
    db.session.commit()
    # Shown in this response only: the database keeps just its hash.
    return _render_account(new_token=plain)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if not current_user.is_authenticated:
        return login_redirect(url_for("users.account"), _("Log in to manage your tokens."))
    if RevokeForm().validate_on_submit():
        accounts.revoke_token(db.session, current_user, token_id)
        db.session.commit()
        flash(_("The token is revoked: requests that use it are now refused."), "success")
    return redirect(url_for("users.account"))


@bp.post("/language")
@csrf.exempt  # checked below: a token for a signed-in user, the origin for everyone
def choose_language():
    """The footer's switcher: remember the choice in a cookie and, for a signed-in user, in
    their profile (which wins over the cookie), then go back to the same page. An empty choice
    goes back to following the browser.

    Cross-site requests are refused. A signed-in user's form carries the CSRF token; a reader
    who is not signed in has no session to tie a token to (and anonymous pages are kept whole
    for everyone, so they carry none), so for them the browser's Origin and Sec-Fetch-Site
    must say the form came from this site."""
    check_open_form()
    code = request.form.get("language", "")
    back = safe_next(request.form.get("next")) or url_for("questions.index")
    if code and code not in LANGUAGES:
        flash(_("That language is not available."), "error")
        return redirect(back)
    if current_user.is_authenticated:
        accounts.set_language(current_user, current_user, code or None)
        db.session.commit()
    response = redirect(back)
    if code:
        response.set_cookie(COOKIE, code, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(COOKIE)
    return response
