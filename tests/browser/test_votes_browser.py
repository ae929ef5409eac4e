"""Votes and accepted answers in real Chromium: the score and the author's
reputation change, and an accepted answer moves to the top."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def post_answer(page, base, question_path, text):
    page.goto(base + question_path)
    page.fill("form[action$='/answers'] textarea", text)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator("article.answer", has_text=text)).to_be_visible()


def test_upvote_and_accept_when_done_in_browser_update_score_reputation_and_order(live_server, new_page):
    base = live_server.url
    for name, role in (("alice", "member"), ("bob", "member"), ("carol", "member"), ("sam", "staff")):
        live_server.create_user(name, role)

    alice = new_page()
    log_in(alice, base, "alice")
    alice.goto(f"{base}/questions/ask")
    alice.fill("#title", "Printer shows offline on Wi-Fi after a router swap")
    alice.fill("#body", "I replaced my router and now the printer says offline on every laptop.")
    alice.fill("#tags", "printer wifi")
    alice.get_by_role("button", name="Post your question").click()
    question_path = alice.url.removeprefix(base)

    bob = new_page()
    log_in(bob, base, "bob")
    post_answer(bob, base, question_path, "Reconnect the printer to the new network name from its own panel.")
    carol = new_page()
    log_in(carol, base, "carol")
    post_answer(carol, base, question_path, "Give the printer a fixed address in the router and re-add it.")

    sam = new_page()
    log_in(sam, base, "sam")
    sam.goto(base + question_path)
    bobs = sam.locator("article.answer", has_text="Reconnect the printer")
    bobs.get_by_role("button", name="Vote up").click()
    expect(bobs.locator(".vote .score")).to_have_text("1")
    expect(bobs.get_by_role("button", name="Vote up (your vote; press to undo)")).to_be_visible()

    sam.goto(f"{base}/questions")
    sam.goto(base + question_path)
    expect(sam.locator("article.answer").first).to_contain_text("Reconnect the printer")
    sam.locator("article.answer", has_text="Reconnect the printer").locator(".user-link").first.click()
    expect(sam.locator(".rep-big")).to_have_text("11")
    expect(sam.locator(".ledger")).to_contain_text("+10 upvote on Printer shows offline")

    alice.reload()
    carols = alice.locator("article.answer", has_text="fixed address")
    carols.get_by_role("button", name="Accept this answer").click()
    expect(alice.locator("article.answer").first).to_contain_text("fixed address")
    expect(alice.locator("article.answer").first).to_contain_text("Accepted by the asker")
    expect(alice.locator(".user-chip .rep")).to_have_text("3")
