"""The live pages in Chromium: what a reader sees change without reloading.

The app is served in this process (the `served` fixture), so the test makes
changes through the services, as another user's request or the mirror would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum.services import acceptance, posting, voting
from tests.conftest import LONG_BODY

pytestmark = pytest.mark.browser
VENDOR_CLIENT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "socket.io.min.js"


@pytest.fixture(autouse=True)
def _socketio_client_installed():
    if not VENDOR_CLIENT.exists():
        pytest.skip("static/vendor/socket.io.min.js is missing: run `make assets` (npm ci)")


def _open_live(page, url: str) -> None:
    page.goto(url)
    page.locator("html[data-live='live']").wait_for(state="attached")


def test_question_page_shows_new_answer_comment_score_and_accepted_first(
    served, new_page, session, question, other_member, staff, make_user
):  # noqa: F811
    first = posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    page = new_page()
    _open_live(page, f"{served}/questions/{question.id}")

    second = posting.post_answer(session, staff, question, "Update the firmware first, then reset it.")
    session.commit()
    page.locator(f"#answer-{second.id}").wait_for()
    posting.add_comment(session, question.author, second, "Thanks, which firmware version do you mean?")
    session.commit()
    page.locator(f"#comments-{second.id} li.comment").wait_for()
    voting.cast_vote(session, make_user(reputation=200), second.id, 1)
    session.commit()
    expect(page.locator(f".score[data-post-id='{second.id}']")).to_have_text("1")
    acceptance.accept_answer(session, question.author, question.id, second.id)
    session.commit()
    expect(page.locator("#answers article.answer").first).to_have_id(f"answer-{second.id}")

    assert page.locator(f"#answer-{second.id}").get_attribute("class").split().count("accepted") == 1
    assert "Firmware" not in page.locator(f"#answer-{first.id}").inner_text()
    assert page.locator(".answer-count").inner_text() == "2"


def test_question_list_offers_new_questions_and_shows_them_on_click(served, new_page, session, member):  # noqa: F811
    page = new_page()
    _open_live(page, f"{served}/questions")

    question = posting.ask_question(
        session, member, "Why is my invoice charged twice?", LONG_BODY, ["billing"]
    )
    session.commit()
    button = page.get_by_role("button", name="1 new question — show")
    button.wait_for()
    assert page.locator(f"#question-row-{question.id}").count() == 0  # nothing moves by itself

    button.click()

    page.locator(f"#question-list #question-row-{question.id}").wait_for()
    assert button.is_hidden()


def test_feed_page_slides_in_a_twitter_question_with_its_source(served, new_page, session, member):  # noqa: F811
    page = new_page()
    _open_live(page, f"{served}/feed")

    question = posting.ask_question(
        session, member, "Tweeted: my parcel never arrived at all", LONG_BODY, [], source="twitter"
    )
    session.commit()

    item = page.locator(f"#feed-list #feed-item-{question.id}")
    item.wait_for()
    assert item.locator(".source-x .x-mark").inner_text() == "𝕏"
    assert item.locator(".source-x").inner_text().endswith(f"@{member.username}")
    assert "Twitter" not in item.inner_text()
    assert page.locator("#live-status").inner_text() == "Live"


def test_page_catches_up_what_it_missed_while_disconnected(served, new_page, session, member):  # noqa: F811
    page = new_page()
    _open_live(page, f"{served}/feed")
    page.evaluate("window.ForumLive.socket.disconnect()")
    page.locator("html[data-live='offline']").wait_for(state="attached")

    missed = posting.ask_question(session, member, "Asked while the page was offline", LONG_BODY, ["router"])
    session.commit()
    page.wait_for_timeout(300)
    assert page.locator(f"#feed-item-{missed.id}").count() == 0
    page.evaluate("window.ForumLive.socket.connect()")

    page.locator(f"#feed-list #feed-item-{missed.id}").wait_for()
