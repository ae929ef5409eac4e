"""Live updates that stay true: counts, plurals and accepted state follow the events, and a
right-to-left title does not push the time out of its line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from forum.services import acceptance, posting
from tests.conftest import LONG_BODY
from tests.live.test_pages_browser import _open_live

pytestmark = pytest.mark.browser


def test_feed_card_after_an_answer_and_an_accept_shows_the_count_and_accepted_state(
    served, new_page, session, question, other_member
):  # noqa: F811
    page = new_page()
    _open_live(page, f"{served}/feed")
    card = page.locator(f"#feed-item-{question.id}")
    expect(card.locator(".stat-answers")).to_contain_text("0 answers")

    answer = posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    expect(card.locator(".stat-answers")).to_contain_text("1 answer")
    acceptance.accept_answer(session, question.author, question.id, answer.id)
    session.commit()
    expect(card.locator(".stat-answers.has-accepted")).to_be_visible()


def test_question_page_first_live_answer_says_1_answer_and_drops_the_invitation(
    served, new_page, session, question, other_member
):  # noqa: F811
    page = new_page()
    _open_live(page, f"{served}/questions/{question.id}")
    expect(page.locator("#answers-heading")).to_have_text("0 answers")
    expect(page.locator("#answers-empty")).to_be_visible()

    posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    expect(page.locator("#answers-heading")).to_have_text("1 answer")
    expect(page.locator("#answers-empty")).to_be_hidden()


def test_activity_with_a_persian_title_keeps_the_time_after_the_title(
    served, new_page, session, member, other_member
):  # noqa: F811
    question = posting.ask_question(
        session, member, "چرا مودم من هر شب قطع می‌شود؟ ۳ بار", LONG_BODY, ["router"]
    )
    session.commit()
    page = new_page()
    _open_live(page, f"{served}/feed")
    posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    item = page.locator("#feed-activity li").first
    expect(item.locator("bdi a")).to_have_text(question.title)
    # The title is one isolated run: the time comes after the end of its last line, whichever
    # way the title runs and however it wraps.
    last_line_end = item.locator("bdi:has(a)").evaluate(
        "b => { const r = b.getClientRects(); return r[r.length - 1].right; }"
    )
    time = item.locator("time").bounding_box()
    assert time["x"] >= last_line_end - 1
