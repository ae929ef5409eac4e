"""The public JSON representations of DESIGN.md ("Representations")."""

from __future__ import annotations

from forum.clock import iso
from forum.models import Comment, Post, User
from forum.pagination import Page
from forum.services.staff import verified_by


def user_json(user: User | None) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "reputation": user.reputation,
        "created_at": iso(user.created_at),
    }


def comment_json(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "body": comment.body,
        "body_html": comment.body_html,
        "author": user_json(comment.author),
        "created_at": iso(comment.created_at),
    }


def _visible_comments(post: Post) -> list[dict]:
    return [comment_json(c) for c in post.comments if c.deleted_at is None]


def question_json(question: Post, answers: list[Post] | None = None) -> dict:
    data = {
        "id": question.id,
        "kind": "question",
        "title": question.title,
        "body": question.body,
        "body_html": question.body_html,
        "tags": question.tag_names,
        "author": user_json(question.author),
        "score": question.score,
        "answer_count": question.answer_count,
        "accepted_answer_id": question.accepted_answer_id,
        "accepted_by": user_json(question.accepted_by),
        "closed": question.closed,
        "closed_reason": question.closed_reason,
        "duplicate_of": question.duplicate_of_id,
        "locked": question.locked,
        "deleted": question.is_deleted,
        "source": question.source,
        "created_at": iso(question.created_at),
        "updated_at": iso(question.updated_at),
        "last_activity_at": iso(question.last_activity_at),
    }
    if answers is not None:
        data["answers"] = [answer_json(a, question) for a in answers]
        data["comments"] = _visible_comments(question)
    return data


def answer_json(answer: Post, question: Post | None = None) -> dict:
    question = question or answer.question
    return {
        "id": answer.id,
        "kind": "answer",
        "question_id": answer.question_id,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": user_json(answer.author),
        "score": answer.score,
        "is_accepted": question is not None and question.accepted_answer_id == answer.id,
        "locked": answer.locked,
        "deleted": answer.is_deleted,
        "verified_by_staff": user_json(verified_by(answer)),
        "created_at": iso(answer.created_at),
        "updated_at": iso(answer.updated_at),
        "comments": _visible_comments(answer),
    }


def post_json(post: Post) -> dict:
    return question_json(post) if post.is_question else answer_json(post)


def page_json(page: Page, render) -> dict:
    return {
        "items": [render(item) for item in page.items],
        "page": page.page,
        "page_size": page.page_size,
        "total": page.total,
    }
