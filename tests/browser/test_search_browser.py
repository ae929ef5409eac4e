"""Search in real Chromium: the header box with operators, a Greek phrase typed
without accents, and the ask page suggesting a similar question as the title is typed
(an FAQ entry labelled as such)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_core_loop_browser import sign_up

TITLE = "Soundbar loses sync with the TV after an hour"
BODY = (
    "After about an hour the soundbar audio drifts behind the picture. "
    "Στο σαλόνι ο ήχος καθυστερεί πάντα μετά από μία ώρα."
)


def ask_the_question(page, base: str) -> None:
    page.goto(f"{base}/questions/ask")
    page.fill("#title", TITLE)
    page.fill("#body", BODY)
    page.fill("#tags", "soundbar")
    page.get_by_role("button", name=re.compile("Post your question", re.I)).click()
    expect(page.locator("h1")).to_have_text(TITLE)


def test_search_from_header_and_ask_page_suggestions_find_the_question(live_server, new_page):
    base = live_server.url
    page = new_page()
    sign_up(page, base, "searcher")
    ask_the_question(page, base)
    question_path = re.search(r"/questions/\d+", page.url).group()

    # The header box: a phrase and a tag, submitted with Enter.
    page.fill("#site-search", '"audio drifts" [soundbar]')
    page.press("#site-search", "Enter")
    expect(page.locator(".search-count")).to_have_text("1 result")
    hit = page.locator(".search-hit").first
    expect(hit.locator("mark").first).to_have_text(re.compile("audio|drifts", re.I))
    expect(hit.locator("time")).to_have_attribute("title", re.compile(r"UTC$"))
    # Greek typed without its accents still finds the accented text.
    page.fill("#site-search", '"ο ηχος καθυστερει"')
    page.press("#site-search", "Enter")
    expect(page.locator(".search-hit")).to_have_count(1)
    page.locator(".search-hit .hit-title a").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    assert question_path in page.url

    # The ask page lists it while a similar title is typed.
    page.goto(f"{base}/questions/ask")
    page.locator("#title").press_sequentially("soundbar sync drifts", delay=20)
    suggestion = page.locator("#similar-questions a", has_text=TITLE)
    expect(suggestion).to_be_visible()
    # Through the link that notes the open (deflected asks), on to the question.
    assert suggestion.get_attribute("href") == question_path.replace("/questions/", "/questions/ask/open/")


def test_the_ask_page_labels_an_faq_entry_among_the_similar_questions(live_server, new_page):
    """The box's script shows the server's `faq` flag as a label, in the page's language; which
    entry comes first is the server's (tests/faq/test_similar_faq.py), so the answer is given here."""
    base = live_server.url
    page = new_page()
    sign_up(page, base, "faq_asker")
    item = {"question_id": 7, "title": "Printer shows offline after the update", "answer_count": 2}
    other = {**item, "question_id": 8, "title": "Printer offline again", "faq": False}
    items = [{**item, "faq": True}, other]
    page.route("**/api/v1/search/similar?*", lambda route: route.fulfill(json={"items": items}))
    page.goto(f"{base}/questions/ask")
    page.locator("#title").press_sequentially("printer offline after update", delay=20)
    entries = page.locator("#similar-questions li")
    expect(entries).to_have_count(2)
    expect(entries.first.locator(".badge-faq")).to_have_text("From the FAQ")
    expect(entries.first.locator("a")).to_have_text(item["title"])
    expect(entries.nth(1).locator(".badge-faq")).to_have_count(0)


PHONE = {"width": 375, "height": 800}


def test_search_on_a_phone_shows_one_box_and_the_first_result_near_the_top(live_server, new_page):
    base = live_server.url
    page = new_page()
    sign_up(page, base, "phone_searcher")
    ask_the_question(page, base)

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/search?q=soundbar+drifts")
    first = page.locator(".search-hit").first
    expect(first.locator(".hit-title mark").first).to_have_text(re.compile("soundbar", re.I))
    boxes = page.locator("input[type=search]")
    assert sum(boxes.nth(i).is_visible() for i in range(boxes.count())) == 1
    expect(page.locator("#site-search")).to_have_value("soundbar drifts")
    content_top = page.locator("main").bounding_box()["y"]
    hit = first.bounding_box()
    assert hit["y"] - content_top <= 150
    assert hit["width"] >= PHONE["width"] - 40  # the stats no longer take a column beside the text

    # Nothing found: the words go to the ask form.
    page.goto(f"{base}/search?q=turntable+hum")
    page.get_by_role("link", name="Ask this as a question").click()
    expect(page.locator("#title")).to_have_value("turntable hum")
