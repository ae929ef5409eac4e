"""The core loop in real Chromium: sign up, ask, a second person answers and
comments, and the first person sees both on the question page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

TITLE = "Why does my soundbar lose sync after an hour?"
QUESTION = "After about an hour of TV the soundbar audio drifts behind the picture. Restarting fixes it."
ANSWER = "Turn off the TV's audio delay compensation and set the soundbar to PCM; the drift goes away."
COMMENT = "Tested this on two TVs: PCM made the difference."


def sign_up(page, base, name):
    page.goto(f"{base}/signup")
    page.fill("#username", name)
    page.fill("#email", f"{name}@example.com")
    page.fill("#password", "a long password")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".user-chip-name")).to_have_text(name)


def test_core_loop_when_two_people_use_it_shows_answer_and_comment_to_asker(live_server, new_page):
    base = live_server.url
    alice = new_page()
    sign_up(alice, base, "alice_b")
    alice.get_by_role("link", name="Ask").first.click()
    alice.fill("#title", TITLE)
    alice.fill("#body", QUESTION)
    alice.fill("#tags", "soundbar tv")
    alice.get_by_role("button", name=re.compile("Post your question", re.I)).click()
    expect(alice.locator("h1")).to_have_text(TITLE)
    question_url = alice.url
    assert re.search(r"/questions/\d+/", question_url)

    bob = new_page()
    sign_up(bob, base, "bob_b")
    bob.goto(f"{base}/questions")
    bob.get_by_role("link", name=TITLE).click()
    bob.fill("form[action$='/answers'] textarea", ANSWER)
    bob.get_by_role("button", name="Post your answer").click()
    answer = bob.locator("article.answer").filter(has_text="PCM")
    expect(answer).to_be_visible()
    answer.locator("summary", has_text="Add a comment").click()
    answer.locator("textarea").fill(COMMENT)
    answer.get_by_role("button", name="Add comment").click()
    expect(bob.locator("ul.comments li", has_text=COMMENT)).to_be_visible()

    alice.reload()
    expect(alice.locator("article.answer", has_text=ANSWER)).to_be_visible()
    expect(alice.locator("article.answer ul.comments", has_text=COMMENT)).to_be_visible()
    expect(alice.locator("article.answer .user-link", has_text="bob_b").first).to_be_visible()
