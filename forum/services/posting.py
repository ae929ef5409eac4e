"""Asking, answering, commenting and editing, with revision history.

Each function validates its input, checks permission, changes the session
and flushes; the caller commits. Tags are created on first use and their
question counts kept up to date.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from forum import clock, markup
from forum.models import Comment, Post, PostRevision, Tag, User
from forum.services.errors import Invalid, NotFound
from forum.services.languages import clean_language
from forum.services.permissions import require
from forum.services.validation import (
    SUMMARY_MAX,
    TAGS_MIN,
    check,
    clean_body,
    clean_comment,
    clean_tags,
    clean_title,
    is_valid_id,
)


def get_post(session: Session, post_id: object, kind: str | None = None, *, fresh: bool = False) -> Post:
    """The live post with this id (and kind), or NotFound.

    `fresh` reads the row again even if the session holds it, for rules that
    decide on its current state (votes, acceptance).
    """
    post = session.get(Post, post_id, populate_existing=fresh) if is_valid_id(post_id) else None
    if post is None or post.is_deleted or (kind is not None and post.kind != kind):
        raise no_such(kind or "post", post_id)
    return post


def no_such(kind: str, post_id: object) -> NotFound:
    """The refusal for a post (a question, an answer) that is not there, in the reader's language."""
    if kind == "question":
        return NotFound(_("There is no question %(id)s.", id=post_id))
    if kind == "answer":
        return NotFound(_("There is no answer %(id)s.", id=post_id))
    return NotFound(_("There is no post %(id)s.", id=post_id))


# Each revision carries a whole body (and on the history page a diff), so pages of them are short.
REVISIONS_PAGE_SIZE = 10


def revisions_query(post: Post) -> Select:
    """The revisions of `post`, newest first."""
    return (
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .options(selectinload(PostRevision.editor))
        .order_by(PostRevision.number.desc())
    )


def revision_before(session: Session, revision: PostRevision) -> PostRevision | None:
    """The revision `revision` changed, or None for the original."""
    return session.scalar(
        select(PostRevision)
        .where(PostRevision.post_id == revision.post_id, PostRevision.number < revision.number)
        .order_by(PostRevision.number.desc())
        .limit(1)
    )


def get_revision(session: Session, post: Post, number: int) -> PostRevision:
    """Revision `number` of `post`, or NotFound."""
    revision = session.scalar(
        select(PostRevision).where(PostRevision.post_id == post.id, PostRevision.number == number)
    )
    if revision is None:
        raise NotFound(_("Post %(id)d has no revision %(number)d.", id=post.id, number=number))
    return revision


def _tags_for(session: Session, names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name, question_count=0)
            session.add(tag)
        tags.append(tag)
    return tags


def _retag(question: Post, tags: list[Tag]) -> None:
    old = {t.name for t in question.tags}
    new = {t.name for t in tags}
    for tag in question.tags:
        if tag.name not in new:
            tag.question_count = max(0, tag.question_count - 1)
    for tag in tags:
        if tag.name not in old:
            tag.question_count = (tag.question_count or 0) + 1
    question.tags = tags


def _record_revision(session: Session, post: Post, editor: User, summary: str = "") -> PostRevision:
    number = (
        session.scalar(select(func.max(PostRevision.number)).where(PostRevision.post_id == post.id)) or 0
    ) + 1
    revision = PostRevision(
        post=post,
        number=number,
        editor=editor,
        title=post.title,
        body=post.body,
        tags=" ".join(post.tag_names),
        summary=summary,
        # The moment of the change itself, so history and post agree to the microsecond.
        created_at=post.updated_at,
    )
    session.add(revision)
    return revision


def ask_question(
    session: Session,
    author: User,
    title: object,
    body: object,
    tags: object,
    source: str = "web",
    language: object = None,
) -> Post:
    """`language` is one of forum.i18n.LANGUAGES; None (or "") detects it from the title and body."""
    require(author, "ask")
    errors: dict[str, str] = {}
    # A question mirrored from X starts without tags (a tweet has none); people add them later.
    least = 0 if source == "twitter" else TAGS_MIN
    clean = (clean_title(title, errors), clean_body(body, errors), clean_tags(tags, errors, least))
    written_in = clean_language(language, f"{clean[0]}\n{clean[1]}", errors)
    check(errors)
    now = clock.now()
    question = Post(
        kind="question",
        author=author,
        title=clean[0],
        body=clean[1],
        body_html=markup.render(clean[1]),
        source=source,
        language=written_in,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    session.add(question)
    _retag(question, _tags_for(session, clean[2]))
    session.flush()
    _record_revision(session, question, author, "asked")
    session.flush()
    return question


def post_answer(
    session: Session, author: User, question: Post, body: object, language: object = None
) -> Post:
    """`language` is one of forum.i18n.LANGUAGES; None (or "") detects it from the body."""
    if not question.is_question or question.is_deleted:
        raise no_such("question", question.id)
    require(author, "answer", question)
    errors: dict[str, str] = {}
    text = clean_body(body, errors)
    written_in = clean_language(language, text, errors)
    check(errors)
    now = clock.now()
    answer = Post(
        kind="answer",
        author=author,
        question=question,
        body=text,
        body_html=markup.render(text),
        language=written_in,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )
    session.add(answer)
    question.answer_count = (question.answer_count or 0) + 1
    question.last_activity_at = now
    session.flush()
    _record_revision(session, answer, author, "answered")
    session.flush()
    return answer


def add_comment(session: Session, author: User, post: Post, body: object, *, quote: bool = False) -> Comment:
    """`quote` is for the mirror: a quote tweet that asks nothing, placed under what it quotes."""
    if post.is_deleted:
        raise no_such("post", post.id)
    require(author, "quote_comment" if quote else "comment", post)
    errors: dict[str, str] = {}
    text = clean_comment(body, errors)
    check(errors)
    now = clock.now()
    comment = Comment(post=post, author=author, body=text, body_html=markup.render(text), created_at=now)
    session.add(comment)
    post.thread.last_activity_at = now
    session.flush()
    return comment


def edit_post(
    session: Session,
    editor: User,
    post: Post,
    *,
    title: object = None,
    body: object = None,
    tags: object = None,
    summary: object = "",
) -> Post:
    """Change any of title, body, tags (None leaves a field as it is)."""
    if post.is_deleted:
        raise no_such("post", post.id)
    require(editor, "edit", post)
    errors: dict[str, str] = {}
    if post.is_answer and (title is not None or tags is not None):
        errors["title" if title is not None else "tags"] = _("answers have no title or tags")
    new_title = clean_title(title, errors) if title is not None else post.title
    new_body = clean_body(body, errors) if body is not None else post.body
    new_tags = clean_tags(tags, errors) if tags is not None else post.tag_names
    if not isinstance(summary, str):
        errors["summary"] = _("must be a string")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("must be at most %(max)d characters", max=SUMMARY_MAX)
    check(errors)
    if (new_title, new_body, new_tags) == (post.title, post.body, post.tag_names):
        raise Invalid({"body": _("nothing changed")}, _("The edit changes nothing."))
    now = clock.now()
    post.title = new_title
    if new_body != post.body:
        post.body = new_body
        post.body_html = markup.render(new_body)
    if post.is_question and new_tags != post.tag_names:
        _retag(post, _tags_for(session, new_tags))
    post.updated_at = now
    post.thread.last_activity_at = now
    session.flush()
    _record_revision(session, post, editor, str(summary).strip() or "edited")
    session.flush()
    return post
