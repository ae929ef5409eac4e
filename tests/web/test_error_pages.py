"""Error pages and the page chrome: each status has its own title and a way on, and one Ask button."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import login, text_of


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def test_unknown_address_is_titled_page_not_found_with_a_way_on(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert title_of(response.text).startswith("Page not found ·")
    words = text_of(response.text)
    assert "404 Page not found There is nothing at this address." in words
    assert "Not possible" not in words and "Not Found" not in words
    assert re.search(r'<a class="button" href="/">Back to the questions</a>', response.text)


def test_unknown_question_is_titled_page_not_found_and_says_which(client):
    response = client.get("/questions/999")
    assert response.status_code == 404
    assert title_of(response.text).startswith("Page not found ·")
    assert "There is no post 999." in text_of(response.text)


def test_desk_page_for_member_is_titled_not_allowed(client, member):
    login(client, member)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert title_of(response.text).startswith("Not allowed ·")


@pytest.mark.parametrize("path", ["/questions", "/feed", "/questions/{id}"])
def test_page_with_questions_offers_one_ask_button(path, client, question):
    html = client.get(path.format(id=question.id), follow_redirects=True).text
    assert html.count('href="/questions/ask"') == 1
