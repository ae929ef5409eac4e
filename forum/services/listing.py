"""Which questions a list shows, in what order: shared by pages and the API."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from forum.i18n import LANGUAGES
from forum.models import Comment, Post, StaffVerification, Tag
from forum.services.errors import Invalid
from forum.services.validation import TAG_MAX_LEN, TAG_RE, TAGS_MAX
from forum.vocabulary import Term, Vocabulary

SORTS = Vocabulary(
    Term("newest", _l("Newest")),
    Term("active", _l("Active")),
    Term("votes", _l("Top voted")),
    Term("unanswered", _l("Unanswered")),
)
STATES = Vocabulary(
    Term("any", _l("Any state")),
    Term("answered", _l("Answered")),
    Term("accepted", _l("Has accepted answer")),
    Term("unaccepted", _l("No accepted answer")),
)
# Where a question came from (Post.source): asked here, or mirrored from X.
SOURCES = Vocabulary(
    Term("any", _l("Anywhere")),
    Term("web", _l("Asked here")),
    Term("twitter", _l("From X")),
)
# The language a question is written in (Post.language), each under its own name.
LANGUAGE_FILTER = Vocabulary(Term("any", _l("Any language")), *LANGUAGES)


def parse_tagged(raw: object) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, str):
        raise Invalid({"tagged": _("must be tag names separated by ;")})
    tags = [t.strip().lower() for t in raw.replace(",", ";").split(";") if t.strip()]
    if len(tags) > TAGS_MAX or any(len(t) > TAG_MAX_LEN for t in tags):
        raise Invalid(
            {
                "tagged": _(
                    "give at most %(max)d tags of up to %(length)d characters",
                    max=TAGS_MAX,
                    length=TAG_MAX_LEN,
                )
            }
        )
    # No tag can hold other characters, and a NUL would break the PostgreSQL query.
    if not all(TAG_RE.match(t) for t in tags):
        raise Invalid({"tagged": _("tags use only a-z, 0-9 and . + # -")})
    return tags


def questions_query(
    sort: object = "newest",
    tagged: list[str] | None = None,
    state: object = "any",
    source: object = "any",
    language: object = "any",
) -> Select:
    if sort not in SORTS:
        raise Invalid({"sort": _("must be one of %(values)s", values=SORTS.one_of())})
    if state not in STATES:
        raise Invalid({"state": _("must be one of %(values)s", values=STATES.one_of())})
    if source not in SOURCES:
        raise Invalid({"source": _("must be one of %(values)s", values=SOURCES.one_of())})
    if language not in LANGUAGE_FILTER:
        raise Invalid({"language": _("must be one of %(values)s", values=LANGUAGE_FILTER.one_of())})
    query = (
        select(Post)
        .where(Post.kind == "question", Post.deleted_at.is_(None))
        .options(selectinload(Post.tags), selectinload(Post.author))
    )
    for name in tagged or []:
        query = query.where(Post.tags.any(Tag.name == name))
    if source != "any":
        query = query.where(Post.source == source)
    if language != "any":
        query = query.where(Post.language == language)
    if state == "answered":
        query = query.where(Post.answer_count > 0)
    elif state == "accepted":
        query = query.where(Post.accepted_answer_id.is_not(None))
    elif state == "unaccepted":
        query = query.where(Post.accepted_answer_id.is_(None))
    if sort == "newest":
        query = query.order_by(Post.created_at.desc(), Post.id.desc())
    elif sort == "active":
        query = query.order_by(Post.last_activity_at.desc(), Post.id.desc())
    elif sort == "votes":
        query = query.order_by(Post.score.desc(), Post.created_at.desc(), Post.id.desc())
    else:
        query = query.where(Post.answer_count == 0).order_by(Post.created_at.desc(), Post.id.desc())
    return query


def _shown_with_post():
    """What a thread shows beside each post, loaded for all its posts at once (a fixed
    number of queries, however many answers and comments there are)."""
    return (
        selectinload(Post.author),
        selectinload(Post.comments).selectinload(Comment.author),
        selectinload(Post.staff_verification).selectinload(StaffVerification.user),  # type: ignore[attr-defined]
    )


def load_thread(session: Session, question: Post) -> Post:
    """`question` with its tags, people and comments loaded, ready for its page."""
    load_shown(session, [question])
    return question


def load_shown(session: Session, posts: Sequence[Post]) -> None:
    """Load what a thread shows beside each of `posts` (already in `session`) for all at once:
    a fixed number of queries, however many posts and comments there are."""
    ids = [post.id for post in posts]
    if not ids:
        return
    session.scalars(
        select(Post)
        .where(Post.id.in_(ids))
        .options(selectinload(Post.tags), selectinload(Post.accepted_by), *_shown_with_post())
    ).all()


def answers_in_order(session: Session, question: Post, *, shown: bool = True) -> list[Post]:
    """Accepted answer first, then by score, then oldest first; with what the page shows beside
    each loaded too, unless `shown` is False (forum/web/fragments.py loads that when it must)."""
    answers = session.scalars(
        select(Post)
        .where(Post.question_id == question.id, Post.deleted_at.is_(None))
        .options(*(_shown_with_post() if shown else (selectinload(Post.staff_verification),)))  # type: ignore[attr-defined]
        .order_by(Post.score.desc(), Post.created_at, Post.id)
    ).all()
    return sorted(answers, key=lambda a: a.id != question.accepted_answer_id)


def deleted_answers(session: Session, question: Post) -> list[Post]:
    """The question's deleted answers, oldest first (moderators see them under the live ones)."""
    return list(
        session.scalars(
            select(Post)
            .where(Post.question_id == question.id, Post.deleted_at.is_not(None))
            # Post.deletion is the backref of PostDeletion.post: forum.models.post cannot name
            # PostDeletion without importing forum.models.moderation, which imports it (a cycle).
            .options(selectinload(Post.author), selectinload(Post.deletion))  # type: ignore[attr-defined]
            .order_by(Post.created_at, Post.id)
        )
    )
