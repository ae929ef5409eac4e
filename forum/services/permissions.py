"""Who may do what, asked one way: `refusal(user, action, post)`, `can(...)` and `require(...)`.

`refusal` gives the answer the service will give: None when `action` on
`post` would be allowed, or the domain error the service raises, whose
message says why and what unlocks it. Services call `require` before they
change anything; pages ask `may`/`why_not` (forum/web/helpers.py), the same
question for the signed-in viewer, so a page offers a control exactly when
the service would accept it. What only the request can tell (bad input, a
vote past its window, the daily vote limit) stays with the service.

Reputation thresholds are config's PRIVILEGES with an admin's changes laid
over them (forum/services/site_settings.py); staff, moderators and admins
bypass them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import object_session

from forum import clock
from forum.models import Comment, Post, User
from forum.services import reputation, site_settings
from forum.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotAllowed,
    NotSignedIn,
    OwnPost,
    TooEarly,
)

# Each privilege as it ends "You need 15 reputation to ...".
PRIVILEGE_LABELS = {
    "vote_up": _l("vote up"),
    "flag": _l("flag posts"),
    "comment_everywhere": _l("comment on any post"),
    "vote_down": _l("vote down"),
    "edit_any": _l("edit any post"),
    "close_reopen": _l("vote to close and reopen"),
}
# The flag reasons you may give on your own post: asking for a moderator's help.
OWN_POST_FLAG_REASONS = ("needs_attention",)
SIGN_IN_MESSAGES = {
    "accept": _l("Log in to accept an answer."),
    "unaccept": _l("Log in to accept an answer."),
}
# What a locked thread refuses, by what was being done there (`_frozen_refusal`).
LOCKED_MESSAGES = {
    "answer": _l(
        "This thread is locked by a moderator: only moderators can answer here until it is unlocked."
    ),
    "comment": _l(
        "This thread is locked by a moderator: only moderators can comment here until it is unlocked."
    ),
    "edit": _l("This thread is locked by a moderator: only moderators can edit here until it is unlocked."),
    "vote": _l("This thread is locked by a moderator: only moderators can vote here until it is unlocked."),
    "change the accepted answer": _l(
        "This thread is locked by a moderator: only moderators can change the accepted answer here "
        "until it is unlocked."
    ),
}
# A rule: (user, post, reason) -> the refusal, or None.
Rule = Callable[..., DomainError | None]


def thresholds() -> dict[str, int]:
    return site_settings.privilege_thresholds()


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
    session = object_session(user)
    value = reputation.privilege_reputation(session, user.id) if session is not None else user.reputation
    user.__dict__["_forum_privilege_reputation"] = (user.reputation, value)
    return value


def frozen(post: Post) -> bool:
    """Locked means frozen: a lock on a question freezes its whole thread, on an answer that answer."""
    thread = post.thread
    return post.locked or (thread is not None and thread.locked)


def author_may_delete(post: Post) -> bool:
    """An author may delete their own post while nobody relies on it (Stack Overflow's rule)."""
    if frozen(post):
        return False
    if post.is_answer:
        return post.question is None or post.question.accepted_answer_id != post.id
    return post.accepted_answer_id is None and not any(a.score > 0 and not a.is_deleted for a in post.answers)


def self_accept_opens_at(question: Post) -> datetime:
    """When the asker may accept their own answer to `question`."""
    return question.created_at + timedelta(seconds=current_app.config["SELF_ACCEPT_DELAY_SECONDS"])


def refusal(
    user: User | None, action: str, post: Post | Comment | None = None, *, reason: str | None = None
) -> DomainError | None:
    """Why `user` may not do `action` on `post`, or None when they may.

    The actions and what `post` is for each:
    - `ask`; `answer` (the question); `comment` and `edit` (the post);
      `quote_comment` (the post a mirrored quote tweet lands under);
    - `vote_up`, `vote_down`, `undo_vote` (the post voted on);
    - `accept` (an answer, or the question when no answer is named yet) and
      `unaccept` (the question);
    - `close` and `reopen` (the question);
    - `flag` (the post or comment flagged; `reason`, when given, is the flag's);
    - `verify` and `unverify` (the answer, for "verified by staff");
    - `delete` (the post);
    - the roles `moderate`, `staff`, `admin`, and any privilege of
      PRIVILEGE_LABELS on its own (no post).
    The checks run in the order the service makes them, so the first
    refusal is the one the service gives.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return NotSignedIn(str(SIGN_IN_MESSAGES.get(action) or _("Log in to do that.")))
    if action == "ask":
        return None
    if action in _ROLES:
        return _ROLES[action](user)
    rule = _POST_RULES.get(action)
    if rule is not None and post is not None:
        return rule(user, post, reason)
    if action in PRIVILEGE_LABELS:
        return _privilege_refusal(user, action)
    raise ValueError(f"{action!r} is asked about a post" if rule else f"unknown action {action!r}")


def can(
    user: User | None, action: str, post: Post | Comment | None = None, *, reason: str | None = None
) -> bool:
    return refusal(user, action, post, reason=reason) is None


def require(
    user: User | None, action: str, post: Post | Comment | None = None, *, reason: str | None = None
) -> None:
    error = refusal(user, action, post, reason=reason)
    if error is not None:
        raise error


# --- the rules, one per action ------------------------------------------------------------


def _frozen_refusal(user: User, post: Post, doing: str) -> Conflict | None:
    """Only moderators vote, edit, comment, answer or accept in a locked thread."""
    if frozen(post) and not user.is_moderator:
        return Conflict(str(LOCKED_MESSAGES[doing]))
    return None


def _owns_thread(user: User, post: Post) -> bool:
    """The user wrote `post`, or the question that `post` answers."""
    if post.author_id == user.id:
        return True
    thread = post.thread
    return thread is not None and thread.author_id == user.id


def _answer(user: User, question: Post, reason: str | None) -> DomainError | None:
    if refused := _frozen_refusal(user, question, "answer"):
        return refused
    if question.closed:
        return Conflict(_("This question is closed: it takes no new answers until it is reopened."))
    return None


def _comment(user: User, post: Post, reason: str | None) -> DomainError | None:
    if not _owns_thread(user, post) and (refused := _privilege_refusal(user, "comment_everywhere")):
        return refused
    return _frozen_refusal(user, post, "comment")


def _quote_comment(user: User, post: Post, reason: str | None) -> DomainError | None:
    """A tweet quoting a thread without asking anything was said in public on X: the mirror
    places it under what it quotes whatever its author's reputation, but not in a locked thread."""
    return _frozen_refusal(user, post, "comment")


def _edit(user: User, post: Post, reason: str | None) -> DomainError | None:
    if post.author_id != user.id and (refused := _privilege_refusal(user, "edit_any")):
        return refused
    return _frozen_refusal(user, post, "edit")


def _vote(privilege: str) -> Rule:
    def rule(user: User, post: Post, reason: str | None) -> DomainError | None:
        if post.author_id == user.id:
            return OwnPost(_("You cannot vote on your own post."))
        return _privilege_refusal(user, privilege) or _frozen_refusal(user, post, "vote")

    return rule


def _undo_vote(user: User, post: Post, reason: str | None) -> DomainError | None:
    return _frozen_refusal(user, post, "vote")


def _accept(user: User, post: Post, reason: str | None) -> DomainError | None:
    """Change the accepted answer of `post`'s question; for an answer, accept that one."""
    question = post.thread
    if not (user.is_moderator or question.author_id == user.id):
        return Forbidden(_("Only the person who asked, or a moderator, may accept an answer."))
    if refused := _frozen_refusal(user, question, "change the accepted answer"):
        return refused
    own_answer = post.is_answer and post.author_id == question.author_id == user.id
    if own_answer and clock.now() < self_accept_opens_at(question):
        delay = clock.duration_words(current_app.config["SELF_ACCEPT_DELAY_SECONDS"])
        return TooEarly(
            _(
                "You can accept your own answer %(delay)s after asking, from %(when)s UTC.",
                delay=delay,
                when=self_accept_opens_at(question).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return None


def _unaccept(user: User, question: Post, reason: str | None) -> DomainError | None:
    return _accept(user, question.thread, reason)


def _close(closing: bool) -> Rule:
    def rule(user: User, question: Post, reason: str | None) -> DomainError | None:
        if refused := _privilege_refusal(user, "close_reopen"):
            return refused
        if question.locked and not user.is_moderator:
            if closing:
                return Conflict(_("This question is locked; only a moderator can close it."))
            return Conflict(_("This question is locked; only a moderator can reopen it."))
        if question.closed == closing:
            if closing:
                return Conflict(_("Question %(id)d is already closed.", id=question.id))
            return Conflict(_("Question %(id)d is not closed.", id=question.id))
        return None

    return rule


def _flag(user: User, flagged: Post | Comment, reason: str | None) -> DomainError | None:
    if refused := _privilege_refusal(user, "flag"):
        return refused
    if reason is not None and flagged.author_id == user.id and reason not in OWN_POST_FLAG_REASONS:
        return Forbidden(_("You cannot flag your own post as spam, offensive or not an answer."))
    return None


def _verify(user: User, answer: Post, reason: str | None) -> DomainError | None:
    if refused := _staff(user):
        return refused
    if answer.author_id == user.id:
        return Forbidden(_("Another staff member has to verify your own answer."))
    return None


def _unverify(user: User, answer: Post, reason: str | None) -> DomainError | None:
    return _staff(user)


def _delete(user: User, post: Post, reason: str | None) -> DomainError | None:
    if user.is_moderator:
        return None
    if post.author_id != user.id:
        return _moderator(user)
    if not author_may_delete(post):
        return Forbidden(
            _(
                "You can no longer delete this post: it is locked (or in a locked thread), "
                "accepted, or has upvoted answers."
            )
        )
    return None


def _moderator(user: User) -> Forbidden | None:
    return None if user.is_moderator else Forbidden(_("Only moderators may do that."))


def _staff(user: User) -> Forbidden | None:
    return None if user.is_staff else Forbidden(_("Only staff may do that."))


def _admin(user: User) -> Forbidden | None:
    return None if user.is_admin else Forbidden(_("Only admins may do that."))


_ROLES = {"moderate": _moderator, "staff": _staff, "admin": _admin}
_POST_RULES: dict[str, Rule] = {
    "answer": _answer,
    "comment": _comment,
    "quote_comment": _quote_comment,
    "edit": _edit,
    "vote_up": _vote("vote_up"),
    "vote_down": _vote("vote_down"),
    "undo_vote": _undo_vote,
    "accept": _accept,
    "unaccept": _unaccept,
    "close": _close(True),
    "reopen": _close(False),
    "flag": _flag,
    "verify": _verify,
    "unverify": _unverify,
    "delete": _delete,
}


def _privilege_refusal(user: User, privilege: str) -> NotAllowed | None:
    if has_privilege(user, privilege):
        return None
    needed = thresholds()[privilege]
    label = PRIVILEGE_LABELS[privilege]
    if user.reputation < needed:
        return NotAllowed(
            privilege,
            needed,
            user.reputation,
            _(
                "You need %(needed)d reputation to %(action)s; you have %(have)d.",
                needed=needed,
                action=label,
                have=user.reputation,
            ),
        )
    counted = privilege_reputation(user)
    hours = current_app.config["ACCEPT_VETTED_ACCOUNT_AGE_SECONDS"] / 3600
    if hours == 24:
        age = _("a day")
    else:  # the count picks the plural form; a fraction of an hour reads as "hours"
        age = ngettext(
            "%(hours)s hour",
            "%(hours)s hours",
            int(hours) if hours.is_integer() else 2,
            hours=format(hours, "g"),
        )
    return NotAllowed(
        privilege,
        needed,
        counted,
        _(
            "You need %(needed)d reputation to %(action)s; you have %(have)d, but %(unvetted)d of it came "
            "from answers accepted by new accounts (under %(age)s old or under %(vetted)d reputation), "
            "which does not unlock privileges. Earn %(more)d more from votes or other accepts to unlock it.",
            needed=needed,
            action=label,
            have=user.reputation,
            unvetted=user.reputation - counted,
            age=age,
            vetted=current_app.config["ACCEPT_VETTED_REPUTATION"],
            more=needed - counted,
        ),
    )
