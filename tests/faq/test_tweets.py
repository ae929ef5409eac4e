"""Mirrored tweets and the FAQ: tweets unanswered past the response-time target are needs, and a
tweet that matches an FAQ entry is suggested to staff, who reply with its link in one click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import clock
from forum.models import ReplyOutbox
from forum.social import mirror, replyback
from tests.faq.test_needs import needs_of, open_first_hit, search_as
from tests.social.conftest import mirror_settings
from tests.social.test_polling import poll
from tests.web.conftest import text_of

SITE = "http://forum.test"
PAST_TARGET = timedelta(hours=2)  # the testing target is STAFF_TARGET_SECONDS, an hour


@pytest.fixture
def app_overrides(fake_x) -> dict:
    return mirror_settings(fake_x.url, X_REPLY_BACK=True, X_SITE_URL=SITE)


def test_tweets_unanswered_past_the_target_join_the_need_of_their_words(
    app, session, fake_x, visitor, api_as, staff, index
):
    search_as(visitor(), "router reboots every night")
    for asker in ("dana_r", "eli_k"):
        fake_x.tweet(asker, "@AcmeHelp my router reboots every night. Any idea why?")
    answered = fake_x.tweet("finn_o", "@AcmeHelp my router reboots every night. Any idea why?")
    fake_x.tweet("AcmeHelp", "@finn_o Please update the firmware to 1.2.6.", reply_to=answered)
    poll(app, session)
    staff_api = api_as(staff)

    (need,) = needs_of(staff_api)  # within the target: the search alone
    assert need["visitors_30d"] == 1 and need["sources"] == ["search"]

    with clock.travel(PAST_TARGET):
        (need,) = needs_of(staff_api)
        page = visitor(staff).get("/staff/needs")
    assert need["visitors_30d"] == 3  # the searcher and the two askers nobody answered
    assert need["sources"] == ["search", "twitter"]
    assert "my router reboots every night." in need["examples"]
    assert 'class="badge badge-twitter need-source"' in page.text


def faq_of(app, session, visitor, api_as, member, question) -> None:
    """Make `question` (answered, by alice) an FAQ entry: accepted, opened from a search, refreshed."""
    answer_id = question.answers[0].id
    accepted = api_as(member).put(f"/questions/{question.id}/accepted-answer", json={"answer_id": answer_id})
    assert accepted.status_code == 200
    open_first_hit(visitor(), "reset router password")
    assert app.test_cli_runner().invoke(args=["forum", "faq", "refresh"]).exit_code == 0


def outbox(session) -> list[ReplyOutbox]:
    session.expire_all()
    return list(session.scalars(select(ReplyOutbox).order_by(ReplyOutbox.id)))


def test_tweet_matching_an_faq_entry_is_suggested_and_replied_with_its_link_in_one_click(
    app, session, fake_x, visitor, api_as, staff, member, answered_question, index
):
    faq_of(app, session, visitor, api_as, member, answered_question)
    asking = fake_x.tweet("dana_r", "@AcmeHelp How do I reset my router password? I forgot it.")
    fake_x.tweet("eli_k", "@AcmeHelp my printer goes offline every morning.")
    poll(app, session)
    desk = visitor(staff)
    queue = desk.get("/staff/queue")
    items = re.findall(r'<li class="queue-item.*?</li>', queue.text, re.S)
    suggested = [item for item in items if "suggested:" in text_of(item)]
    assert len(items) == 2 and len(suggested) == 1
    assert "suggested: How do I reset my router password?" in text_of(suggested[0])
    assert outbox(session) == []  # shown, and nothing queued without the click

    action = re.search(r'action="(/staff/questions/\d+/faq-reply)"', suggested[0]).group(1)
    entry = re.search(r'name="faq_question_id" value="(\d+)"', suggested[0]).group(1)
    assert desk.post(action, data={"faq_question_id": entry}).status_code == 302
    assert desk.post(action, data={"faq_question_id": entry}).status_code == 302  # a second click
    (row,) = outbox(session)
    link = f"{SITE}/questions/{answered_question.id}#answer-{answered_question.accepted_answer_id}"
    assert link in row.answer.body and row.answer.author_id == staff.id
    assert "suggested:" not in text_of(desk.get("/staff/queue").text)  # answered by staff: out of the queue

    assert replyback.deliver(app, session, mirror.make_client(app)) == {"sent": 1}
    (reply,) = [t for t in fake_x.replies_to(asking["id"]) if t["author_id"] == fake_x.own_id]
    assert reply["text"].startswith("@dana_r This is answered in our FAQ: How do I reset my router password?")


def test_a_hidden_faq_entry_is_not_suggested_and_a_retitled_one_shows_its_faq_title(
    app, session, fake_x, visitor, api_as, staff, member, answered_question, index
):
    faq_of(app, session, visitor, api_as, member, answered_question)
    fake_x.tweet("dana_r", "@AcmeHelp How do I reset my router password? I forgot it.")
    poll(app, session)
    staff_api, desk = api_as(staff), visitor(staff)
    retitled = "Resetting a forgotten router password"
    assert staff_api.patch(f"/staff/faq/{answered_question.id}", json={"title": retitled}).status_code == 200
    assert f"suggested: {retitled}" in text_of(desk.get("/staff/queue").text)
    assert staff_api.patch(f"/staff/faq/{answered_question.id}", json={"hidden": True}).status_code == 200
    assert "suggested:" not in text_of(desk.get("/staff/queue").text)
