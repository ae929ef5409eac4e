"""An audit entry's before and after, in words for people: "Accepted answer: none → answer #31".

forum/services/audit.py records raw fields (what the services put in
`before`/`after`); the audit log page shows them through `describe_changes`,
with each value in words and the post or person it names, for a link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    return Shown("yes" if value else "no")


def _post(noun: str) -> Callable[[object], Shown]:
    def shown(value: object) -> Shown:
        return Shown(f"{noun} #{value}", post_id=value) if isinstance(value, int) else Shown("none")

    return shown


def _numbered(noun: str) -> Callable[[object], Shown]:
    return lambda value: Shown(f"{noun} #{value}") if value is not None else Shown("none")


def _person(value: object) -> Shown:
    return Shown(f"user #{value}", user_id=value) if isinstance(value, int) else Shown("no")


def _text(value: object) -> Shown:
    if value in (None, ""):
        return Shown("none")
    if isinstance(value, list):
        return Shown(", ".join(str(item) for item in value) or "none")
    text = str(value)
    return Shown(text if len(text) <= 80 else text[:79] + "…")


def _reason(value: object) -> Shown:
    if not isinstance(value, str) or not value:
        return Shown("none")
    for vocabulary in (CLOSE_REASONS, DELETION_REASONS, FLAG_REASONS):
        if value in vocabulary:
            return Shown(vocabulary.label(value))
    return Shown(value.replace("_", " "))


def _answers(value: object) -> Shown:
    if not isinstance(value, list) or not value:
        return Shown("none")
    return Shown(", ".join(f"answer #{item}" for item in value))


def _role(value: object) -> Shown:
    return Shown(ROLES.label(value)) if isinstance(value, str) else _text(value)


# Each field services record in before/after: (label, how its value reads).
FIELDS: dict[str, tuple[str, Callable[[object], Shown]]] = {
    "deleted": ("Deleted", _yes_no),
    "locked": ("Locked", _yes_no),
    "closed": ("Closed", _yes_no),
    "closed_reason": ("Close reason", _reason),
    "duplicate_of": ("Duplicate of", _post("question")),
    "accepted_answer_id": ("Accepted answer", _post("answer")),
    "answer_count": ("Answers", _text),
    "question_id": ("Question", _post("question")),
    "delete_reason": ("Deleted as", _reason),
    "merged_into": ("Merged into", _post("question")),
    "moved_answers": ("Answers moved", _answers),
    "title": ("Title", _text),
    "body": ("Body", _text),
    "tags": ("Tags", _text),
    "verified_by_staff": ("Verified by staff", _person),
    "role": ("Role", _role),
    "flag": ("Flag", _numbered("flag")),
    "reason": ("Flag reason", _reason),
    "status": ("Flag status", _text),
    "comment": ("Comment", _numbered("comment")),
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
                    f"Reputation to {PRIVILEGE_LABELS.get(name, name.replace('_', ' '))}",
                    Shown(str(old[name])) if name in old else None,
                    Shown(str(number)),
                )
                for name, number in value.items()
                if old.get(name) != number
            )
            continue
        label, shown = FIELDS.get(key, (key.replace("_", " ").capitalize(), _text))
        changes.append(Change(label, shown(was[key]) if key in was else None, shown(value)))
    return changes
