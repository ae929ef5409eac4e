"""Posts (questions and answers in one id space), tags, comments, revisions.

A question has a title, tags and maybe an accepted answer; an answer points
at its question. Counters (`score`, `answer_count`) are caches of rows and
can be recomputed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, and_, exists
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from forum import clock
from forum.extensions import Model, db
from forum.models.user import User

post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(35), unique=True)
    question_count: Mapped[int] = mapped_column(default=0)


class Post(Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_kind_created", "kind", "created_at"),
        Index("ix_posts_kind_activity", "kind", "last_activity_at"),
        Index("uq_posts_imported", "imported_site", "imported_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "question" or "answer"
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_activity_at: Mapped[datetime] = mapped_column(default=clock.now)
    deleted_at: Mapped[datetime | None]
    locked: Mapped[bool] = mapped_column(default=False)
    # One of forum.i18n.LANGUAGES, chosen or detected (forum/services/languages.py); null when
    # unknown, as for posts older than the column.
    language: Mapped[str | None] = mapped_column(String(8))

    # Questions only.
    title: Mapped[str | None] = mapped_column(String(150))
    answer_count: Mapped[int] = mapped_column(default=0)
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL", use_alter=True)
    )
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(32))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", use_alter=True))
    source: Mapped[str] = mapped_column(String(10), default="web")

    # Answers only.
    question_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)

    # Imported posts only (forum/importers/): the site and id they had there, whom that site
    # credits, the address of the original, and the score its votes there brought. Votes cast
    # here add to `imported_score`: score = imported_score + the sum of the votes.
    imported_site: Mapped[str | None] = mapped_column(String(40))
    imported_id: Mapped[int | None]
    imported_author: Mapped[str | None] = mapped_column(String(100))
    imported_url: Mapped[str | None] = mapped_column(String(300))
    imported_score: Mapped[int] = mapped_column(default=0, server_default="0")

    # Answers only: "Did this solve your problem?" yes and no (forum/services/helped.py).
    helped_count: Mapped[int] = mapped_column(default=0, server_default="0")
    not_helped_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    accepted_answer: Mapped[Post | None] = relationship(
        foreign_keys=[accepted_answer_id], remote_side=[id], post_update=True
    )
    question: Mapped[Post | None] = relationship(
        foreign_keys=[question_id], remote_side=[id], back_populates="answers"
    )
    answers: Mapped[list[Post]] = relationship(foreign_keys=[question_id], back_populates="question")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, order_by=Tag.name)
    comments: Mapped[list[Comment]] = relationship(
        back_populates="post", order_by="Comment.created_at, Comment.id"
    )
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", order_by="PostRevision.number"
    )

    @property
    def is_question(self) -> bool:
        return self.kind == "question"

    @property
    def is_answer(self) -> bool:
        return self.kind == "answer"

    @property
    def is_deleted(self) -> bool:
        """Deleted itself, or an answer in a deleted question: hidden from all but moderators."""
        if self.deleted_at is not None:
            return True
        return self.is_answer and self.question is not None and self.question.deleted_at is not None

    @classmethod
    def visible(cls, alias: type[Post] | None = None):
        """SQL for `not is_deleted`: the post, and for an answer its question, are not deleted."""
        post = alias if alias is not None else cls
        thread = aliased(Post)
        deleted_thread = exists().where(thread.id == post.question_id, thread.deleted_at.is_not(None))
        return and_(post.deleted_at.is_(None), ~deleted_thread)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def thread(self) -> Post:
        """The question this post belongs to (itself for a question)."""
        # An answer always has its question: question_id is nullable only because questions share the table.
        return self if self.is_question else self.question  # type: ignore[return-value]

    @property
    def verified_by(self) -> User | None:
        """The staff member who vouched for this answer, or None (forum.models.moderation)."""
        verification = getattr(self, "staff_verification", None)
        return verification.user if verification is not None else None

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.kind}>"


class Comment(Model):
    __tablename__ = "comments"
    __table_args__ = (Index("uq_comments_imported", "imported_site", "imported_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    deleted_at: Mapped[datetime | None]
    # Imported comments only: the site and id they had there.
    imported_site: Mapped[str | None] = mapped_column(String(40))
    imported_id: Mapped[int | None]

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class PostRevision(Model):
    """One saved state of a post: number 1 is the original, each edit adds one."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    post: Mapped[Post] = relationship(back_populates="revisions")
    editor: Mapped[User] = relationship()
