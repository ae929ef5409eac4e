"""Sign up, log in and log out pages.

Log-in starts a fresh session (nothing from before survives it) and follows
`next` only when it is a path on this site.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from forum import live, ratelimits
from forum.extensions import db
from forum.ratelimits import login_limit, signup_limit
from forum.services import accounts
from forum.services.errors import Invalid
from forum.services.transactions import retrying
from forum.web.forms import LoginForm, LogoutForm, SignupForm
from forum.web.helpers import safe_next, show_invalid

bp = Blueprint("auth", __name__)


def _clear_session() -> None:
    session.clear()
    # Flask-WTF caches the request's CSRF token in g; it belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _start_session(user, remember: bool = False) -> None:
    # A fresh session on every log-in: nothing planted before it carries over.
    _clear_session()
    login_user(user, remember=remember)


def _next_target(form) -> str:
    return safe_next(form.next.data) or safe_next(request.args.get("next")) or url_for("questions.index")


@bp.route("/signup", methods=["GET", "POST"])
@signup_limit
def signup():
    form = SignupForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            # Two sign-ups racing for one name meet the unique index; the retry then says "taken".
            user = retrying(
                db.session,
                lambda: accounts.register_user(
                    db.session, form.username.data, form.email.data, form.password.data
                ),
            )
        except Invalid as error:
            db.session.rollback()
            show_invalid(form, error)
        else:
            target = _next_target(form)
            _start_session(user)
            flash(_("Welcome, %(user)s! Your account is ready.", user=user.username), "success")
            return redirect(target)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = ratelimits.authenticate(
                db.session, form.username.data, form.password.data, ratelimits.known_user_ids()
            )
        except Invalid as error:
            form.form_errors.append(error.message)
        except TooManyRequests as refusal:
            form.form_errors.append(refusal.description[0].upper() + refusal.description[1:] + ".")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        else:
            target = _next_target(form)
            _start_session(user, remember=bool(form.remember.data))
            flash(_("Welcome back, %(user)s.", user=user.username), "success")
            return ratelimits.remember_browser(redirect(target), user.id)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        user_id = current_user.id
        # Every session and remember-me cookie of this user ends, here and on other devices.
        accounts.end_sessions(db.session, current_user._get_current_object())
        db.session.commit()
        logout_user()
        _clear_session()
        live.disconnect_user(user_id)  # a log-out also closes that user's live sockets
        flash(_("You are logged out."), "info")
    return redirect(url_for("questions.index"))
