"""An audit entry's before and after, in words for people: "Accepted answer: none → answer #31".

forum/services/audit.py records raw fields (what the services put in
`before`/`after`); the audit log page shows them through `describe_changes`,
with each value in words and the post or person it names, for a link.
The words are in the request's language: labels are lazy, values are made per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from forum.models.moderation import FLAG_REASONS
from forum.models.user import ROLES
from forum.services.moderation import CLOSE_REASONS, DELETION_REASONS
from forum.services.permissions import PRIVILEGE_LABELS


@dataclass(frozen=True)
class Shown:
    """One side of a recorded change in words, and the post or person it names (for a link)."""

    text: str
    post_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Change:
    """One field an action changed: its label, and its value before (None: not recorded) and after."""

    label: str
    before: Shown | None
    after: Shown


def _yes_no(value: object) -> Shown:
    return Shown(_("yes") if value else _("no"))


# What a numbered thing reads as ("question #12"), one whole phrase per noun for the catalogues.
NUMBERED = {
    "question": _l("question #%(number)s"),
    "answer": _l("answer #%(number)s"),
    "flag": _l("flag #%(number)s"),
    "comment": _l("comment #%(number)s"),
    "user": _l("user #%(number)s"),
}


def _numbered_words(noun: str, value: object) -> str:
    return str(NUMBERED[noun]) % {"number": value}


def _post(noun: str) -> Callable[[object], Shown]:
    def shown(value: object) -> Shown:
        return (
            Shown(_numbered_words(noun, value), post_id=value) if isinstance(value, int) else Shown(_("none"))
        )

    return shown


def _numbered(noun: str) -> Callable[[object], Shown]:
    return lambda value: Shown(_numbered_words(noun, value)) if value is not None else Shown(_("none"))


def _person(value: object) -> Shown:
    return Shown(_numbered_words("user", value), user_id=value) if isinstance(value, int) else Shown(_("no"))


def _text(value: object) -> Shown:
    if value in (None, ""):
        return Shown(_("none"))
    if isinstance(value, list):
        return Shown(", ".join(str(item) for item in value) or _("none"))
    text = str(value)
    return Shown(text if len(text) <= 80 else text[:79] + "…")


def _reason(value: object) -> Shown:
    if not isinstance(value, str) or not value:
        return Shown(_("none"))
    for vocabulary in (CLOSE_REASONS, DELETION_REASONS, FLAG_REASONS):
        if value in vocabulary:
            return Shown(str(vocabulary.label(value)))
    return Shown(value.replace("_", " "))


def _answers(value: object) -> Shown:
    if not isinstance(value, list) or not value:
        return Shown(_("none"))
    return Shown(", ".join(_numbered_words("answer", item) for item in value))


def _flag_status(value: object) -> Shown:
    words = {"open": _("open"), "handled": _("handled"), "declined": _("declined")}
    return Shown(words[value]) if isinstance(value, str) and value in words else _text(value)


def _faq_title(value: object) -> Shown:
    """Staff's title for an FAQ entry; none means the entry shows its question's own."""
    return _text(value) if isinstance(value, str) and value else Shown(_("the question's own"))


def _role(value: object) -> Shown:
    return Shown(str(ROLES.label(value))) if isinstance(value, str) else _text(value)


# Each field services record in before/after: (label, how its value reads).
FIELDS: dict[str, tuple[LazyString, Callable[[object], Shown]]] = {
    "deleted": (_l("Deleted"), _yes_no),
    "locked": (_l("Locked"), _yes_no),
    "closed": (_l("Closed"), _yes_no),
    "closed_reason": (_l("Close reason"), _reason),
    "duplicate_of": (_l("Duplicate of"), _post("question")),
    "accepted_answer_id": (_l("Accepted answer"), _post("answer")),
    "answer_count": (_l("Answers"), _text),
    "question_id": (_l("Question"), _post("question")),
    "delete_reason": (_l("Deleted as"), _reason),
    "merged_into": (_l("Merged into"), _post("question")),
    "moved_answers": (_l("Answers moved"), _answers),
    "title": (_l("Title"), _text),
    "body": (_l("Body"), _text),
    "tags": (_l("Tags"), _text),
    "verified_by_staff": (_l("Verified by staff"), _person),
    "role": (_l("Role"), _role),
    "flag": (_l("Flag"), _numbered("flag")),
    "reason": (_l("Flag reason"), _reason),
    "status": (_l("Flag status"), _flag_status),
    "comment": (_l("Comment"), _numbered("comment")),
    "faq_pinned": (_l("Pinned in the FAQ"), _yes_no),
    "faq_hidden": (_l("Hidden from the FAQ"), _yes_no),
    "faq_title": (_l("FAQ title"), _faq_title),
}


def describe_changes(before: dict | None, after: dict | None) -> list[Change]:
    """The fields an entry changed, in words: "Accepted answer: none -> answer #31".

    A field named nowhere in FIELDS still shows, as its name in words and its raw value.
    Changed privilege thresholds show one line per privilege.
    """
    was: dict = before or {}
    changes: list[Change] = []
    for key, value in (after or {}).items():
        if key in was and was[key] == value:
            continue
        if key == "privileges" and isinstance(value, dict):
            old: dict = was[key] if isinstance(was.get(key), dict) else {}
            changes.extend(
                Change(
                    _(
                        "Reputation to %(privilege)s",
                        privilege=PRIVILEGE_LABELS.get(name, name.replace("_", " ")),
                    ),
                    Shown(str(old[name])) if name in old else None,
                    Shown(str(number)),
                )
                for name, number in value.items()
                if old.get(name) != number
            )
            continue
        if key in FIELDS:
            label, shown = str(FIELDS[key][0]), FIELDS[key][1]
        else:
            label, shown = key.replace("_", " ").capitalize(), _text
        changes.append(Change(label, shown(was[key]) if key in was else None, shown(value)))
    return changes
