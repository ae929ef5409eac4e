"""GET/POST /questions and GET/PATCH /questions/{id}."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.services import posting
from tests.api.helpers import assert_error

BODY = "My TV shows no picture after the update, only a black screen."
NEW = {"title": "TV shows a black screen after update", "body": BODY, "tags": ["tv", "firmware"]}


def test_ask_returns_the_question(api_as, member):
    response = api_as(member).post("/questions", json=NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "question" and body["title"] == NEW["title"]
    assert body["tags"] == ["firmware", "tv"]
    assert body["body_html"] == f"<p>{BODY}</p>\n"
    assert body["author"]["username"] == "alice"
    assert (body["score"], body["answer_count"], body["accepted_answer_id"], body["closed"]) == (
        0,
        0,
        None,
        False,
    )
    assert body["source"] == "web"


def test_ask_then_get_shows_the_same_question(api_as, api, member):
    created = api_as(member).post("/questions", json=NEW).get_json()
    shown = api.get(f"/questions/{created['id']}").get_json()
    assert shown["answers"] == [] and shown["comments"] == []
    assert {k: shown[k] for k in created} == created


def test_ask_logged_out_is_refused(api, unchanged):
    with unchanged():
        assert_error(api.post("/questions", json=NEW), 401, "not_signed_in")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "t" * 14),
        ("title", "t" * 151),
        ("title", 12345678901234567),
        ("title", None),
        ("body", ""),
        ("body", "b" * 29),
        ("body", "b" * 30001),
        ("body", ["a list", "of strings that is long enough"]),
        ("tags", []),
        ("tags", ["t1", "t2", "t3", "t4", "t5", "t6"]),
        ("tags", {"tv": True}),
        ("tags", ["x" * 36]),
        ("tags", ["no_underscores"]),
        ("tags", [1]),
    ],
)
def test_ask_bad_field_is_refused(api_as, member, unchanged, field, value):
    alice = api_as(member)
    with unchanged():
        error = assert_error(alice.post("/questions", json={**NEW, field: value}), 400, "invalid")
    assert field in error["fields"]


def test_ask_at_the_limits_is_accepted(api_as, member):
    question = {"title": "t" * 150, "body": "b" * 30000, "tags": [f"t{i}" for i in range(4)] + ["x" * 35]}
    assert api_as(member).post("/questions", json=question).status_code == 201


def test_ask_unknown_field_is_refused(api_as, member, unchanged):
    alice = api_as(member)
    with unchanged():
        error = assert_error(alice.post("/questions", json={**NEW, "score": 100}), 400, "invalid")
    assert error["fields"] == {"score": "is not a known field"}


def test_list_questions_newest_first_with_page_fields(api, session, member):
    for n in range(3):
        with clock.travel(timedelta(minutes=n)):
            posting.ask_question(session, member, f"Question number {n} about routers", BODY, ["router"])
    session.commit()
    body = api.get("/questions?page_size=2").get_json()
    assert (body["page"], body["page_size"], body["total"]) == (1, 2, 3)
    assert [q["title"] for q in body["items"]] == [
        "Question number 2 about routers",
        "Question number 1 about routers",
    ]
    assert "answers" not in body["items"][0]


def test_list_questions_filters_by_tag_and_unanswered(api, session, answered_question, member):
    posting.ask_question(session, member, "A question about the TV remote", BODY, ["tv"])
    session.commit()
    assert [q["tags"] for q in api.get("/questions?tagged=tv").get_json()["items"]] == [["tv"]]
    assert [q["id"] for q in api.get("/questions?tagged=router;wifi").get_json()["items"]] == [
        answered_question.id
    ]
    assert [q["tags"] for q in api.get("/questions?sort=unanswered").get_json()["items"]] == [["tv"]]


def test_list_questions_filters_by_source(api, session, question, member):
    tweeted = posting.ask_question(
        session, member, "Order 55123 says delivered but no box", BODY, [], source="twitter"
    )
    session.commit()
    items = api.get("/questions?source=twitter").get_json()["items"]
    assert [(q["id"], q["source"], q["tags"]) for q in items] == [(tweeted.id, "twitter", [])]
    assert [q["id"] for q in api.get("/questions?source=web").get_json()["items"]] == [question.id]


@pytest.mark.parametrize(
    "query",
    [
        "sort=best",
        "page=0",
        "page=abc",
        "page_size=1000",
        "page_size=-1",
        "state=whatever",
        "source=fax",
        f"tagged={'x' * 36}",
    ],
)
def test_list_questions_bad_query_is_refused(api, question, query):
    assert_error(api.get(f"/questions?{query}"), 400, "invalid")


@pytest.mark.parametrize("query", ["tagged=%00", "tagged=a%00b;c", "page=%00", "sort=%00"])
def test_list_questions_nul_in_query_is_refused(api, question, query):
    assert_error(api.get(f"/questions?{query}"), 400, "invalid")


def test_show_question_lists_answers_and_comments(api, session, answered_question, member):
    answer = answered_question.answers[0]
    posting.add_comment(session, member, answered_question, "A comment on my own question.")
    posting.add_comment(session, member, answer, "Thanks, that worked for me!")
    session.commit()
    body = api.get(f"/questions/{answered_question.id}").get_json()
    assert [a["id"] for a in body["answers"]] == [answer.id]
    assert body["answers"][0]["is_accepted"] is False
    assert [c["body"] for c in body["comments"]] == ["A comment on my own question."]
    assert [c["body"] for c in body["answers"][0]["comments"]] == ["Thanks, that worked for me!"]


@pytest.mark.parametrize("path", ["/questions/424242", f"/questions/{2**63}", "/questions/abc"])
def test_show_unknown_question_is_not_found(api, question, path):
    assert_error(api.get(path), 404, "not_found")


def test_show_answer_as_question_is_not_found(api, answered_question):
    assert_error(api.get(f"/questions/{answered_question.answers[0].id}"), 404, "not_found")


def test_edit_own_question_saves_and_keeps_a_revision(api_as, api, member, question):
    alice = api_as(member)
    edit = {"title": "How do I reset my router admin password?", "tags": ["router"], "summary": "clearer"}
    response = alice.patch(f"/questions/{question.id}", json=edit)
    assert response.status_code == 200
    assert response.get_json()["title"] == "How do I reset my router admin password?"
    assert response.get_json()["tags"] == ["router"]
    revisions = api.get(f"/posts/{question.id}/revisions").get_json()
    assert [r["number"] for r in revisions["items"]] == [2, 1]
    assert revisions["items"][0]["summary"] == "clearer"
    assert revisions["items"][1]["title"] == "How do I reset my router password?"


def test_edit_question_reordering_tags_changes_nothing(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        assert_error(
            alice.patch(f"/questions/{question.id}", json={"tags": ["wifi", "router"]}), 400, "invalid"
        )


def test_edit_someone_elses_question_is_forbidden(api_as, other_member, question, unchanged):
    bob = api_as(other_member)
    with unchanged():
        error = assert_error(
            bob.patch(f"/questions/{question.id}", json={"body": BODY}), 403, "privilege_required"
        )
    assert (error["privilege"], error["needed"], error["have"]) == ("edit_any", 2000, 1)


def test_edit_someone_elses_question_with_2000_reputation_is_allowed(api_as, make_user, question):
    editor = make_user(reputation=2000)
    response = api_as(editor).patch(f"/questions/{question.id}", json={"body": BODY})
    assert response.status_code == 200 and response.get_json()["body"] == BODY


def test_edit_someone_elses_question_as_moderator_is_allowed(api_as, moderator, question):
    assert api_as(moderator).patch(f"/questions/{question.id}", json={"tags": ["router"]}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "short"), ("title", 5), ("body", "b" * 30001), ("body", {"x": 1}), ("tags", {"a": 1}),
     ("tags", []), ("summary", 7), ("summary", "s" * 301)],
)  # fmt: skip
def test_edit_question_bad_field_is_refused(api_as, member, question, unchanged, field, value):
    alice = api_as(member)
    with unchanged():
        error = assert_error(alice.patch(f"/questions/{question.id}", json={field: value}), 400, "invalid")
    assert field in error["fields"]


def test_edit_question_with_nothing_is_refused(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        assert_error(alice.patch(f"/questions/{question.id}", json={}), 400, "invalid")


def test_edit_question_logged_out_is_refused(api, question, unchanged):
    with unchanged():
        assert_error(api.patch(f"/questions/{question.id}", json={"body": BODY}), 401, "not_signed_in")


def test_edit_unknown_question_is_not_found(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        assert_error(alice.patch("/questions/4242", json={"body": BODY}), 404, "not_found")


def test_edit_answer_through_question_path_is_not_found(api_as, other_member, answered_question, unchanged):
    bob = api_as(other_member)
    with unchanged():
        response = bob.patch(f"/questions/{answered_question.answers[0].id}", json={"body": BODY})
    assert_error(response, 404, "not_found")


GREEK = {
    "title": "Η τηλεόραση δείχνει μαύρη οθόνη",
    "body": "Μετά την ενημέρωση η τηλεόραση δεν δείχνει εικόνα, μόνο μαύρη οθόνη.",
    "tags": ["tv"],
}


def test_ask_with_a_language_shows_it_in_the_question(api_as, api, member):
    created = api_as(member).post("/questions", json={**NEW, "language": "cs"}).get_json()
    assert created["language"] == "cs"
    assert api.get(f"/questions/{created['id']}").get_json()["language"] == "cs"


@pytest.mark.parametrize("sent", [{}, {"language": None}])
def test_ask_without_a_language_detects_it_from_the_text(api_as, member, sent):
    alice = api_as(member)
    assert alice.post("/questions", json={**GREEK, **sent}).get_json()["language"] == "el"
    assert alice.post("/questions", json={**NEW, **sent}).get_json()["language"] == "en"


@pytest.mark.parametrize("language", ["de", "EL", "greek", 5])
def test_ask_with_an_unknown_language_is_refused(api_as, member, unchanged, language):
    alice = api_as(member)
    with unchanged():
        error = assert_error(alice.post("/questions", json={**NEW, "language": language}), 400, "invalid")
    assert "language" in error["fields"]


def test_answer_in_another_language_than_its_question_keeps_its_own(api_as, api, member, question):
    body = "Αλλάξτε τον κωδικό από τις ρυθμίσεις του δρομολογητή, στην καρτέλα ασφάλειας."
    posted = api_as(member).post(f"/questions/{question.id}/answers", json={"body": body}).get_json()
    thread = api.get(f"/questions/{question.id}").get_json()
    assert (posted["language"], thread["language"], thread["answers"][0]["language"]) == ("el", "en", "el")


def test_answer_with_an_unknown_language_is_refused(api_as, member, question, unchanged):
    alice = api_as(member)
    with unchanged():
        response = alice.post(f"/questions/{question.id}/answers", json={"body": BODY, "language": "xx"})
        assert_error(response, 400, "invalid")


def test_list_questions_filters_by_language(api, session, question, member):
    greek = posting.ask_question(session, member, GREEK["title"], GREEK["body"], GREEK["tags"])
    session.commit()
    assert [q["id"] for q in api.get("/questions?language=el").get_json()["items"]] == [greek.id]
    assert [q["id"] for q in api.get("/questions?language=en").get_json()["items"]] == [question.id]
    assert_error(api.get("/questions?language=xx"), 400, "invalid")
