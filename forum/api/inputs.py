"""What each API operation takes: its JSON body and its query, as JSON Schema that
says exactly what the server accepts.

Every limit and vocabulary is read from the service that enforces it. The views
pass a body's `fields` to `json_body`, which refuses any other field, and
api/openapi.py publishes these schemas, so neither can drift from the rules.
Patterns spell out Python's whitespace (what `str.strip` and `str.split` take),
because `\\s` in a JSON Schema pattern means something else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from flask import current_app

from forum.i18n import LANGUAGES
from forum.live import catchup
from forum.models.moderation import FLAG_REASONS, FLAG_STATUSES
from forum.models.user import ROLES
from forum.pagination import MAX_PAGE
from forum.search import SORTS as SEARCH_SORTS
from forum.search.query import MAX_QUERY_LENGTH
from forum.services import audit, flags, listing, moderation, posting
from forum.services.needs import STATUSES as NEED_STATUSES
from forum.services.validation import (
    ABOUT_MAX,
    BODY,
    COMMENT,
    EMAIL,
    MAX_ID,
    PASSWORD,
    SUMMARY_MAX,
    TAG_CHARS,
    TAG_MAX_LEN,
    TAGS_MAX,
    TAGS_MIN,
    TITLE,
    USERNAME,
    USERNAME_CHARS,
    Length,
)

# The largest event id: live_events.id is an integer column like every other id, and a
# larger `after` would overflow it on PostgreSQL.
EVENT_ID_MAX = MAX_ID
# The longest title being typed that /search/similar looks up; a longer one is refused.
SIMILAR_TITLE_MAX = 300

# Every character `str.isspace` accepts (tests/api/test_openapi.py checks the list).
WHITESPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A tag is lower-cased before it is checked: capitals and the Kelvin sign (which becomes "k") pass.
TAG_CHARS_ANY_CASE = rf"A-Z{TAG_CHARS}\u212a"

_SPACE = f"[{WHITESPACE}]"
_NOT_SPACE = f"[^{WHITESPACE}]"
_TAG = f"[{TAG_CHARS_ANY_CASE}]{{1,{TAG_MAX_LEN}}}"

Schema = dict[str, object]


def values(vocabulary: Iterable[object]) -> list[str]:
    """The values of a vocabulary, whether a tuple of strings or a Vocabulary of terms."""
    return [str(getattr(term, "value", term)) for term in vocabulary]


def nullable(schema: Schema) -> Schema:
    """`schema`, or null: the field may be sent as null, which counts as leaving it out."""
    return {"anyOf": [schema, {"type": "null"}]}


def or_empty(schema: Schema) -> Schema:
    """A query parameter that may also be sent empty, which counts as leaving it out."""
    return {"anyOf": [schema, {"type": "string", "const": ""}]}


def identifier(low: int = 1, high: int = MAX_ID) -> Schema:
    return {"type": "integer", "minimum": low, "maximum": high}


# A pattern counts trimmed characters only up to this many: a longer count is more than
# validators compile and test generators satisfy. A longer limit (a body's 30,000) is given
# as sent, so a body over it only by surrounding whitespace is also taken.
PATTERN_COUNTS_UP_TO = 1000


def _at_least(length: int, rule: Length) -> str:
    """A pattern for a string that has at least `length` characters as `clean_text` counts them:
    from its first to its last non-space character, with `collapse` each run of spaces as one."""
    if rule.collapse:
        unit = f"(?:{_NOT_SPACE}|{_SPACE}+(?={_NOT_SPACE}))"
        return f"^{_SPACE}*{_NOT_SPACE}{unit}{{{length - 1},}}"
    if length == 1:
        return f"^{_SPACE}*{_NOT_SPACE}"
    return rf"^{_SPACE}*{_NOT_SPACE}[\s\S]{{{length - 2},}}{_NOT_SPACE}"


def text(rule: Length) -> Schema:
    """A string of `rule.low` to `rule.high` characters, counted as `clean_text` counts them."""
    if not rule.strip:
        return {"type": "string", "minLength": rule.low, "maxLength": rule.high}
    schema: Schema = {"type": "string"}
    if rule.low:
        schema.update(minLength=rule.low, pattern=_at_least(rule.low, rule))
    if rule.high <= PATTERN_COUNTS_UP_TO:
        schema["not"] = {"pattern": _at_least(rule.high + 1, rule)}
    else:
        schema["maxLength"] = rule.high
    spaces = "surrounding whitespace not counted"
    if rule.collapse:
        spaces += ", and each run of it inside as one"
    counted = f"{rule.low} to {rule.high}" if rule.low else f"at most {rule.high}"
    schema["description"] = f"{counted} characters, {spaces}"
    return schema


def at_most(high: int) -> Schema:
    return {"type": "string", "maxLength": high}


def one_of(vocabulary: Iterable[object]) -> Schema:
    return {"type": "string", "enum": values(vocabulary)}


def username() -> Schema:
    return {
        "type": "string",
        "minLength": USERNAME.low,
        "pattern": f"^{_SPACE}*[{USERNAME_CHARS}]{{{USERNAME.low},{USERNAME.high}}}{_SPACE}*$",
        "description": f"{USERNAME.low} to {USERNAME.high} letters, digits, _ - or ., once trimmed; "
        "unique ignoring case",
    }


def email() -> Schema:
    """Addresses that email_validator (syntax only, as services/validation.py calls it) takes.

    A plain ASCII subset of them, within its limits on parts and with none of its reserved
    domains; it also takes longer and internationalized addresses, which are not described.
    """
    atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,16}"
    # Labels without two hyphens in a row, which email_validator would read as Punycode.
    label = "[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){0,2}"
    reserved = "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" for c in name) for name in SPECIAL_USE_DOMAIN_NAMES
    )
    address = f"{atom}(?:\\.{atom}){{0,2}}@(?:{label}\\.){{1,3}}(?!(?:{reserved}){_SPACE}*$)[A-Za-z]{{2,20}}"
    return {
        **text(EMAIL),
        "format": "email",
        "pattern": f"^{_SPACE}*{address}{_SPACE}*$",
        "description": f"an address, checked by its syntax only; at most {EMAIL.high} characters",
    }


def tags() -> Schema:
    """A list of tags, or one string of them separated by whitespace, commas or semicolons.

    Each is trimmed and lower-cased; blank ones are dropped and repeats count once.
    """
    separator = f"[{WHITESPACE},;]"
    return {
        "anyOf": [
            {
                "type": "array",
                "items": {"type": "string", "pattern": f"^{_SPACE}*(?:{_TAG})?{_SPACE}*$"},
                # Blank items are dropped, so only the others count.
                "contains": {"type": "string", "pattern": _NOT_SPACE},
                "minContains": TAGS_MIN,
                "maxContains": TAGS_MAX,
            },
            {
                "type": "string",
                "pattern": f"^{separator}*{_TAG}(?:{separator}+{_TAG}){{0,{TAGS_MAX - 1}}}{separator}*$",
            },
        ],
        "description": f"{TAGS_MIN} to {TAGS_MAX} tags of up to {TAG_MAX_LEN} of a-z 0-9 . + # -",
    }


def note() -> Schema:
    return nullable(text(Length(0, moderation.NOTE_MAX)))


@dataclass(frozen=True)
class Body:
    """A JSON object body: its fields and their schemas, and how they depend on each other."""

    name: str
    properties: dict[str, Schema]
    required: tuple[str, ...] = ()
    # Rules across fields (anyOf/oneOf) that no single field's schema can state.
    combined: dict[str, object] = field(default_factory=dict)
    # The body may be left out altogether, as if it were {}.
    optional: bool = False

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.properties)

    def schema(self) -> Schema:
        schema: Schema = {"type": "object", "properties": self.properties, "additionalProperties": False}
        if self.required:
            schema["required"] = list(self.required)
        return {**schema, **self.combined}


REGISTRATION = Body(
    "Registration",
    {"username": username(), "email": email(), "password": text(PASSWORD)},
    required=("username", "email", "password"),
)
CREDENTIALS = Body(
    "Credentials",
    {
        "username": {"type": "string", "minLength": 1},
        "password": {"type": "string"},
        "name": {"type": "string", "description": "a label for the token; the first 80 characters are kept"},
    },
    required=("username", "password"),
)
USER_PATCH = Body(
    "UserPatch",
    {
        "role": {**one_of(ROLES), "description": "admins only"},
        "about": {**at_most(ABOUT_MAX), "description": "only on your own profile"},
        "language": {
            "type": ["string", "null"],
            "enum": [*LANGUAGES.values, None],
            "description": "your own interface language; null follows the browser",
        },
    },
)

# What a new question or answer is written in; left out or null, it is detected from the text.
POST_LANGUAGE = nullable(
    {**one_of(LANGUAGES), "description": "the post's language; left out or null, detected from its text"}
)
QUESTION = Body(
    "QuestionInput",
    {"title": text(TITLE), "body": text(BODY), "tags": tags(), "language": POST_LANGUAGE},
    required=("title", "body", "tags"),
)
QUESTION_PATCH = Body(
    "QuestionPatch",
    {
        "title": nullable(text(TITLE)),
        "body": nullable(text(BODY)),
        "tags": nullable(tags()),
        "summary": at_most(SUMMARY_MAX),
    },
    combined={
        # A field left out or null stays as it is, so an edit names at least one.
        "anyOf": [
            {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
            for name in ("title", "body", "tags")
        ],
    },
)
ANSWER = Body("AnswerInput", {"body": text(BODY), "language": POST_LANGUAGE}, required=("body",))
# An answer has only a body: an edit must send it.
ANSWER_PATCH = Body("AnswerPatch", {"body": text(BODY), "summary": at_most(SUMMARY_MAX)}, required=("body",))
COMMENT_INPUT = Body("CommentInput", {"body": text(COMMENT)}, required=("body",))

VOTE = Body("VoteInput", {"value": {"type": "integer", "enum": [1, -1]}}, required=("value",))
ACCEPT = Body("AcceptInput", {"answer_id": identifier()}, required=("answer_id",))

_FLAG_TEXT = Length(flags.TEXT_MIN, moderation.NOTE_MAX)
FLAG = Body(
    "FlagInput",
    {
        "reason": one_of(FLAG_REASONS),
        "text": nullable(text(Length(0, moderation.NOTE_MAX))),
        "comment_id": nullable({**identifier(), "description": "flag this comment on the post instead"}),
    },
    required=("reason",),
    combined={
        "anyOf": [
            {
                "properties": {"reason": {"const": "needs_attention"}, "text": text(_FLAG_TEXT)},
                "required": ["text"],
            },
            {"properties": {"reason": {"enum": [r for r in values(FLAG_REASONS) if r != "needs_attention"]}}},
        ],
    },
)
FLAG_RESOLUTION = Body(
    "FlagResolution", {"action": one_of(flags.RESOLUTIONS), "note": note()}, required=("action",)
)

DELETE = Body(
    "DeleteInput",
    {
        "reason": {
            "anyOf": [
                {
                    **one_of(moderation.DELETE_REASONS),
                    "title": "a moderator's reason (required of moderators)",
                },
                {"enum": [moderation.BY_AUTHOR, "", None], "title": "an author deleting their own post"},
            ]
        },
        "note": note(),
    },
    optional=True,
)
NOTE = Body("NoteInput", {"note": note()}, optional=True)
_OTHER_CLOSE_REASONS = [r for r in values(moderation.CLOSE_REASONS) if r != "duplicate"]
CLOSE = Body(
    "CloseInput",
    {
        "reason": one_of(moderation.CLOSE_REASONS),
        "duplicate_of": {
            "anyOf": [identifier(), {"enum": ["", None]}],
            "description": "the question this one duplicates; only with reason duplicate",
        },
        "note": note(),
    },
    required=("reason",),
    combined={
        "anyOf": [
            {
                "properties": {"reason": {"const": "duplicate"}, "duplicate_of": identifier()},
                "required": ["duplicate_of"],
            },
            {"properties": {"reason": {"enum": _OTHER_CLOSE_REASONS}, "duplicate_of": {"enum": ["", None]}}},
        ],
    },
)
# Verifying takes no fields; a body, if sent, must be {}.
VERIFICATION = Body("VerificationInput", {}, optional=True)
# An opened hit of a search (forum/services/search_log.py).
SEARCH_CLICK = Body("SearchClickInput", {"post_id": identifier()}, required=("post_id",))
# "Did this solve your problem?" on an accepted or staff-verified answer (forum/services/helped.py).
HELPED = Body("HelpedInput", {"helped": {"type": "boolean"}}, required=("helped",))
# Staff's pin, hide and title for an FAQ entry (forum/services/faq.py, `curate`): any of the three.
FAQ_CURATION = Body(
    "FaqCurationInput",
    {
        "pinned": {"type": "boolean", "description": "first in the FAQ, before entries by demand"},
        "hidden": {"type": "boolean", "description": "left out of the FAQ for readers (staff still see it)"},
        "title": {
            "anyOf": [text(TITLE), {"enum": ["", None]}],
            "description": "the title the FAQ shows; empty or null: the question's own again",
        },
    },
    combined={"anyOf": [{"required": [name]} for name in ("pinned", "hidden", "title")]},
)

BODIES = (
    REGISTRATION,
    CREDENTIALS,
    USER_PATCH,
    QUESTION,
    QUESTION_PATCH,
    ANSWER,
    ANSWER_PATCH,
    COMMENT_INPUT,
    VOTE,
    ACCEPT,
    FLAG,
    FLAG_RESOLUTION,
    DELETE,
    NOTE,
    CLOSE,
    VERIFICATION,
    SEARCH_CLICK,
    HELPED,
    FAQ_CURATION,
)


# --- query parameters ----------------------------------------------------------------------

Query = dict[str, Schema]


def page(max_size: int | None = None) -> Query:
    """`page` and `page_size`, as pagination.parse_page_args reads them (empty: the default)."""
    high = max_size or current_app.config["MAX_PAGE_SIZE"]
    return {"page": or_empty(identifier(1, MAX_PAGE)), "page_size": or_empty(identifier(1, high))}


def question_list() -> Query:
    tagged: Schema = {
        "type": "string",
        "pattern": f"^[{WHITESPACE};,]*(?:{_TAG}{_SPACE}*(?:[;,][{WHITESPACE};,]*|$)){{0,{TAGS_MAX}}}$",
        "description": f"up to {TAGS_MAX} tags separated by ; or ,",
    }
    return {
        "sort": one_of(listing.SORTS),
        "tagged": tagged,
        "state": one_of(listing.STATES),
        "source": {**one_of(listing.SOURCES), "description": "web: asked here; twitter: mirrored from X"},
        "language": {**one_of(listing.LANGUAGE_FILTER), "description": "questions written in this language"},
        **page(),
    }


def revisions() -> Query:
    return page(posting.REVISIONS_PAGE_SIZE)


def feed() -> Query:
    return {
        "after": or_empty(identifier(0, EVENT_ID_MAX)),
        "question_id": or_empty(identifier()),  # a post id: an integer column, unlike event ids
        "limit": or_empty(identifier(1, catchup.MAX_LIMIT)),
    }


def search() -> Query:
    return {"q": at_most(MAX_QUERY_LENGTH), "sort": {"enum": [*values(SEARCH_SORTS), ""]}, **page()}


def similar() -> Query:
    return {"title": at_most(SIMILAR_TITLE_MAX)}


def staff_needs() -> Query:
    return {"status": {"enum": [*NEED_STATUSES, ""]}, **page()}


def flag_queue() -> Query:
    return {"status": one_of(FLAG_STATUSES), **page()}


def audit_log() -> Query:
    return {
        "actor": {
            "anyOf": [identifier(), {**username(), "maxLength": USERNAME.high}, {"const": ""}],
            "description": "a user id, or the username of someone who exists",
        },
        "post_id": or_empty(identifier()),
        "action": {"enum": [*values(audit.ACTIONS), ""]},
        **page(),
    }
