"""Moderation and the staff desk in real Chromium: a moderator works the flag
queue and marks an accepted solution; a second staff member sees the first
one's claim on a question."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, log_in

pytestmark = pytest.mark.browser


# Run in the served app's environment: people, threads and flags through the services,
# an old thread with the clock moved back so it is due for curation.
SEED = """
from datetime import timedelta
from forum import clock, create_app
from forum.extensions import db
from forum.services import accounts, flags, posting, voting

BODY = "A body for the browser test that is comfortably long enough."
app = create_app()
with app.app_context():
    s = db.session
    def user(name, role="member"):
        return accounts.register_user(s, name, name + "@example.com", "a long password", role)
    mod, first, second = user("mo_mod", "moderator"), user("sam_first", "staff"), user("kim_second", "staff")
    asker, helper, spammer = user("ann_asker"), user("hal_helper"), user("spam_sid")
    live = posting.ask_question(s, asker, "Speaker crackles when the volume is low", BODY, ["speaker"])
    spam = posting.post_answer(s, spammer, live, "Cheap speakers at example dot com, click now!!!")
    flags.raise_flag(s, first, spam.id, "spam")
    flags.raise_flag(s, second, spam.id, "offensive")
    with clock.travel(-timedelta(days=20)):
        old = posting.ask_question(s, asker, "Remote control stopped pairing with the TV", BODY, ["remote"])
        good = posting.post_answer(s, helper, old, "Hold Home and Back together for five seconds to pair.")
        voting.cast_vote(s, first, good.id, 1)
    posting.ask_question(s, asker, "Where is the serial number on the soundbar?", BODY, ["soundbar"])
    s.commit()
"""


@pytest.fixture
def seeded(live_server):
    subprocess.run(
        [sys.executable, "-c", SEED],
        cwd=ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return live_server


def test_moderator_works_flag_queue_and_marks_accepted_solution(seeded, new_page):
    base = seeded.url
    page = new_page()
    log_in(page, base, "mo_mod")
    page.get_by_role("link", name="Flags").click()
    group = page.locator(".flag-group", has_text="Speaker crackles when the volume is low")
    expect(group).to_be_visible()
    expect(group.locator(".flag-list li")).to_have_count(2)
    for box in group.locator("input.flag-select").all():
        box.check()
    page.select_option("#bulk-action", "delete:spam")
    page.fill("#bulk-note", "advertising")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".flash-success")).to_contain_text("Deleted 1 post")
    expect(page.locator(".empty")).to_contain_text("No open flags")

    page.get_by_role("link", name="Audit log").first.click()
    expect(page.locator(".audit-table tbody tr").first).to_contain_text("advertising")

    page.get_by_role("link", name="Curation").click()
    item = page.locator(".curation-item", has_text="Remote control stopped pairing with the TV")
    item.get_by_role("button", name="Mark as solution").click()
    expect(page.locator(".flash-success")).to_contain_text("accepted solution")
    expect(page.locator(".curation-item", has_text="Remote control stopped pairing")).to_have_count(0)

    page.goto(f"{base}/questions")
    page.get_by_role("link", name="Remote control stopped pairing with the TV").click()
    accepted = page.locator("article.answer.accepted")
    expect(accepted).to_contain_text("Hold Home and Back together")
    expect(accepted).to_contain_text("mo_mod")  # the mark shows who made it


def test_second_staff_member_sees_the_first_ones_claim(seeded, new_page):
    base = seeded.url
    title = "Where is the serial number on the soundbar?"
    first = new_page()
    log_in(first, base, "sam_first")
    first.get_by_role("link", name="Staff queue").click()
    item = first.locator(".queue-item", has_text=title)
    item.get_by_role("button", name="Claim").click()
    expect(first.locator(".flash-success")).to_contain_text("It is yours")
    expect(first.locator(".queue-item", has_text=title).locator(".claimed-by")).to_contain_text("Yours until")

    second = new_page()
    log_in(second, base, "kim_second")
    second.goto(f"{base}/staff/queue")
    theirs = second.locator(".queue-item", has_text=title)
    expect(theirs.locator(".claimed-by")).to_contain_text("Claimed by sam_first until")
    expect(theirs.get_by_role("button", name="Claim")).to_have_count(0)
    other = second.locator(".queue-item", has_text="Speaker crackles")
    expect(other.get_by_role("button", name="Claim")).to_be_visible()
