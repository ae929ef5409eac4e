"""The FAQ page at /faq: solved questions people need most, by tag, in the reader's language first."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum import i18n
from forum.extensions import db
from forum.services import faq

bp = Blueprint("faq", __name__)


@bp.get("/faq")
def index():
    groups = faq.grouped(faq.entries(db.session, i18n.language()))
    return render_template("faq/index.html", groups=groups)
