"""Unmet needs: searches nobody found an answer for, grouped by their analysed words, ranked by
distinct visitors, and resolved when the question staff asked from one gets an accepted answer."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from forum import clock
from tests.api.helpers import assert_error
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of


def search_as(browser, query: str):
    page = browser.get("/search", query_string={"q": query})
    assert page.status_code == 200
    return page


def open_first_hit(browser, query: str) -> None:
    link = re.search(r'href="(/search/\d+/open/\d+)"', search_as(browser, query).text)
    assert link is not None
    assert browser.get(link.group(1)).status_code == 302


def needs_of(api_client, **params) -> list[dict]:
    response = api_client.get("/staff/needs", query_string=params)
    assert response.status_code == 200, response.text
    return response.get_json()["items"]


def test_needs_group_spellings_and_rank_by_distinct_visitors(
    visitor, api_as, staff, answered_question, index
):
    for query in ("printer offline windows", "Printers OFFLINE on Windows", "printer offline windows"):
        search_as(visitor(), query)
    greek = visitor()
    greek.set_cookie("lang", "el")
    search_as(greek, "windows printer offline")
    with clock.travel(timedelta(days=-10)):
        search_as(visitor(), "scanner jams")
        search_as(visitor(), "scanner jam")
    search_as(visitor(), "router password")  # found, and nobody opened it: unmet too
    open_first_hit(visitor(), "reset button")  # found and opened: served
    needs = needs_of(api_as(staff))
    assert [need["visitors_30d"] for need in needs] == [4, 2, 1]
    printer, scanner, router = needs
    assert printer["examples"][0] == "printer offline windows"
    assert "printers offline on windows" in printer["examples"]
    assert printer["visitors_7d"] == 4 and printer["languages"] == ["el", "en"]
    assert scanner["visitors_7d"] == 0 and scanner["examples"][0] in ("scanner jams", "scanner jam")
    assert router["examples"] == ["router password"]
    assert all("reset button" not in need["examples"] for need in needs)


def test_visitor_who_opened_a_hit_is_served_even_after_repeating_the_search(
    visitor, api_as, staff, answered_question, index
):
    reader = visitor()
    search_as(reader, "router password")
    open_first_hit(reader, "router password")
    search_as(visitor(), "router password")
    (need,) = needs_of(api_as(staff))
    assert need["visitors_30d"] == 1


def test_needs_page_and_api_are_refused_to_members(visitor, api_as, member, index):
    assert_error(api_as(member).get("/staff/needs"), 403)
    assert visitor(member).get("/staff/needs").status_code == 403


def test_needs_page_lists_needs_in_the_desk_bar_for_staff(visitor, staff, index):
    search_as(visitor(), "printer offline windows")
    desk = visitor(staff)
    page = desk.get("/staff/needs")
    assert page.status_code == 200
    assert 'href="/staff/needs" aria-current="page"' in page.text
    text = text_of(page.text)
    assert "printer offline windows" in text and "1 visitor in 30 days" in text
    assert "Ask it" in text


def test_need_asked_and_accepted_is_resolved_and_found_by_later_searches(
    session, visitor, api_as, staff, member, index
):
    for _ in range(2):
        search_as(visitor(), "printer offline windows")
    desk = visitor(staff)
    ask_link = html.unescape(re.search(r'href="([^"]*need=[^"]*)"', desk.get("/staff/needs").text).group(1))
    form = desk.get(ask_link)
    assert 'value="printer offline windows"' in form.text
    action = html.unescape(
        re.search(r'<form class="card" method="post" action="([^"]+)"', form.text).group(1)
    )
    posted = desk.post(action, data={
        "title": "Printer offline on Windows after an update",
        "body": LONG_BODY,
        "tags": "printer windows",
    })  # fmt: skip
    assert posted.status_code == 302
    staff_api = api_as(staff)
    (need,) = needs_of(staff_api)
    question_id = need["question"]["id"]
    assert need["resolved"] is False

    answer = api_as(member).post(f"/questions/{question_id}/answers", json={"body": LONG_BODY})
    assert answer.status_code == 201
    accepted = staff_api.put(
        f"/questions/{question_id}/accepted-answer", json={"answer_id": answer.get_json()["id"]}
    )
    assert accepted.status_code == 200
    assert needs_of(staff_api) == []
    (resolved,) = needs_of(staff_api, status="resolved")
    assert resolved["resolved"] is True and resolved["question"]["id"] == question_id
    assert "Resolved by" in text_of(desk.get("/staff/needs?status=resolved").text)
    found = visitor().get("/api/v1/search?q=printer+offline+windows").get_json()
    assert question_id in [item["question_id"] for item in found["items"]]


def test_ask_link_from_a_member_does_not_link_the_question_to_a_need(visitor, api_as, staff, member, index):
    search_as(visitor(), "printer offline windows")
    (need,) = needs_of(api_as(staff))
    posted = visitor(member).post(need["ask_url"].replace("/questions/ask?", "/questions/ask?x=1&"), data={
        "title": "Printer offline on Windows after an update", "body": LONG_BODY, "tags": "printer",
    })  # fmt: skip
    assert posted.status_code == 302
    (still,) = needs_of(api_as(staff))
    assert still["question"] is None
