"""Things addressed to any post by id: comments and revisions."""

from __future__ import annotations

from flask import jsonify, request

from forum.api import inputs
from forum.api.auth import json_body, require_user
from forum.api.blueprint import api_bp
from forum.extensions import db
from forum.pagination import paginate, parse_page_args
from forum.ratelimits import posting_limit
from forum.representations import comment_json, page_json, revision_json
from forum.services import posting


@api_bp.post("/posts/<int:post_id>/comments")
@posting_limit
def comment(post_id: int):
    user = require_user()
    post = posting.get_post(db.session, post_id)
    data = json_body(inputs.COMMENT_INPUT.fields)
    new_comment = posting.add_comment(db.session, user, post, data.get("body"))
    db.session.commit()
    return jsonify(comment_json(new_comment)), 201


@api_bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    post = posting.get_post(db.session, post_id)
    size = posting.REVISIONS_PAGE_SIZE
    page, page_size = parse_page_args(request.args, size, size)
    found = paginate(db.session, posting.revisions_query(post), page, page_size)
    return jsonify(page_json(found, revision_json))
