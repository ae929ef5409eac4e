"""The OpenAPI 3 description, served at /api/v1/openapi.json.

Paths are listed here by hand; tests/api/test_openapi.py checks them against
the real routes so the description cannot drift from the code.
"""

from __future__ import annotations

from flask import jsonify

from forum.api import api_bp
from forum.services.validation import MAX_ID

_ERROR = {"$ref": "#/components/responses/Error"}


def _op(summary: str, *, body: str | None = None, params: tuple[str, ...] = (),
        query: tuple[str, ...] = (), status: str = "200", auth: bool = False) -> dict:
    operation: dict = {
        "summary": summary,
        "parameters": [
            # A larger id names nothing: 404, like any unknown one (forum/setup.py, IdConverter).
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            for name in params
        ] + [{"name": name, "in": "query", "schema": {"type": "string"}} for name in query],
        "responses": {status: {"description": "OK"}, "4XX": _ERROR},
    }
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    if auth:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


PATHS: dict[str, dict[str, dict]] = {
    "/users": {"post": _op("Register", body="Registration", status="201")},
    "/users/{user_id}": {
        "get": _op("A user's profile", params=("user_id",)),
        "patch": _op("Change profile fields, or the role (admin)", body="UserPatch",
                     params=("user_id",), auth=True),
    },
    "/tokens": {"post": _op("Exchange username and password for a token", body="Credentials",
                            status="201")},
    "/tokens/{token_id}": {"delete": _op("Revoke a token", params=("token_id",), status="204",
                                         auth=True)},
    "/questions": {
        "get": _op("List questions", query=("sort", "tagged", "state", "page", "page_size")),
        "post": _op("Ask a question", body="QuestionInput", status="201", auth=True),
    },
    "/questions/{question_id}": {
        "get": _op("A question with its answers and comments", params=("question_id",)),
        "patch": _op("Edit a question (keeps a revision)", body="QuestionPatch",
                     params=("question_id",), auth=True),
    },
    "/questions/{question_id}/answers": {
        "post": _op("Answer a question", body="BodyInput", params=("question_id",), status="201",
                    auth=True),
    },
    "/answers/{answer_id}": {
        "patch": _op("Edit an answer (keeps a revision)", body="BodyInput", params=("answer_id",),
                     auth=True),
    },
    "/posts/{post_id}/comments": {
        "post": _op("Comment on a post", body="BodyInput", params=("post_id",), status="201",
                    auth=True),
    },
    "/posts/{post_id}/revisions": {"get": _op("A post's revisions, newest first",
                                              params=("post_id",), query=("page", "page_size"))},
    "/posts/{post_id}/votes": {
        "post": _op("Vote up (1) or down (-1)", body="VoteInput", params=("post_id",), auth=True),
        "delete": _op("Undo my vote", params=("post_id",), status="204", auth=True),
    },
    "/questions/{question_id}/accepted-answer": {
        "put": _op("Accept an answer (asker or moderator)", body="AcceptInput",
                   params=("question_id",), auth=True),
        "delete": _op("Unaccept", params=("question_id",), status="204", auth=True),
    },
    "/users/{user_id}/reputation": {
        "get": _op("A user's reputation ledger, newest first", params=("user_id",),
                   query=("page", "page_size")),
    },
    "/feed": {"get": _op("Stored live events after an event id, in id order",
                         query=("after", "question_id", "limit"))},
    "/search": {"get": _op("Search questions and answers (the search box's operators)",
                           query=("q", "sort", "page", "page_size"))},
    "/search/similar": {"get": _op("Questions similar to a title being typed", query=("title",))},
    "/posts/{post_id}/flags": {
        "post": _op("Flag a post or one of its comments", body="FlagInput", params=("post_id",),
                    status="201", auth=True),
    },
    "/posts/{post_id}": {
        "delete": _op("Delete a post (soft): its author while allowed, or a moderator with a reason",
                      body="DeleteInput", params=("post_id",), status="204", auth=True),
    },
    "/posts/{post_id}/undelete": {
        "post": _op("Undelete a post (moderator)", body="NoteInput", params=("post_id",), auth=True),
    },
    "/questions/{question_id}/close": {
        "post": _op("Close with a reason (close privilege or moderator)", body="CloseInput",
                    params=("question_id",), auth=True),
    },
    "/questions/{question_id}/reopen": {
        "post": _op("Reopen (close privilege or moderator)", body="NoteInput", params=("question_id",),
                    auth=True),
    },
    "/posts/{post_id}/lock": {
        "post": _op("Lock a post (moderator)", body="NoteInput", params=("post_id",), auth=True),
        "delete": _op("Unlock a post (moderator)", params=("post_id",), status="204", auth=True),
    },
    "/flags": {"get": _op("The flag queue (moderator)", query=("status", "page", "page_size"), auth=True)},
    "/flags/{flag_id}/resolution": {
        "post": _op("Handle or decline a flag (moderator)", body="FlagResolution", params=("flag_id",),
                    auth=True),
    },
    "/audit": {"get": _op("The audit log, newest first (moderator or admin)",
                          query=("actor", "post_id", "action", "page", "page_size"), auth=True)},
    "/staff/queue": {"get": _op("Unanswered and unresolved questions with age and claim (staff)",
                                query=("page", "page_size"), auth=True)},
    "/questions/{question_id}/claim": {
        "put": _op("Claim a question for 10 minutes (staff)", params=("question_id",), auth=True),
        "delete": _op("Release a claim (staff)", params=("question_id",), status="204", auth=True),
    },
    "/answers/{answer_id}/verification": {
        "put": _op("Mark an answer verified by staff", params=("answer_id",), auth=True),
        "delete": _op("Remove the staff verification", params=("answer_id",), status="204", auth=True),
    },
    "/openapi.json": {"get": _op("This description")},
}

_STRING = {"type": "string"}
SCHEMAS = {
    "Registration": {"type": "object", "required": ["username", "email", "password"],
                     "properties": {"username": _STRING, "email": _STRING, "password": _STRING}},
    "Credentials": {"type": "object", "required": ["username", "password"],
                    "properties": {"username": _STRING, "password": _STRING, "name": _STRING}},
    "UserPatch": {"type": "object", "properties": {"role": _STRING, "about": _STRING}},
    "QuestionInput": {"type": "object", "required": ["title", "body", "tags"],
                      "properties": {"title": _STRING, "body": _STRING,
                                     "tags": {"type": "array", "items": _STRING}}},
    "QuestionPatch": {"type": "object", "properties": {"title": _STRING, "body": _STRING,
                                                       "tags": {"type": "array", "items": _STRING},
                                                       "summary": _STRING}},
    "VoteInput": {"type": "object", "required": ["value"],
                  "properties": {"value": {"type": "integer", "enum": [1, -1]}}},
    "AcceptInput": {"type": "object", "required": ["answer_id"],
                    "properties": {"answer_id": {"type": "integer"}}},
    "BodyInput": {"type": "object", "required": ["body"], "properties": {"body": _STRING}},
    "FlagInput": {"type": "object", "required": ["reason"],
                  "properties": {"reason": {"type": "string", "enum": ["spam", "offensive", "not_an_answer",
                                                                       "needs_attention"]},
                                 "text": _STRING, "comment_id": {"type": "integer"}}},
    "FlagResolution": {"type": "object", "required": ["action"],
                       "properties": {"action": {"type": "string", "enum": ["handled", "declined"]},
                                      "note": _STRING}},
    "DeleteInput": {"type": "object", "properties": {"reason": _STRING, "note": _STRING}},
    "CloseInput": {"type": "object", "required": ["reason"],
                   "properties": {"reason": {"type": "string",
                                             "enum": ["duplicate", "off_topic", "needs_detail",
                                                      "resolved_elsewhere"]},
                                  "duplicate_of": {"type": "integer"}, "note": _STRING}},
    "NoteInput": {"type": "object", "properties": {"note": _STRING}},
    "Error": {"type": "object", "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": _STRING, "message": _STRING, "fields": {"type": "object"}}}}},
}


def spec() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Forum API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": {"Error": {"description": "An error", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@api_bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())
