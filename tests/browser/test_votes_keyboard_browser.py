"""Voting with a keyboard: Enter on a vote button keeps focus there, and a vote that is not
allowed says why next to the button instead of only in a tooltip."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def ask(page, base: str) -> str:
    page.goto(f"{base}/questions/ask")
    page.fill("#title", "Printer shows offline on Wi-Fi after a router swap")
    page.fill("#body", "I replaced my router and now the printer says offline on every laptop.")
    page.fill("#tags", "printer wifi")
    page.get_by_role("button", name="Post your question").click()
    return page.url.removeprefix(base)


def test_vote_with_enter_keeps_focus_and_a_refused_vote_says_why_inline(live_server, new_page):
    base = live_server.url
    for name, role in (("alice", "member"), ("newbie", "member"), ("sam", "staff")):
        live_server.create_user(name, role)
    alice = new_page()
    log_in(alice, base, "alice")
    path = ask(alice, base)

    newbie = new_page()
    log_in(newbie, base, "newbie")
    newbie.goto(base + path)
    up = newbie.locator("article.question .vote-up")
    expect(up).to_have_attribute("aria-disabled", "true")
    up.focus()
    newbie.keyboard.press("Enter")
    reason = newbie.locator("article.question .vote-status")
    expect(reason).to_be_visible()
    expect(reason).to_have_text("You need 15 reputation to vote up; you have 1.")
    assert newbie.evaluate("document.activeElement.classList.contains('vote-up')")
    expect(newbie.locator("article.question .score")).to_have_text("0")

    sam = new_page()
    log_in(sam, base, "sam")
    sam.goto(base + path)
    sam.locator("article.question .vote-up").focus()
    sam.keyboard.press("Enter")
    expect(sam.locator("article.question .score")).to_have_text("1")
    assert sam.evaluate("document.activeElement.classList.contains('vote-up')")
    expect(sam.locator("article.question .vote-up")).to_have_attribute("aria-pressed", "true")
