"""The FAQ: solved questions ranked by recent demand; `flask forum faq refresh` reorders it when
demand shifts, and one visitor cannot push a question up by repeating a search."""

from __future__ import annotations

import re
from datetime import timedelta

from forum import clock
from forum.services import acceptance, moderation, posting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of


def solved(session, asker, answerer, title: str, tags: list[str]):
    question = posting.ask_question(session, asker, title, LONG_BODY, tags)
    answer = posting.post_answer(
        session, answerer, question, "Unplug it for a minute, then plug it in again."
    )
    acceptance.accept_answer(session, asker, question.id, answer.id)
    session.commit()
    return question


def open_hit(browser, query: str, question_id: int) -> None:
    page = browser.get("/search", query_string={"q": query})
    link = re.search(rf'href="(/search/\d+/open/{question_id})"', page.text)
    assert link is not None, f"question {question_id} not among the results for {query!r}"
    assert browser.get(link.group(1)).status_code == 302


def refresh(runner) -> str:
    result = runner.invoke(args=["forum", "faq", "refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def faq_ids(client) -> list[int]:
    return [item["question_id"] for item in client.get("/api/v1/faq").get_json()["items"]]


def test_faq_order_follows_a_shift_in_demand_after_refresh(
    session, runner, visitor, client, member, other_member, index
):
    with clock.travel(timedelta(days=-20)):
        printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
        scanner = solved(session, member, other_member, "Scanner jams on the second page", ["scanner"])
        for _ in range(3):
            open_hit(visitor(), "printer offline", printer.id)
        open_hit(visitor(), "scanner jams", scanner.id)
        assert "faq: 2 entries" in refresh(runner)
        assert faq_ids(client) == [printer.id, scanner.id]
    for _ in range(2):
        open_hit(visitor(), "scanner jams", scanner.id)
    assert faq_ids(client) == [printer.id, scanner.id]  # nothing moves until the refresh
    refresh(runner)
    assert faq_ids(client) == [scanner.id, printer.id]
    item = client.get("/api/v1/faq").get_json()["items"][0]
    assert set(item) >= {"question_id", "answer_id", "title", "demand", "language", "tags"}
    assert item["title"] == "Scanner jams on the second page" and item["tags"] == ["scanner"]
    assert item["answer_id"] == scanner.accepted_answer_id


def test_faq_counts_one_visitor_repeating_a_search_once(
    session, runner, visitor, client, member, other_member, index
):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    scanner = solved(session, member, other_member, "Scanner jams on the second page", ["scanner"])
    eager = visitor()
    for _ in range(4):
        open_hit(eager, "printer offline", printer.id)
    for _ in range(2):
        open_hit(visitor(), "scanner jams", scanner.id)
    refresh(runner)
    assert faq_ids(client) == [scanner.id, printer.id]
    assert client.get("/api/v1/faq").get_json()["items"][1]["demand"] == 1.0


def test_faq_leaves_out_unsolved_and_deleted_questions(
    session, runner, visitor, client, member, other_member, moderator, question, index
):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    open_hit(visitor(), "router password", question.id)  # opened, but no accepted answer
    open_hit(visitor(), "printer offline", printer.id)
    refresh(runner)
    assert faq_ids(client) == [printer.id]
    page = client.get("/faq")
    assert page.status_code == 200
    assert "Printer shows offline after the update" in text_of(page.text)
    moderation.delete_post(session, moderator, printer.id, reason="spam")
    session.commit()
    assert faq_ids(client) == []
    assert "No frequently asked questions yet." in text_of(client.get("/faq").text)
