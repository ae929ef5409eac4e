"""The audit log: every moderator, staff-curation and admin action, append-only
(the FAQ's pins, hides and titles among them).

`record` writes one entry (who, what, which post, why, state before and
after); `post_state` is the snapshot services put in `before`/`after`;
`entries_query` is the filterable, newest-first list the pages and the API
show; `ACTIONS` names what an entry records (forum/web/audit_words.py puts
an entry's before/after in words for people). Nothing here updates or
deletes an entry.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from forum import clock
from forum.models import AuditEntry, Post, User
from forum.services.errors import Invalid
from forum.services.validation import is_valid_id
from forum.vocabulary import Term, Vocabulary

# A label may name a setting in braces; `action_labels` fills in its configured value
# (translations keep the braces and the name in them as they are).
ACTIONS = Vocabulary(
    Term("flag_handled", _l("handled a flag")),
    Term("flag_declined", _l("declined a flag")),
    Term("auto_hide", _l("hid ({FLAGS_TO_HIDE} flags)")),
    Term("delete", _l("deleted")),
    Term("undelete", _l("undeleted")),
    Term("close", _l("closed")),
    Term("reopen", _l("reopened")),
    Term("lock", _l("locked")),
    Term("unlock", _l("unlocked")),
    Term("edit", _l("edited")),
    Term("merge", _l("merged")),
    Term("accept", _l("marked solution")),
    Term("unaccept", _l("unmarked solution")),
    Term("verify", _l("verified")),
    Term("unverify", _l("removed verification")),
    Term("change_role", _l("changed role")),
    Term("change_settings", _l("changed settings")),
    Term("mirror_hide", _l("hid (deleted on X)")),
    Term("faq_pin", _l("pinned in the FAQ")),
    Term("faq_unpin", _l("unpinned in the FAQ")),
    Term("faq_hide", _l("hid from the FAQ")),
    Term("faq_unhide", _l("showed again in the FAQ")),
    Term("faq_retitle", _l("retitled in the FAQ")),
)


def action_labels() -> dict[str, str]:
    """Each action's label as the log shows it, with the configured numbers in place."""
    return {action.value: str(action.label).format_map(current_app.config) for action in ACTIONS}


def post_state(post: Post) -> dict:
    """What moderation can change about a post, as JSON for before/after."""
    state: dict[str, object] = {
        "deleted": post.is_deleted,
        "locked": post.locked,
    }
    if post.is_question:
        state.update(
            closed=post.closed,
            closed_reason=post.closed_reason,
            duplicate_of=post.duplicate_of_id,
            accepted_answer_id=post.accepted_answer_id,
            answer_count=post.answer_count,
        )
    else:
        state["question_id"] = post.question_id
    return state


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    post: Post | None = None,
    subject_user: User | None = None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. `actor` None means the forum itself acted (flags hid a post)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        post_id=post.id if post is not None else None,
        subject_user_id=subject_user.id if subject_user is not None else None,
        reason=(reason or "")[:500],
        before=before,
        after=after,
        created_at=clock.now(),
    )
    session.add(entry)
    session.flush()
    return entry


def entries_query(
    session: Session, *, actor: object = None, post_id: object = None, action: object = None
) -> Select:
    """The log, newest first, filtered by actor (username or id), post and action."""
    errors: dict[str, str] = {}
    query = select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject_user))
    if actor not in (None, ""):
        actor_id = _actor_id(session, actor)
        if actor_id is None:
            errors["actor"] = _("is not a known username or user id")
        else:
            query = query.where(AuditEntry.actor_id == actor_id)
    if post_id not in (None, ""):
        number = _as_int(post_id)
        if number is None:
            errors["post_id"] = _("must be a post id")
        else:
            query = query.where(AuditEntry.post_id == number)
    if action not in (None, ""):
        if action not in ACTIONS:
            errors["action"] = _("must be one of %(values)s", values=ACTIONS.one_of())
        else:
            query = query.where(AuditEntry.action == action)
    if errors:
        raise Invalid(errors)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _as_int(value: object) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    return value if is_valid_id(value) else None


def _actor_id(session: Session, actor: object) -> int | None:
    number = _as_int(actor)
    if number is not None:
        return number
    if not isinstance(actor, str) or len(actor) > 30:
        return None
    from forum.services.accounts import find_user_by_name

    user = find_user_by_name(session, actor.strip())
    return user.id if user is not None else None
