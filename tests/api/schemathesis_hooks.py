"""Schemathesis hooks for tests/api/test_schemathesis.py (named in tests/api/schemathesis.toml).

A schema says which requests are well formed; it cannot say which names are
taken, which ids exist, what a post already says or who is asking. The forum
answers those refusals with 400 and a field message (tests pin them), so a
schema-valid request may meet one. Each is listed here by operation, field and
message, and only a 400 made of nothing else is let through: any other
refusal of a schema-valid request still fails the run. Two more gaps are
JSON Schema's own: a whole number written 7.0, and a limit too long for a
pattern to count once trimmed (a post's body).
"""

from __future__ import annotations

import os
import re

import schemathesis

from forum.services.validation import BODY_MAX

# operation -> field -> the messages that depend on the forum's state or on the caller.
REFUSED_FOR_STATE = {
    "POST /users": {"username": r"is already taken"},
    # An edit that repeats what the post already says (the run edits the same posts many times).
    "PATCH /questions/{question_id}": {"body": r"nothing changed"},
    "PATCH /answers/{answer_id}": {"body": r"nothing changed"},
    "PUT /questions/{question_id}/accepted-answer": {"answer_id": r"answer \d+ belongs to another question"},
    # Depends on what the post is: only an answer (not a question or a comment) is "not an answer".
    "POST /posts/{post_id}/flags": {"reason": r"not_an_answer is only for answers"},
    # The question to point at must exist, be another one and not itself be a duplicate.
    "POST /questions/{question_id}/close": {
        "duplicate_of": r"there is no question \d+|must be the id of another question"
        r"|question \d+ is itself a duplicate of \d+.*",
    },
    # Depends on who asks: a moderator must give a reason, an author deleting their own post must not.
    "DELETE /posts/{post_id}": {"reason": r"must be one of .*|only moderators give a reason.*"},
    "GET /audit": {"actor": r"is not a known username or user id"},
}


def _refused_for_state(operation: str, response) -> bool:
    expected = REFUSED_FOR_STATE.get(operation)
    if expected is None or response.status_code != 400:
        return False
    try:
        fields = response.json()["error"]["fields"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(fields) and all(
        name in expected and re.fullmatch(expected[name], str(message)) for name, message in fields.items()
    )


def _sent_as_fraction(case, response) -> bool:
    """7.0 is an integer to JSON Schema but a float to Python's json, which the forum refuses
    wherever it wants an id or a vote: refused fields that were all sent that way."""
    if response.status_code != 400 or not isinstance(case.body, dict):
        return False
    written_as_fraction = {
        name for name, value in case.body.items() if isinstance(value, float) and value.is_integer()
    }
    try:
        fields = response.json()["error"]["fields"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(fields) and set(fields) <= written_as_fraction


def _long_only_by_padding(failure, case) -> bool:
    """A body over BODY_MAX as sent but not once trimmed: the server counts it trimmed, and the
    description gives that limit as sent (forum/api/inputs.py, PATTERN_COUNTS_UP_TO)."""
    if "violates `maxLength` at /properties/body " not in failure.message or not isinstance(case.body, dict):
        return False
    body = case.body.get("body")
    return isinstance(body, str) and len(body.strip()) <= BODY_MAX < len(body)


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure but a schema-valid request refused for one of the reasons above or
    for a whole number written as 7.0, and a body taken because it is too long only by its
    surrounding whitespace."""
    if failure.code == "ST202":
        return not (_refused_for_state(case.operation.label, response) or _sent_as_fraction(case, response))
    if failure.code == "ST201":
        return not _long_only_by_padding(failure, case)
    return True


# The account the run signs in as (tests/api/schemathesis.toml); the demo's admin is its first account.
ADMIN_ID = int(os.environ.get("FORUM_SCHEMATHESIS_ADMIN_ID", "1"))


@schemathesis.hook("filter_case").apply_to(method="PATCH", path="/users/{user_id}")
def keep_the_admin(context, case) -> bool:
    """Never change the run's own role: demoted, it would meet only 403s for the rest of the run."""
    changes_role = isinstance(case.body, dict) and "role" in case.body
    return not (changes_role and case.path_parameters.get("user_id") == ADMIN_ID)
