"""The tag list: every tag with its question count, most used first."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from forum.extensions import db
from forum.models import Tag
from forum.pagination import paginate, parse_page_args

bp = Blueprint("tags", __name__)

TAGS_PER_PAGE = 60


@bp.get("/tags")
def index():
    needle = (request.args.get("filter") or "").strip().lower()[:35]
    page_number, _ = parse_page_args(request.args)
    query = select(Tag).where(Tag.question_count > 0)
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Tag.name.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Tag.question_count.desc(), Tag.name)
    page = paginate(db.session, query, page_number, TAGS_PER_PAGE)
    return render_template("tags/list.html", page=page, needle=needle)
