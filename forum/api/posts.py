"""Things addressed to any post by id: comments and revisions."""

from __future__ import annotations

from flask import jsonify

from forum.api import api_bp
from forum.api.auth import json_body, require_user
from forum.api.serializers import comment_json, user_json
from forum.clock import iso
from forum.extensions import db
from forum.ratelimits import posting_limit
from forum.services import posting


@api_bp.post("/posts/<int:post_id>/comments")
@posting_limit
def comment(post_id: int):
    user = require_user()
    post = posting.get_post(db.session, post_id)
    data = json_body({"body"})
    new_comment = posting.add_comment(db.session, user, post, data.get("body"))
    db.session.commit()
    return jsonify(comment_json(new_comment)), 201


@api_bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    post = posting.get_post(db.session, post_id)
    items = [
        {
            "number": r.number,
            "editor": user_json(r.editor),
            "title": r.title,
            "body": r.body,
            "tags": r.tags.split(),
            "summary": r.summary,
            "created_at": iso(r.created_at),
        }
        for r in reversed(post.revisions)
    ]
    return jsonify({"items": items, "page": 1, "page_size": len(items), "total": len(items)})
