"""Every page and desk in each language: no English interface text is left.

A browser asks with `Accept-Language: el` (cs, sk, fa) and signs in as each role
of the demo; on each page, what people wrote (posts, titles, names, tags, code:
everything marked `dir="auto"`, user links, tags) is set aside, and what is left
must hold none of the English interface's words.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility_browser import ROLES, demo_server, sign_in_demo  # noqa: F401

LOCALES = ("el", "cs", "sk", "fa")
# Words only the English interface uses (not Czech or Slovak words, nor names, nor "API").
ENGLISH = frozenset({
    "the", "and", "your", "you", "with", "this", "that", "have", "from", "answer", "answers",
    "question", "questions", "vote", "votes", "log", "sign", "ago", "search", "tags", "ask",
    "share", "edit", "flag", "history", "comment", "comments", "accepted", "staff", "reputation",
    "privileges", "newest", "active", "unanswered", "moderate", "close", "delete", "account",
    "feed", "people", "answered", "asked",
})  # fmt: skip
INTERFACE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[dir="auto"], .user-link, .tag, pre, code, script, .visually-hidden-ok,'
    + ' .language-switcher option, time').forEach(el => el.remove());
  return copy.innerText;
}"""


def english_words(text: str) -> list[str]:
    return sorted({word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH})


@pytest.fixture(scope="module")
def leftovers(demo_server, browser):  # noqa: F811
    found: dict[tuple[str, str], list[str]] = {}

    def visit(role: str, locale: str) -> list[str]:
        if (role, locale) not in found:
            user, paths = ROLES[role]
            context = browser.new_context(extra_http_headers={"Accept-Language": locale})
            context.set_default_timeout(15000)
            page = context.new_page()
            base = demo_server.url
            if user:
                sign_in_demo(page, base, user)
            lines = []
            for path in paths:
                page.goto(base + path)
                assert page.locator("html").get_attribute("lang") == locale
                if words := english_words(page.evaluate(INTERFACE_TEXT)):
                    lines.append(f"{path}: {', '.join(words)}")
            context.close()
            found[(role, locale)] = lines
        return found[(role, locale)]

    return visit


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_in_each_language_shows_no_english_interface_text(leftovers, role, locale):
    assert leftovers(role, locale) == []


def test_persian_pages_read_right_to_left(demo_server, browser):  # noqa: F811
    context = browser.new_context(extra_http_headers={"Accept-Language": "fa"})
    page = context.new_page()
    page.goto(demo_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    context.close()
