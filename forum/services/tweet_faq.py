"""Tweets meet the FAQ: a question mirrored from X that closely matches an FAQ entry is shown
to staff in the queue as "suggested: <entry>", and staff reply with the entry's link in one click.

Close match: the similar-questions search (forum/search, as on the ask page)
proposes candidates for the tweet's title; the best one that is an FAQ entry
(forum/services/faq.py) and not hidden by staff is suggested when the two titles
share at least half of the entry's analysed words (folded and stemmed, common
words out), and at least two of them when the entry has two or more; the entry's
words are those of the title the FAQ shows (staff's, if they retitled it) or of
its question's own.

The reply is a staff answer on the mirrored question that names the entry and
links to it. Like any staff answer on a mirrored thread it goes out through the
reply-back outbox (forum/social/replyback.py, only when X_REPLY_BACK is on):
nothing is queued until a person presses the button, and a question staff have
already answered is refused, so a second click queues nothing more.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import search
from forum.models import FaqEntry, Post, User
from forum.models.user import STAFF_ROLES
from forum.services import faq, posting
from forum.services.errors import Conflict, NotFound
from forum.services.permissions import require
from forum.services.validation import is_valid_id

CANDIDATES = 5


def suggestion_for(session: Session, question: Post) -> FaqEntry | None:
    """The FAQ entry to suggest for a mirrored question, or None."""
    if question.source != "twitter":
        return None
    try:
        hits = search.similar_questions(session, question.title, limit=CANDIDATES + 1)
    except search.SearchUnavailable:
        return None  # the queue still works without its suggestions
    candidates = [hit.question_id for hit in hits if hit.question_id != question.id]
    found = faq.first_match(session, question.title, candidates)
    return found[1] if found is not None else None


def suggestions(session: Session, questions: list[Post]) -> dict[int, FaqEntry]:
    """question id -> its suggested FAQ entry, for the mirrored questions among `questions`."""
    found = {}
    for question in questions:
        entry = suggestion_for(session, question)
        if entry is not None:
            found[question.id] = entry
    return found


def entry_link(entry: FaqEntry) -> str:
    base = str(current_app.config["X_SITE_URL"]).rstrip("/")
    return f"{base}/questions/{entry.question_id}#answer-{entry.answer_id}"


def reply_with_entry(session: Session, user: User, question_id: object, entry_question_id: object) -> Post:
    """Staff answer the mirrored question with the FAQ entry's link (the outbox tweets it)."""
    require(user, "staff")
    question = session.get(Post, question_id) if is_valid_id(question_id) else None
    if question is None or not question.is_question or question.is_deleted or question.source != "twitter":
        raise posting.no_such("question", question_id)
    entry = (
        session.scalar(select(FaqEntry).where(FaqEntry.question_id == entry_question_id))
        if is_valid_id(entry_question_id)
        else None
    )
    if entry is None or not faq.visible(entry):
        raise NotFound(_("That question is not in the FAQ any more."))
    answered = session.scalar(
        select(Post.id)
        .join(User, User.id == Post.author_id)
        .where(Post.question_id == question.id, Post.deleted_at.is_(None), User.role.in_(STAFF_ROLES))
        .limit(1)
    )
    if answered is not None:
        raise Conflict(_("Staff have already answered this question; nothing more was sent."))
    body = _(
        "This is answered in our FAQ: %(title)s <%(link)s>",
        title=entry.title,
        link=entry_link(entry),
    )
    return posting.post_answer(session, user, question, body)
