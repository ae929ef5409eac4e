"""The staff page of unmet needs at /staff/needs: what searches did not find, ranked, and
"ask it" (services/needs.py)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.extensions import db
from forum.services import needs
from forum.services.permissions import require

bp = Blueprint("needs", __name__)

SHOWN = 100


@bp.get("/staff/needs")
def index():
    require(current_user, "staff")
    status = request.args.get("status") or "open"
    if status not in needs.STATUSES:
        status = "open"  # a page never refuses a filter it does not know
    found = needs.unmet_needs(db.session, status)
    return render_template(
        "staff/needs.html", needs=found[:SHOWN], total=len(found), status=status, shown=SHOWN
    )
