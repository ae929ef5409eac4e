"""External identities: the forum account that speaks for an @handle, and claiming it.

Each handle gets a password-less forum user (it cannot log in) named after
the handle where that name is free. A member who shows they own the handle
claims the identity: its mirrored posts and comments move to the member.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Comment, ExternalIdentity, Post, ReputationEvent, User
from forum.services import reputation
from forum.services.errors import Conflict, NotFound
from forum.services.validation import USERNAME_MAX, USERNAME_MIN

PROVIDER_TWITTER = "twitter"
_NOT_USERNAME_RE = re.compile(r"[^A-Za-z0-9_.\-]")


def _username_taken(session: Session, name: str) -> bool:
    return session.scalar(select(User.id).where(func.lower(User.username) == name.lower())) is not None


def username_for_handle(session: Session, handle: str) -> str:
    """A free forum username for @handle: the handle itself, else handle.x, handle.x2, ..."""
    base = _NOT_USERNAME_RE.sub("_", handle)[: USERNAME_MAX - 4] or "user"
    candidates = [base] if len(base) >= USERNAME_MIN else []
    candidates += [f"{base}.x"] + [f"{base}.x{n}" for n in range(2, 1000)]
    for name in candidates:
        if not _username_taken(session, name):
            return name
    raise Conflict(f"No free username for @{handle}.")


def find_identity(session: Session, provider: str, external_id: str) -> ExternalIdentity | None:
    return session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.provider == provider, ExternalIdentity.external_id == external_id
        )
    )


def identity_for(
    session: Session, provider: str, external_id: str, handle: str, *, brand: bool = False
) -> ExternalIdentity:
    """The identity for this account, created with its forum user on first sight.

    A brand account's user has the staff role, so its answers carry the staff
    badge; `brand` is decided by X user id (forum.social.brands). An account
    that is no longer a brand loses the role it had from being one.
    """
    identity = find_identity(session, provider, external_id)
    if identity is None:
        user = User(
            username=username_for_handle(session, handle),
            email=f"{provider}-{external_id}@external.invalid",
            password_hash=None,
            role="staff" if brand else "member",
            about=f"Mirrored from @{handle} on X." if provider == PROVIDER_TWITTER else "",
        )
        session.add(user)
        identity = ExternalIdentity(
            provider=provider, external_id=external_id, handle=handle, user=user, is_brand=brand
        )
        session.add(identity)
        session.flush()
        return identity
    if identity.handle != handle:
        identity.handle = handle  # handles can be renamed; the account id stays
    if brand and not identity.is_brand:
        identity.is_brand = True
        if identity.claimed_by_id is None and identity.user.role == "member":
            identity.user.role = "staff"
    elif identity.is_brand and not brand:
        # Brands were once recognised by handle, so another account could have been made one.
        identity.is_brand = False
        if identity.claimed_by_id is None and identity.user.role == "staff":
            identity.user.role = "member"
    return identity


def speaking_user(session: Session, identity: ExternalIdentity) -> User:
    user = session.get(User, identity.speaking_user_id)
    assert user is not None
    return user


def claim_identity(session: Session, member: User, provider: str, handle: str) -> ExternalIdentity:
    """Give @handle's mirrored posts, comments and reputation to `member`.

    Proving ownership of the handle is the caller's job (for example a
    verification tweet); this function only moves what the identity wrote.
    """
    identity = session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.provider == provider,
            func.lower(ExternalIdentity.handle) == handle.lstrip("@").lower(),
        )
    )
    if identity is None:
        raise NotFound(_("No mirrored account @%(handle)s.", handle=handle.lstrip("@")))
    if identity.claimed_by_id is not None:
        if identity.claimed_by_id == member.id:
            return identity
        raise Conflict(_("@%(handle)s has already been claimed.", handle=identity.handle))
    if identity.is_brand:
        raise Conflict(
            _("@%(handle)s is a brand account; an admin links it to staff.", handle=identity.handle)
        )
    placeholder = identity.user_id
    session.execute(update(Post).where(Post.author_id == placeholder).values(author_id=member.id))
    session.execute(update(Comment).where(Comment.author_id == placeholder).values(author_id=member.id))
    # The ledger is append-only: the reputation moves as one pair of rows.
    earned = session.scalar(
        select(func.coalesce(func.sum(ReputationEvent.delta), 0)).where(
            ReputationEvent.user_id == placeholder
        )
    )
    if earned:
        reputation.record(session, placeholder, -earned, "identity_claimed")
        reputation.record(session, member.id, earned, "identity_claimed")
    identity.claimed_by_id = member.id
    identity.claimed_at = clock.now()
    session.flush()
    session.expire_all()
    return identity
