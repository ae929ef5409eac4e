"""The admin page of the Twitter mirror (/admin/mirror): its state, its errors, its outbox."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from forum.extensions import db
from forum.services.permissions import require
from forum.social.status import mirror_status

bp = Blueprint("mirror", __name__)


@bp.get("/admin/mirror")
@login_required
def status():
    require(current_user, "admin")
    return render_template("admin/mirror.html", status=mirror_status(current_app, db.session))
