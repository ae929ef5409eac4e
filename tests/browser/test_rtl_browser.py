"""Persian pages read right to left in real Chromium: the layout mirrors, code does not.

A question with a code block and one answer, read by a visitor whose browser asks for
Persian (`Accept-Language: fa`), at 375 px and 1280 px. Screenshots land in
/tmp/rtl_<width>.png for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

BODY = (
    "After the firmware update the router drops every connection. The log shows:\n\n"
    "```\nping -c 3 192.168.1.1\nRequest timeout for icmp_seq 0\n```\n\n"
    "What does this mean?"
)

LAYOUT = """() => {
  const box = selector => {
    const rect = document.querySelector(selector).getBoundingClientRect();
    return {left: rect.left, right: rect.right};
  };
  const pre = document.querySelector(".question .post-body pre");
  const text = document.createRange();
  text.selectNodeContents(pre.querySelector("code"));
  return {
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    row: box(".header-row"),
    brand: box(".brand"),
    account: box(".account-area"),
    side: box(".question .post-side"),
    main: box(".question .post-main"),
    pre: box(".question .post-body pre"),
    codeLeft: text.getClientRects()[0].left,
    preDirection: getComputedStyle(pre).direction,
    codeDirection: getComputedStyle(pre.querySelector("code")).direction,
    bodyDirection: getComputedStyle(document.body).direction,
  };
}"""


@pytest.fixture
def question_path(live_server, new_page) -> str:
    base = live_server.url
    live_server.create_user("alice")
    live_server.create_user("bob")
    alice = new_page()
    log_in(alice, base, "alice")
    alice.goto(f"{base}/questions/ask")
    alice.fill("#title", "Router drops every connection after the firmware update")
    alice.fill("#body", BODY)
    alice.fill("#tags", "router firmware")
    alice.locator("main form button[type=submit]").first.click()
    expect(alice.locator(".question .post-body pre")).to_be_visible()
    path = alice.url.removeprefix(base)
    bob = new_page()
    log_in(bob, base, "bob")
    bob.goto(base + path)
    bob.fill(
        "form[action$='/answers'] textarea", "Roll the firmware back from the admin page, then update again."
    )
    bob.locator("form[action$='/answers'] button[type=submit]").click()
    expect(bob.locator("article.answer")).to_have_count(1)
    return path


@pytest.mark.parametrize("width", [375, 1280])
def test_question_page_in_persian_mirrors_layout_and_keeps_code_left_to_right(
    live_server, browser, question_path, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": "fa"}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + question_path)
        layout = page.evaluate(LAYOUT)
        page.screenshot(path=f"/tmp/rtl_{width}.png", full_page=True)
        # The screenshot waits for fonts and layout; read the finished page once more.
        layout = page.evaluate(LAYOUT)
        answer_count = page.locator(".answer-count").text_content()
    finally:
        context.close()

    assert (layout["lang"], layout["dir"], layout["bodyDirection"]) == ("fa", "rtl", "rtl")
    # The header starts at the right: the brand at the right edge, the account area at the left.
    row, brand, account = layout["row"], layout["brand"], layout["account"]
    assert abs(row["right"] - brand["right"]) < 24, layout
    assert abs(account["left"] - row["left"]) < 24, layout
    assert account["right"] < brand["left"], layout
    # The vote column stands to the right of the post's text.
    assert layout["side"]["left"] >= layout["main"]["right"], layout
    # Code stays left to right, its lines starting at the block's left edge.
    assert (layout["preDirection"], layout["codeDirection"]) == ("ltr", "ltr")
    assert layout["codeLeft"] - layout["pre"]["left"] < 24, layout
    # Counts in Persian digits, as CLDR writes them for fa.
    assert answer_count.strip() == "۱"
