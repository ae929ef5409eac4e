"""Accounts: users with their role and cached reputation, and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum import clock
from forum.extensions import Model
from forum.vocabulary import Term, Vocabulary


@dataclass(frozen=True)
class Role(Term):
    """A role: staff skip reputation gates and work the staff desk; moderators curate."""

    is_staff: bool = False
    moderates: bool = False


ROLES = Vocabulary(
    Role("member", _l("member")),
    Role("staff", _l("staff"), is_staff=True),
    Role("moderator", _l("moderator"), is_staff=True, moderates=True),
    Role("admin", _l("admin"), is_staff=True, moderates=True),
)
STAFF_ROLES = tuple(role.value for role in ROLES if role.is_staff)


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_username_lower", text("lower(username)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    reputation: Mapped[int] = mapped_column(default=1)
    about: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Part of the id kept in sessions and remember-me cookies: raising it (a log-out) ends
    # every session and cookie issued before, on every device.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The interface language the user chose (forum/i18n.py LANGUAGES); None: follow the browser.
    language: Mapped[str | None] = mapped_column(String(8), default=None)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        role = ROLES.get(self.role)
        return role is not None and role.is_staff

    @property
    def is_moderator(self) -> bool:
        role = ROLES.get(self.role)
        return role is not None and role.moderates

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class ApiToken(Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
