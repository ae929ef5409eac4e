"""Admin pages: people's roles and the reputation thresholds; the mirror's
settings are on the mirror's own page (/admin/mirror).

Every process reads the stored thresholds through one cache
(forum/services/site_settings.py), so a change reaches every worker, the
CLI and the mirror within seconds.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from forum.extensions import db
from forum.models import User
from forum.models.user import ROLES
from forum.pagination import paginate, parse_page_args
from forum.services import moderation, site_settings
from forum.services.errors import DomainError
from forum.services.permissions import PRIVILEGE_LABELS, require, thresholds
from forum.services.transactions import retrying
from forum.web.helpers import act_and_return, form_back

bp = Blueprint("admin", __name__)


@bp.get("/admin")
@login_required
def index():
    require(current_user, "admin")
    return redirect(url_for("admin.users"))


@bp.get("/admin/users")
@login_required
def users():
    require(current_user, "admin")
    q = request.args.get("q", "").strip()[:60]
    role = request.args.get("role", "")
    query = select(User).order_by(User.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.username).like(pattern), func.lower(User.email).like(pattern))
        )
    if role in ROLES:
        query = query.where(User.role == role)
    page_number, page_size = parse_page_args(request.args)
    page = paginate(db.session, query, page_number, page_size)
    return render_template("admin/users.html", page=page, q=q, role=role, roles=ROLES)


@bp.post("/admin/users/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    require(current_user, "admin")
    user = db.session.get(User, user_id)
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
    back = back or url_for("admin.users")
    if user is None:
        flash(_("There is no such user."), "error")
        return redirect(back)
    role = request.form.get("role")  # the service accepts only a role name exactly as given
    return act_and_return(
        lambda: moderation.change_role(db.session, current_user, user, role, request.form.get("note", "")),
        _("%(user)s is now %(role)s.", user=user.username, role=ROLES.label(str(role))),
        back,
    )


@bp.post("/admin/users/roles")
@login_required
def change_roles():
    """The people page's one Save: apply the roles whose select differs from the role it showed.

    Comparing with what the page showed (`shown-<id>`), not with the stored role, leaves alone
    a person another admin changed meanwhile and this admin did not touch.
    """
    require(current_user, "admin")
    back = form_back(url_for("admin.users"))
    wanted: dict[int, object] = {}
    for name, role in request.form.items():
        user_id = name.removeprefix("role-")
        if name.startswith("role-") and user_id.isdecimal() and role != request.form.get(f"shown-{user_id}"):
            wanted[int(user_id)] = role
    if not wanted:
        flash(_("No role was changed."), "success")
        return redirect(back)
    note = request.form.get("note", "")
    try:
        changed = retrying(
            db.session, lambda: moderation.change_roles(db.session, current_user, wanted, note)
        )
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(_("Nothing was saved: %(reason)s", reason=error.message), "error")
    else:
        saved = "; ".join(
            _("%(user)s is now %(role)s", user=user.username, role=ROLES.label(user.role)) for user in changed
        )
        flash(_("Saved: %(changes)s.", changes=saved) if saved else _("No role was changed."), "success")
    return redirect(back)


@bp.route("/admin/settings", methods=["GET", "POST"])
@login_required
def settings():
    require(current_user, "admin")
    defaults = site_settings.config_defaults(current_app)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in PRIVILEGE_LABELS}
        try:
            retrying(
                db.session, lambda: site_settings.set_thresholds(db.session, current_user, values, defaults)
            )
        except DomainError as error:
            errors = getattr(error, "fields", {}) or {"form": error.message}
        else:
            flash(_("The reputation thresholds are saved."), "success")
            return redirect(url_for("admin.settings"))
    current = thresholds()
    rows = [
        (name, PRIVILEGE_LABELS[name], request.form.get(name, current.get(name)), defaults.get(name))
        for name in PRIVILEGE_LABELS
    ]
    return render_template("admin/settings.html", rows=rows, errors=errors), 400 if errors else 200
