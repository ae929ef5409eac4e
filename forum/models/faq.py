"""The search log behind the self-learning FAQ: what people searched for, what they opened,
the questions staff asked to meet a need, the demand signals on solutions (question views and
"did this solve your problem?" votes), and the FAQ built from demand.

Nothing here names a person: `visitor` is a keyed hash that changes every day
(forum/visitors.py) and no address is ever stored. forum/services/search_log.py
writes and prunes the rows; forum/services/needs.py reads them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum import clock
from forum.extensions import Model
from forum.models.post import Post
from forum.models.user import User

QUERY_MAX = 500
TERMS_MAX = 500


class SearchLog(Model):
    """One search made from the search page or the API."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(QUERY_MAX))  # the typed text, case and spaces normalised
    # The need it belongs to: its analysed words (folded and stemmed), sorted, space-separated.
    terms: Mapped[str] = mapped_column(String(TERMS_MAX), index=True)
    language: Mapped[str] = mapped_column(String(8))  # the interface language it was made in
    result_count: Mapped[int]
    visitor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)


class SearchClick(Model):
    """A hit of a search that its visitor opened: once per search and post."""

    __tablename__ = "search_clicks"
    __table_args__ = (UniqueConstraint("search_id", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("search_log.id", ondelete="CASCADE"))
    # No foreign key: the log outlives a post's hard deletion until it is pruned.
    post_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class NeedQuestion(Model):
    """A question staff asked from an unmet need ("ask it"); its accepted answer resolves the need."""

    __tablename__ = "need_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(String(TERMS_MAX), unique=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    question: Mapped[Post] = relationship()


class FaqEntry(Model):
    """A question in the FAQ, with the answer it shows and its demand at the last refresh
    (`flask forum faq refresh`, forum/services/faq.py, which rewrites the whole table)."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    demand: Mapped[float]
    refreshed_at: Mapped[datetime] = mapped_column(default=clock.now)

    question: Mapped[Post] = relationship(foreign_keys=[question_id])
    answer: Mapped[Post] = relationship(foreign_keys=[answer_id])
    # Staff's pin, hide and title for it, kept apart so that a refresh leaves them be.
    curation: Mapped[FaqCuration | None] = relationship(
        primaryjoin="FaqEntry.question_id == foreign(FaqCuration.question_id)", viewonly=True, uselist=False
    )

    @property
    def pinned(self) -> bool:
        return self.curation is not None and self.curation.pinned

    @property
    def hidden(self) -> bool:
        return self.curation is not None and self.curation.hidden

    @property
    def title(self) -> str | None:
        """The title the FAQ shows: staff's, else the question's own."""
        if self.curation is not None and self.curation.title:
            return self.curation.title
        return self.question.title


class FaqCuration(Model):
    """What staff chose for a question in the FAQ: pinned first, hidden from readers, or shown
    under another title (None: the question's own). One row per question; `faq refresh`
    rewrites faq_entries and never touches these, so the choices outlast every refresh."""

    __tablename__ = "faq_curation"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(150))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)

    question: Mapped[Post] = relationship(foreign_keys=[question_id])
    updated_by: Mapped[User | None] = relationship()


class QuestionView(Model):
    """A visitor read a question page: once per visitor key and day (forum/web/faq.py counts it)."""

    __tablename__ = "question_views"
    __table_args__ = (UniqueConstraint("question_id", "visitor", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    visitor: Mapped[str] = mapped_column(String(64))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)


class HelpedVote(Model):
    """ "Did this solve your problem?" on an accepted or staff-verified answer: one per voter and
    answer. `voter` is a keyed hash of the visitor with the answer in it (forum/visitors.py), so
    votes on two answers cannot be told to be one person's."""

    __tablename__ = "helped_votes"
    __table_args__ = (UniqueConstraint("answer_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))
    helped: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
