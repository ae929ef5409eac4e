"""Moderation and staff-desk pages say the configured numbers, and the rules follow them."""

from __future__ import annotations

from datetime import timedelta

from forum import clock
from forum.services import flags, posting, voting
from forum.services import staff as desk
from tests.conftest import LONG_BODY
from tests.web.conftest import login, text_of


def test_flags_reaching_configured_count_audit_label_names_it(
    app, client, session, moderator, make_user, answered_question
):
    app.config["FLAGS_TO_HIDE"] = 3
    answer = answered_question.answers[0]
    for _ in range(3):
        flags.raise_flag(session, make_user("member", 20), answer.id, "spam")
    session.commit()
    assert answer.is_deleted
    login(client, moderator)
    log = text_of(client.get("/moderation/audit").text)
    assert "hid (3 flags)" in log
    assert "six" not in log


def test_staff_queue_with_configured_claim_time_says_it(app, client, staff, question):
    app.config["STAFF_CLAIM_SECONDS"] = 20 * 60
    login(client, staff)
    page = text_of(client.get("/staff/queue").text)
    assert "you are on it for 20 minutes" in page


def test_claim_with_configured_claim_time_holds_that_long(app, client, session, staff, question):
    app.config["STAFF_CLAIM_SECONDS"] = 30 * 60
    login(client, staff)
    response = client.post(f"/staff/questions/{question.id}/claim", follow_redirects=True)
    assert "It is yours for the next 30 minutes." in text_of(response.text)
    claim = desk.active_claims(session, [question.id])[question.id]
    assert claim.expires_at - claim.claimed_at == timedelta(minutes=30)


def test_delete_controls_with_configured_spam_penalty_name_it(app, client, moderator, answered_question):
    app.config["REPUTATION_POINTS"] = {**app.config["REPUTATION_POINTS"], "deleted_as_spam": -40}
    login(client, moderator)
    page = text_of(client.get(f"/questions/{answered_question.id}", follow_redirects=True).text)
    assert "Spam and offensive cost the author 40 reputation" in page


def test_curation_queue_with_configured_min_age_lists_younger_questions(
    app, client, session, moderator, make_user
):
    app.config["CURATION_MIN_AGE_DAYS"] = 2
    asker, helper, voter = make_user(), make_user(), make_user("member", 20)
    with clock.travel(-timedelta(days=3)):
        question = posting.ask_question(
            session, asker, "Three days old question on pairing", LONG_BODY, ["remote"]
        )
        answer = posting.post_answer(session, helper, question, "Hold both buttons for five seconds.")
        voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    login(client, moderator)
    page = text_of(client.get("/moderation/curation").text)
    assert "Questions older than 2 days" in page
    assert question.title in page
