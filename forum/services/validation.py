"""Input rules shared by forms and the API (DESIGN.md, "JSON API" input rules).

Each `clean_*` returns the normalised value or records a message in `errors`.
`check(errors)` raises Invalid with every field at once. The limits below are
also what the API's OpenAPI description publishes (forum/api/inputs.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from forum.services.errors import Invalid

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 30000
COMMENT_MIN, COMMENT_MAX = 15, 600
TAGS_MIN, TAGS_MAX, TAG_MAX_LEN = 1, 5, 35
USERNAME_MIN, USERNAME_MAX = 3, 30
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
EMAIL_MIN, EMAIL_MAX = 3, 254
# An edit's summary and a profile's "about" are measured as sent, before any trimming.
SUMMARY_MAX = 300
ABOUT_MAX = 2000

# The characters of a username, and (after lower-casing) of a tag, as regex class contents.
USERNAME_CHARS = r"A-Za-z0-9_.\-"
TAG_CHARS = r"a-z0-9.+#\-"
USERNAME_RE = re.compile(rf"^[{USERNAME_CHARS}]+$")
TAG_RE = re.compile(rf"^[{TAG_CHARS}]+$")
# Tags may come as one string, split at whitespace, commas and semicolons.
TAG_SEPARATORS_RE = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Length:
    """How many characters a text field takes, counted after surrounding whitespace is
    trimmed (unless `strip` is off) and, with `collapse`, each inner run of it is one space."""

    low: int
    high: int
    strip: bool = True
    collapse: bool = False


TITLE = Length(TITLE_MIN, TITLE_MAX, collapse=True)
BODY = Length(BODY_MIN, BODY_MAX)
COMMENT = Length(COMMENT_MIN, COMMENT_MAX)
USERNAME = Length(USERNAME_MIN, USERNAME_MAX)
EMAIL = Length(EMAIL_MIN, EMAIL_MAX)
PASSWORD = Length(PASSWORD_MIN, PASSWORD_MAX, strip=False)


def check(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(errors)


# NUL cannot be stored in PostgreSQL text and a lone surrogate cannot be
# encoded at all; both become U+FFFD, as CommonMark does with NUL.
_UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
# The largest id a database integer column holds.
MAX_ID = 2**31 - 1


def storable(text: str) -> str:
    """`text` with the characters no database can store replaced."""
    return _UNSTORABLE_RE.sub("\ufffd", text)


def is_valid_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _text(value: object, field: str, errors: dict[str, str]) -> str | None:
    if value is None:
        errors[field] = _("is required")
        return None
    if not isinstance(value, str):
        errors[field] = _("must be a string")
        return None
    return storable(value)


def clean_length(
    value: object, field: str, low: int, high: int, errors: dict[str, str], *, strip: bool = True
) -> str:
    text = _text(value, field, errors)
    if text is None:
        return ""
    if strip:
        text = text.strip()
    if not text:
        errors[field] = _("must not be empty")
    elif len(text) < low:
        errors[field] = _("must be at least %(min)d characters (it has %(has)d)", min=low, has=len(text))
    elif len(text) > high:
        errors[field] = _("must be at most %(max)d characters (it has %(has)d)", max=high, has=len(text))
    return text


def clean_text(value: object, field: str, rule: Length, errors: dict[str, str]) -> str:
    # Runs of spaces are collapsed before measuring, so they cannot pad a short title.
    if rule.collapse and isinstance(value, str):
        value = " ".join(value.split())
    return clean_length(value, field, rule.low, rule.high, errors, strip=rule.strip)


def clean_title(value: object, errors: dict[str, str]) -> str:
    return clean_text(value, "title", TITLE, errors)


def clean_body(value: object, errors: dict[str, str]) -> str:
    return clean_text(value, "body", BODY, errors)


def clean_comment(value: object, errors: dict[str, str]) -> str:
    return clean_text(value, "body", COMMENT, errors)


def clean_tags(value: object, errors: dict[str, str], minimum: int = TAGS_MIN) -> list[str]:
    """Tags come as a list of strings or one string separated by spaces, commas or ;.

    `minimum` is 0 only for a question mirrored from X: a tweet has no tags to give.
    """
    if value is None:
        errors["tags"] = _("is required: give %(min)d to %(max)d tags", min=TAGS_MIN, max=TAGS_MAX)
        return []
    if isinstance(value, str):
        raw = TAG_SEPARATORS_RE.split(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        raw = value
    else:
        errors["tags"] = _("must be a list of strings")
        return []
    tags: list[str] = []
    for item in raw:
        tag = item.strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) < minimum:
        errors["tags"] = _("give at least one tag")
    elif len(tags) > TAGS_MAX:
        errors["tags"] = _("give at most %(max)d tags (you gave %(gave)d)", max=TAGS_MAX, gave=len(tags))
    else:
        for tag in tags:
            if len(tag) > TAG_MAX_LEN:
                errors["tags"] = _(
                    "tag '%(tag)s' is longer than %(max)d characters", tag=tag[:40], max=TAG_MAX_LEN
                )
                break
            if not TAG_RE.match(tag):
                errors["tags"] = _("tag '%(tag)s' may use only a-z, 0-9 and . + # -", tag=tag[:40])
                break
    # Sorted like the question's tags, so an edit that only reorders them changes nothing.
    return sorted(tags)


def clean_username(value: object, errors: dict[str, str]) -> str:
    name = clean_text(value, "username", USERNAME, errors)
    if "username" not in errors and not USERNAME_RE.match(name):
        errors["username"] = _("may use only letters, digits, _ - and .")
    return name


def clean_email(value: object, errors: dict[str, str]) -> str:
    email = clean_text(value, "email", EMAIL, errors)
    if "email" in errors:
        return email
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        errors["email"] = _("is not a valid address: %(reason)s", reason=exc)
        return email


def clean_password(value: object, errors: dict[str, str]) -> str:
    return clean_text(value, "password", PASSWORD, errors)
