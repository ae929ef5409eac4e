"""The one permission vocabulary: `can(user, action, post)` and `require(...)`.

Reputation thresholds come from config (PRIVILEGES); staff, moderators and
admins bypass them. Templates call `can` to show or explain a button,
services call `require` before they change anything.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import object_session

from forum.models import Post, User
from forum.services.errors import Forbidden, NotAllowed, NotSignedIn

PRIVILEGE_LABELS = {
    "vote_up": "vote up",
    "flag": "flag posts",
    "comment_everywhere": "comment on any post",
    "vote_down": "vote down",
    "edit_any": "edit any post",
    "close_reopen": "vote to close and reopen",
}


def thresholds() -> dict[str, int]:
    return dict(current_app.config["PRIVILEGES"])


def bypasses_reputation(user: User) -> bool:
    return user.is_staff


def has_privilege(user: User | None, privilege: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if bypasses_reputation(user):
        return True
    needed = thresholds()[privilege]
    return user.reputation >= needed and privilege_reputation(user) >= needed


def privilege_reputation(user: User) -> int:
    """The part of `user.reputation` that unlocks privileges (services/acceptance.py says which
    points do not), read once per value of the cached reputation."""
    user = getattr(user, "_get_current_object", lambda: user)()
    cached = user.__dict__.get("_forum_privilege_reputation")
    if cached is not None and cached[0] == user.reputation:
        return cached[1]
    from forum.services.reputation import privilege_reputation as from_ledger

    session = object_session(user)
    value = from_ledger(session, user.id) if session is not None else user.reputation
    user.__dict__["_forum_privilege_reputation"] = (user.reputation, value)
    return value


def _owns_thread(user: User, post: Post) -> bool:
    """The user wrote `post`, or the question that `post` answers."""
    if post.author_id == user.id:
        return True
    thread = post.thread
    return thread is not None and thread.author_id == user.id


def refusal(user: User | None, action: str, post: Post | None = None) -> Exception | None:
    """Why `user` may not do `action` (on `post`), or None when they may."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NotSignedIn("Log in to do that.")
    if action in ("ask", "answer"):
        return None
    if action == "comment":
        if post is not None and _owns_thread(user, post):
            return None
        return _privilege_refusal(user, "comment_everywhere")
    if action == "edit":
        if post is not None and post.author_id == user.id:
            return None
        return _privilege_refusal(user, "edit_any")
    if action in ("vote_up", "vote_down", "flag", "close_reopen", "comment_everywhere", "edit_any"):
        return _privilege_refusal(user, action)
    if action == "moderate":
        return None if user.is_moderator else Forbidden("Only moderators may do that.")
    if action == "staff":
        return None if user.is_staff else Forbidden("Only staff may do that.")
    if action == "admin":
        return None if user.is_admin else Forbidden("Only admins may do that.")
    raise ValueError(f"unknown action {action!r}")


def _privilege_refusal(user: User, privilege: str) -> NotAllowed | None:
    if has_privilege(user, privilege):
        return None
    needed = thresholds()[privilege]
    label = PRIVILEGE_LABELS[privilege]
    if user.reputation < needed:
        return NotAllowed(privilege, needed, user.reputation,
                          f"You need {needed} reputation to {label}; you have {user.reputation}.")
    counted = privilege_reputation(user)
    hours = current_app.config["ACCEPT_VETTED_ACCOUNT_AGE_SECONDS"] / 3600
    age = "a day" if hours == 24 else f"{hours:g} hours"
    return NotAllowed(
        privilege, needed, counted,
        f"You need {needed} reputation to {label}; you have {user.reputation}, but "
        f"{user.reputation - counted} of it came from answers accepted by new accounts (under {age} "
        f"old or under {current_app.config['ACCEPT_VETTED_REPUTATION']} reputation), which does not "
        f"unlock privileges. Earn {needed - counted} more from votes or other accepts to unlock it.",
    )


def can(user: User | None, action: str, post: Post | None = None) -> bool:
    return refusal(user, action, post) is None


def require(user: User | None, action: str, post: Post | None = None) -> None:
    error = refusal(user, action, post)
    if error is not None:
        raise error
