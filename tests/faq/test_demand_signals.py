"""Demand signals on solutions: question views (once per visitor a day, never from bots) and
"Did this solve your problem?", which one visitor cannot stuff, and which move the FAQ order."""

from __future__ import annotations

import re

from forum.models import QuestionView
from tests.faq.test_faq import faq_ids, refresh, solved
from tests.web.conftest import text_of


def read(browser, question_id: int, agent: str | None = None):
    """The question page, as the test browser (its own user agent, not a bot's) or as `agent`."""
    headers = {"User-Agent": agent} if agent else {}
    response = browser.get(f"/questions/{question_id}", headers=headers, follow_redirects=True)
    assert response.status_code == 200
    return response


def views_of(session, question_id: int) -> int:
    session.expire_all()
    return session.query(QuestionView).filter_by(question_id=question_id).count()


def say_helped(browser, answer_id: int, choice: str, token: str | None = None):
    data = {"helped": choice} | ({"csrf_token": token} if token else {})
    return browser.post(f"/answers/{answer_id}/helped", data=data, headers={"Origin": "http://localhost"})


def helped_form_token(page: str, answer_id: int) -> str:
    pattern = (
        rf'action="/answers/{answer_id}/helped">\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
    )
    form = re.search(pattern, page)
    assert form is not None, "no helped form with a token on the page"
    return form.group(1)


def test_question_page_read_twice_by_one_visitor_and_once_by_a_bot_counts_one_view(
    session, visitor, member, other_member
):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    reader = visitor()
    read(reader, printer.id)
    read(reader, printer.id)  # the kept copy, served before the view runs
    read(visitor(), printer.id, agent="Mozilla/5.0 (compatible; Googlebot/2.1)")
    read(visitor(), printer.id, agent="python-requests/2.31")
    assert views_of(session, printer.id) == 1
    read(visitor(), printer.id)
    assert views_of(session, printer.id) == 2


def test_helped_votes_repeated_by_one_visitor_count_once_and_show_beside_the_answer(
    session, visitor, member, other_member, client
):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    answer_id = printer.accepted_answer_id
    eager = visitor()
    for choice in ("yes", "yes", "no"):
        assert say_helped(eager, answer_id, choice).status_code == 302
    assert say_helped(visitor(), answer_id, "no").status_code == 302
    signed_in = visitor(other_member)
    token = helped_form_token(read(signed_in, printer.id).text, answer_id)
    assert say_helped(signed_in, answer_id, "yes").status_code == 400  # no token: the form expired
    assert say_helped(signed_in, answer_id, "yes", token).status_code == 302
    page = text_of(read(visitor(), printer.id).text)
    assert "Helped 2 people" in page and "1 said it did not" in page
    api = client.get(f"/api/v1/questions/{printer.id}").get_json()["answers"][0]
    assert (api["helped_count"], api["not_helped_count"]) == (2, 1)


def test_helped_vote_through_the_api_counts_once_per_caller(session, member, other_member, client):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    answer_id = printer.accepted_answer_id
    first = client.post(f"/api/v1/posts/{answer_id}/helped", json={"helped": True})
    again = client.post(f"/api/v1/posts/{answer_id}/helped", json={"helped": True})
    assert first.status_code == 200 and first.get_json()["counted"] is True
    assert again.get_json() == {"helped_count": 1, "not_helped_count": 0, "counted": False}
    unsolved = client.post(f"/api/v1/posts/{printer.id}/helped", json={"helped": True})
    assert unsolved.status_code == 404


def test_helped_form_from_another_site_is_refused(session, visitor, member, other_member):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    refused = visitor().post(
        f"/answers/{printer.accepted_answer_id}/helped",
        data={"helped": "yes"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert refused.status_code == 403
    page = text_of(read(visitor(), printer.id).text)
    assert "Helped 0 people" in page


def test_faq_order_follows_helped_votes_and_views_after_refresh(
    session, runner, visitor, client, member, other_member
):
    printer = solved(session, member, other_member, "Printer shows offline after the update", ["printer"])
    scanner = solved(session, member, other_member, "Scanner jams on the second page", ["scanner"])
    for _ in range(2):
        read(visitor(), printer.id)
    read(visitor(), scanner.id)
    refresh(runner)
    assert faq_ids(client) == [printer.id, scanner.id]
    say_helped(visitor(), scanner.accepted_answer_id, "yes")
    refresh(runner)
    assert faq_ids(client) == [scanner.id, printer.id]


def test_helped_form_shows_only_under_an_accepted_or_verified_answer(session, visitor, question, answer):
    page = read(visitor(), question.id).text
    assert "Did this solve your problem?" not in page
    assert re.search(r"/answers/\d+/helped", page) is None
