"""Moderation and the staff desk: flags, the audit log, deletions, claims,
staff verification, escalations and runtime site settings.

The audit log is append-only: the ORM refuses to update or delete an entry
and the database has triggers that refuse it too (created with the table;
their DDL lives in `forum.models.audit_triggers`, shared with the migration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from forum import clock
from forum.extensions import Model
from forum.models.audit_triggers import AUDIT_TRIGGERS
from forum.models.post import Comment, Post
from forum.models.user import User
from forum.vocabulary import Term, Vocabulary

FLAG_STATUSES = ("open", "handled", "declined")


@dataclass(frozen=True)
class FlagReason(Term):
    weight: int  # how much one open flag of this reason counts towards the queue's order


FLAG_REASONS: Vocabulary[FlagReason] = Vocabulary(
    FlagReason("spam", _l("spam"), 5),
    FlagReason("offensive", _l("rude or offensive"), 5),
    FlagReason("not_an_answer", _l("not an answer"), 1),
    FlagReason("needs_attention", _l("needs a moderator's attention"), 3),
)


def flag_weight(reason: str) -> int:
    term = FLAG_REASONS.get(reason)
    return term.weight if term is not None else 1


class Flag(Model):
    """One member's report of a post (or of a comment on it) to the moderators."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_status_created", "status", "created_at"),
        Index("ix_flags_post_status", "post_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str] = mapped_column(String(500), default="")

    post: Mapped[Post] = relationship()
    comment: Mapped[Comment | None] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def weight(self) -> int:
        return flag_weight(self.reason)


class AuditEntry(Model):
    """Who did what to which post, with the state before and after. Never changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_post_created", "post_id", "created_at"),
        Index("ix_audit_entries_actor_created", "actor_id", "created_at"),
        Index("ix_audit_entries_action_created", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the system itself (FLAGS_TO_HIDE flags hid a post).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    # A plain column, not a foreign key: the log outlives anything it mentions.
    post_id: Mapped[int | None]
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])


class AppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnly("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnly("audit entries are append-only")


# The same rule in the database, for anything that bypasses the ORM.
for _dialect, _statements in AUDIT_TRIGGERS.items():
    for _statement in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))


class PostDeletion(Model):
    """Why a soft-deleted post is gone, and whether flags (not a person) hid it."""

    __tablename__ = "post_deletions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(30))
    # None when FLAGS_TO_HIDE flags hid the post automatically.
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_by_flags: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    post: Mapped[Post] = relationship(backref=backref("deletion", uselist=False, viewonly=True))
    deleted_by: Mapped[User | None] = relationship()


class Claim(Model):
    """A staff member is on this question until `expires_at` (or until they answer)."""

    __tablename__ = "staff_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    claimed_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]

    question: Mapped[Post] = relationship()
    user: Mapped[User] = relationship()


class StaffVerification(Model):
    """A staff member vouches for an answer ("verified by staff"), apart from acceptance."""

    __tablename__ = "staff_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    answer: Mapped[Post] = relationship(backref=backref("staff_verification", uselist=False, viewonly=True))
    user: Mapped[User] = relationship()


class Escalation(Model):
    """A question raised to staff (overdue or needing attention), announced once."""

    __tablename__ = "staff_escalations"

    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class SiteSetting(Model):
    """A setting an admin changes at run time (reputation thresholds), as JSON."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
