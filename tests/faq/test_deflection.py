"""Deflection and the staff dashboard's weekly FAQ figures: a suggestion opened on the ask page
with no question within 30 minutes is one deflected ask; helped votes, searches without results
and the share of needs resolved are counted per week."""

from __future__ import annotations

import re
from datetime import timedelta

from forum import clock
from tests.conftest import LONG_BODY
from tests.faq.test_needs import search_as
from tests.web.conftest import text_of

HALF_AN_HOUR = timedelta(minutes=30)


def weekly_total(desk, figure: str) -> int:
    """The sum over the dashboard's weeks of one figure's column (a week may have just turned)."""
    page = desk.get("/staff/dashboard")
    assert page.status_code == 200, text_of(page.text)[:600]
    return sum(int(value) for value in re.findall(rf'<td class="week-{figure}">(\d+)</td>', page.text))


def open_suggestion(browser, question_id: int) -> None:
    opened = browser.get(f"/questions/ask/open/{question_id}")
    assert opened.status_code == 302
    assert f"/questions/{question_id}/" in opened.headers["Location"]


def ask(browser, title: str) -> None:
    posted = browser.post("/questions/ask", data={"title": title, "body": LONG_BODY, "tags": "router"})
    assert posted.status_code == 302


def test_suggestion_opened_without_asking_for_30_minutes_is_one_deflected_ask(
    visitor, staff, member, other_member, moderator, question
):
    desk = visitor(staff)
    browsing = visitor(member)
    open_suggestion(browsing, question.id)
    with clock.travel(timedelta(minutes=20)):
        open_suggestion(browsing, question.id)  # the same ask: opens less than 30 minutes apart
    asking = visitor(other_member)
    open_suggestion(asking, question.id)
    with clock.travel(timedelta(minutes=10)):
        ask(asking, "Router keeps dropping the connection at night")
    assert weekly_total(desk, "deflected") == 0

    with clock.travel(timedelta(minutes=20) + HALF_AN_HOUR - timedelta(minutes=1)):
        assert weekly_total(desk, "deflected") == 0  # the last open is not 30 minutes old yet
    with clock.travel(timedelta(minutes=20) + HALF_AN_HOUR + timedelta(minutes=1)):
        assert weekly_total(desk, "deflected") == 1
        later = visitor(moderator)  # an ask after the 30 minutes does not undo a deflection
        ask(browsing, "Router keeps dropping the connection every night")
        open_suggestion(later, question.id)
    with clock.travel(timedelta(hours=2)):
        assert weekly_total(desk, "deflected") == 2


def test_dashboard_shows_weekly_helped_votes_empty_searches_and_needs_resolved_with_definitions(
    visitor, api_as, staff, member, answered_question, index
):
    answer_id = answered_question.answers[0].id
    accepted = api_as(member).put(
        f"/questions/{answered_question.id}/accepted-answer", json={"answer_id": answer_id}
    )
    assert accepted.status_code == 200
    for choice in ("yes", "yes", "no"):
        assert visitor().post(f"/answers/{answer_id}/helped", data={"helped": choice}).status_code == 302
    search_as(visitor(), "zebra quantum teapot")
    search_as(visitor(), "printer offline windows")
    desk = visitor(staff)
    assert weekly_total(desk, "helped-yes") == 2
    assert weekly_total(desk, "helped-no") == 1
    assert weekly_total(desk, "no-results") == 2

    page = desk.get("/staff/dashboard")
    assert "(0 of 2)" in page.text
    text = text_of(page.text)
    assert "posted no question within 30 minutes" in text
    assert "Searches from the search page or the API that found nothing." in text
    assert page.text.count('class="bar-chart"') >= 6  # the two daily charts and the four weekly ones

    need_link = re.search(r'href="([^"]*need=[^"]*zebra[^"]*)"', desk.get("/staff/needs").text)
    posted = desk.post(
        need_link.group(1).replace("&amp;", "&"),
        data={"title": "Zebra quantum teapot, explained", "body": LONG_BODY, "tags": "printer"},
    )
    assert posted.status_code == 302
    question_id = int(re.search(r"/questions/(\d+)", posted.headers["Location"]).group(1))
    reply = api_as(member).post(f"/questions/{question_id}/answers", json={"body": LONG_BODY})
    assert api_as(staff).put(
        f"/questions/{question_id}/accepted-answer", json={"answer_id": reply.get_json()["id"]}
    ).status_code == 200  # fmt: skip
    assert "50% (1 of 2)" in desk.get("/staff/dashboard").text
