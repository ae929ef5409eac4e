"""The OpenAPI 3.1 description, served at /api/v1/openapi.json.

The operations are listed here; what each one takes (its body and query) comes
from forum/api/inputs.py, which builds it from the rules the services enforce.
tests/api/test_openapi.py checks the paths against the real routes, and
tests/api/test_schemathesis.py checks on the demo data that the server takes
what the description allows and refuses the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import jsonify

from forum.api import inputs
from forum.api.blueprint import api_bp
from forum.api.inputs import Body, Query
from forum.services.validation import MAX_ID


@dataclass(frozen=True)
class Operation:
    summary: str
    body: Body | None = None
    query: Callable[[], Query] | None = None
    status: int = 200
    auth: bool = False
    # Statuses other than the success and the 4XX error an operation can answer.
    also: tuple[int, ...] = ()


OPERATIONS: dict[str, dict[str, Operation]] = {
    "/users": {"post": Operation("Register", inputs.REGISTRATION, status=201)},
    "/users/{user_id}": {
        "get": Operation("A user's profile"),
        "patch": Operation("Change profile fields, or the role (admin)", inputs.USER_PATCH, auth=True),
    },
    "/tokens": {
        "post": Operation("Exchange username and password for a token", inputs.CREDENTIALS, status=201)
    },
    "/tokens/{token_id}": {"delete": Operation("Revoke a token", status=204, auth=True)},
    "/questions": {
        "get": Operation("List questions", query=inputs.question_list),
        "post": Operation("Ask a question", inputs.QUESTION, status=201, auth=True),
    },
    "/questions/{question_id}": {
        "get": Operation("A question with its answers and comments"),
        "patch": Operation("Edit a question (keeps a revision)", inputs.QUESTION_PATCH, auth=True),
    },
    "/questions/{question_id}/answers": {
        "post": Operation("Answer a question", inputs.ANSWER, status=201, auth=True),
    },
    "/answers/{answer_id}": {
        "patch": Operation("Edit an answer (keeps a revision)", inputs.ANSWER_PATCH, auth=True),
    },
    "/posts/{post_id}/comments": {
        "post": Operation("Comment on a post", inputs.COMMENT_INPUT, status=201, auth=True),
    },
    "/posts/{post_id}/revisions": {
        "get": Operation("A post's revisions, newest first", query=inputs.revisions),
    },
    "/posts/{post_id}/votes": {
        "post": Operation("Vote up (1) or down (-1)", inputs.VOTE, auth=True),
        "delete": Operation("Undo my vote", status=204, auth=True),
    },
    "/questions/{question_id}/accepted-answer": {
        "put": Operation("Accept an answer (asker or moderator)", inputs.ACCEPT, auth=True),
        "delete": Operation("Unaccept", status=204, auth=True),
    },
    "/users/{user_id}/reputation": {
        "get": Operation(
            "A user's reputation ledger, newest first (the votes they cast only to themselves)",
            query=inputs.page,
        ),
    },
    "/feed": {"get": Operation("Stored live events after an event id, in id order", query=inputs.feed)},
    "/search": {
        "get": Operation(
            "Search questions and answers (the search box's operators)", query=inputs.search, also=(503,)
        )
    },
    "/search/{search_id}/clicks": {
        "post": Operation(
            "Record an opened hit of one of my searches, once per search and post", inputs.SEARCH_CLICK
        ),
    },
    "/search/similar": {
        "get": Operation("Questions similar to a title being typed", query=inputs.similar, also=(503,))
    },
    "/posts/{post_id}/helped": {
        "post": Operation(
            "Say whether an accepted or staff-verified answer solved your problem, once per answer",
            inputs.HELPED,
        ),
    },
    "/faq": {
        "get": Operation(
            "The FAQ: solved questions, pinned ones first, then ranked by recent demand "
            "(staff also get hidden ones, marked)",
            query=inputs.page,
        )
    },
    "/staff/faq/{question_id}": {
        "patch": Operation(
            "Pin, hide or retitle an FAQ entry (staff; audited, and kept by every refresh)",
            inputs.FAQ_CURATION,
            auth=True,
        )
    },
    "/posts/{post_id}/flags": {
        "post": Operation("Flag a post or one of its comments", inputs.FLAG, status=201, auth=True),
    },
    "/posts/{post_id}": {
        "delete": Operation(
            "Delete a post (soft): its author while allowed, or a moderator with a reason",
            inputs.DELETE,
            status=204,
            auth=True,
        ),
    },
    "/posts/{post_id}/undelete": {
        "post": Operation("Undelete a post (moderator)", inputs.NOTE, auth=True),
    },
    "/questions/{question_id}/close": {
        "post": Operation("Close with a reason (close privilege or moderator)", inputs.CLOSE, auth=True),
    },
    "/questions/{question_id}/reopen": {
        "post": Operation("Reopen (close privilege or moderator)", inputs.NOTE, auth=True),
    },
    "/posts/{post_id}/lock": {
        "post": Operation("Lock a post (moderator)", inputs.NOTE, auth=True),
        "delete": Operation("Unlock a post (moderator)", inputs.NOTE, status=204, auth=True),
    },
    "/flags": {"get": Operation("The flag queue (moderator)", query=inputs.flag_queue, auth=True)},
    "/flags/{flag_id}/resolution": {
        "post": Operation("Handle or decline a flag (moderator)", inputs.FLAG_RESOLUTION, auth=True),
    },
    "/audit": {
        "get": Operation(
            "The audit log, newest first (moderator or admin)", query=inputs.audit_log, auth=True
        )
    },
    "/staff/queue": {
        "get": Operation(
            "Unanswered and unresolved questions with age and claim (staff)", query=inputs.page, auth=True
        )
    },
    "/staff/needs": {
        "get": Operation(
            "Searches nobody found an answer for, grouped and ranked by distinct visitors (staff)",
            query=inputs.staff_needs,
            auth=True,
        )
    },
    "/questions/{question_id}/claim": {
        "put": Operation("Claim a question for STAFF_CLAIM_SECONDS (staff)", auth=True),
        "delete": Operation("Release a claim (staff)", status=204, auth=True),
    },
    "/answers/{answer_id}/verification": {
        "put": Operation("Mark an answer verified by staff", inputs.VERIFICATION, auth=True),
        "delete": Operation("Remove the staff verification", status=204, auth=True),
    },
    "/openapi.json": {"get": Operation("This description")},
}

_ERROR = {"$ref": "#/components/responses/Error"}
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}


def _operation(path: str, operation: Operation) -> dict:
    # A larger id names nothing: 404, like any unknown one (forum/setup.py, IdConverter).
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": inputs.identifier(1, MAX_ID)}
        for name in re.findall(r"{(\w+)}", path)
    ]
    query = operation.query() if operation.query else {}
    parameters += [{"name": name, "in": "query", "schema": schema} for name, schema in query.items()]
    success = (
        {"description": "Done"} if operation.status == 204 else {"description": "OK", "content": _JSON_OBJECT}
    )
    described: dict = {
        "summary": operation.summary,
        "parameters": parameters,
        "responses": {
            str(operation.status): success,
            "4XX": _ERROR,
            **{str(status): _ERROR for status in operation.also},
        },
    }
    if operation.body is not None:
        schema = {"$ref": f"#/components/schemas/{operation.body.name}"}
        described["requestBody"] = {
            "required": not operation.body.optional,
            "content": {"application/json": {"schema": schema}},
        }
    if operation.auth:
        described["security"] = [{"bearer": []}, {"session": []}]
    return described


_STRING = {"type": "string"}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": _STRING, "message": _STRING, "fields": {"type": "object"}},
        }
    },
}


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Forum API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            path: {method: _operation(path, operation) for method, operation in methods.items()}
            for path, methods in OPERATIONS.items()
        },
        "components": {
            "schemas": {**{body.name: body.schema() for body in inputs.BODIES}, "Error": _ERROR_SCHEMA},
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@api_bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())
