"""Helpers for API tests: the error shape, and a snapshot of what a request could change."""

from __future__ import annotations

from sqlalchemy import select

from forum.models import ApiToken, Comment, Post, PostRevision, Tag, User
from forum.models.post import post_tags

ERROR_KEYS = {"code", "message", "fields", "privilege", "needed", "have"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with DESIGN.md's error shape; returns the error object."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
    assert error["message"]
    assert set(error) <= ERROR_KEYS
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"]
    if code is not None:
        assert error["code"] == code
    return error


def database_state(session) -> dict:
    """Everything a request could change, read through the session (so unflushed edits show)."""

    def rows(query) -> list:
        return [tuple(row) for row in session.execute(query).all()]

    return {
        "users": rows(select(User.id, User.username, User.email, User.role, User.about, User.password_hash)
                      .order_by(User.id)),
        "tokens": rows(select(ApiToken.id, ApiToken.token_hash, ApiToken.revoked_at).order_by(ApiToken.id)),
        "posts": rows(select(Post.id, Post.title, Post.body, Post.answer_count, Post.updated_at,
                             Post.last_activity_at).order_by(Post.id)),
        "tags": rows(select(Tag.name, Tag.question_count).order_by(Tag.name)),
        "post_tags": rows(select(post_tags).order_by(post_tags.c.post_id, post_tags.c.tag_id)),
        "comments": rows(select(Comment.id, Comment.body).order_by(Comment.id)),
        "revisions": rows(select(PostRevision.id).order_by(PostRevision.id)),
    }  # fmt: skip
