"""Reply-back: a staff answer on a mirrored thread becomes one reply tweet, never two."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum import clock, markup
from forum.models import MirroredTweet, Post, ReplyOutbox
from forum.services import moderation, posting
from forum.social import mirror, replyback
from tests.social.conftest import mirror_settings
from tests.social.test_polling import conversation, poll

SITE = "http://forum.test"


@pytest.fixture
def app_overrides(fake_x) -> dict:
    return mirror_settings(fake_x.url, X_REPLY_BACK=True, X_SITE_URL=SITE)


@pytest.fixture
def mirrored_thread(app, session, fake_x):
    question, answer, _ = conversation(fake_x)
    poll(app, session)
    root = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(question["id"])))
    return root, question


def staff_answer(session, staff, root):
    answer = posting.post_answer(session, staff, root.post, "Hold reset for ten seconds, then update again.")
    session.commit()
    return answer


def outbox(session) -> list[ReplyOutbox]:
    session.expire_all()
    return list(session.scalars(select(ReplyOutbox).order_by(ReplyOutbox.id)))


def deliver(app, session, later: timedelta = timedelta(0)) -> dict:
    with clock.travel(later):
        return replyback.deliver(app, session, mirror.make_client(app))


def test_staff_answer_on_mirrored_thread_is_queued_once(session, staff, mirrored_thread):
    root, _ = mirrored_thread
    answer = staff_answer(session, staff, root)
    rows = outbox(session)
    assert len(rows) == 1
    assert rows[0].answer_id == answer.id and rows[0].status == "pending"
    assert rows[0].in_reply_to_tweet_id == root.tweet_id


def test_deliver_posts_one_reply_with_a_link_and_never_again(app, session, staff, fake_x, mirrored_thread):
    root, question = mirrored_thread
    answer = staff_answer(session, staff, root)
    assert deliver(app, session) == {"sent": 1}
    assert deliver(app, session, timedelta(hours=2)) == {}
    replies = [t for t in fake_x.replies_to(question["id"]) if t["author_id"] == fake_x.own_id]
    assert len(replies) == 2  # the mirrored brand answer, and ours
    ours = replies[-1]
    assert ours["text"].startswith("@dana_r Hold reset")
    assert f"{SITE}/questions/{root.post_id}#answer-{answer.id}" in ours["text"]
    row = outbox(session)[0]
    assert row.status == "sent" and row.tweet_id == int(ours["id"])
    assert fake_x.count("POST", "/2/tweets") == 1


def test_deliver_after_a_lost_response_finds_the_reply_instead_of_posting_again(
    app, session, staff, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    fake_x.drop_create_responses = 1
    assert deliver(app, session) == {"sending": 1}
    assert fake_x.count("POST", "/2/tweets") == 1
    assert deliver(app, session) == {}  # not due yet
    assert deliver(app, session, timedelta(hours=1)) == {"sent": 1}
    assert fake_x.count("POST", "/2/tweets") == 1
    assert outbox(session)[0].tweet_id is not None


def test_deliver_after_a_crash_before_the_post_posts_exactly_once(
    app, session, staff, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    row = outbox(session)[0]
    # A worker claimed the row and died before its POST left.
    row.status, row.attempts, row.next_attempt_at = "sending", 1, clock.now() + timedelta(minutes=2)
    session.commit()
    assert deliver(app, session) == {}
    assert deliver(app, session, timedelta(minutes=5)) == {"sent": 1}
    assert fake_x.count("POST", "/2/tweets") == 1


def test_deliver_on_429_waits_for_the_reset_then_posts_once(app, session, staff, fake_x, mirrored_thread):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    fake_x.fail_next("/2/tweets", 429, reset_in=600)
    assert deliver(app, session) == {"failed": 1}
    row = outbox(session)[0]
    assert row.next_attempt_at > clock.now() + timedelta(minutes=9)
    assert deliver(app, session, timedelta(minutes=5)) == {}
    assert deliver(app, session, timedelta(minutes=11)) == {"sent": 1}
    assert fake_x.count("POST", "/2/tweets") == 2
    assert len([t for t in fake_x.tweets.values() if "#answer-" in t["text"]]) == 1


def test_two_workers_claiming_the_same_row_only_one_wins(app, db, session, staff, mirrored_thread):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    other = Session(db.engine)
    try:
        mine = session.get(ReplyOutbox, outbox(session)[0].id)
        theirs = other.get(ReplyOutbox, mine.id)
        assert replyback._claim(session, mine) is True
        assert replyback._claim(other, theirs) is False
    finally:
        other.close()


def test_mirror_run_delivers_the_outbox_after_polling(app, session, staff, fake_x, mirrored_thread):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    poll(app, session)
    assert outbox(session)[0].status == "sent"


def test_answers_that_must_not_be_tweeted_are_not_queued(
    app, session, member, other_member, staff, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    # A member's answer, the brand's own answer mirrored from X, and a staff answer on a web question.
    posting.post_answer(session, other_member, root.post, "Did you try another power adapter, maybe?")
    web_question = posting.ask_question(
        session,
        member,
        "Router reboots at night, why?",
        "It reboots every night at two in the morning.",
        ["router"],
    )
    posting.post_answer(session, staff, web_question, "That is the auto-update window; update by hand.")
    session.commit()
    assert outbox(session) == []
    assert (
        session.scalar(select(func.count()).select_from(MirroredTweet).where(MirroredTweet.kind == "answer"))
        == 1
    )


def test_reply_back_switched_off_queues_nothing(app, session, staff, mirrored_thread):
    app.config["X_REPLY_BACK"] = False
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    assert outbox(session) == []


def test_deliver_for_a_deleted_answer_gives_up_without_posting(app, session, staff, fake_x, mirrored_thread):
    root, _ = mirrored_thread
    answer = staff_answer(session, staff, root)
    answer.deleted_at = clock.now()
    session.commit()
    assert deliver(app, session) == {"abandoned": 1}
    assert fake_x.count("POST", "/2/tweets") == 0


def test_deliver_after_moderators_delete_the_thread_abandons_without_posting(
    app, session, staff, moderator, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    moderation.delete_post(session, moderator, root.post_id, "spam")
    session.commit()
    assert deliver(app, session) == {"abandoned": 1}
    assert fake_x.count("POST", "/2/tweets") == 0
    assert not [t for t in fake_x.tweets.values() if "#answer-" in t["text"]]
    assert outbox(session)[0].last_error == "the question was deleted before the answer was sent"


def test_deliver_of_a_reply_left_sending_after_the_thread_is_deleted_abandons_it(
    app, session, staff, moderator, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    fake_x.fail_next("/2/tweets", 503)
    assert deliver(app, session) == {"sending": 1}
    moderation.delete_post(session, moderator, root.post_id, "offensive")
    session.commit()
    assert deliver(app, session, timedelta(hours=2)) == {"abandoned": 1}
    assert fake_x.count("POST", "/2/tweets") == 1  # only the attempt that failed


@pytest.mark.parametrize("deleted", ["question", "answer"])
def test_staff_answer_saved_in_a_deleted_thread_is_not_queued(
    session, staff, moderator, mirrored_thread, deleted
):
    root, _ = mirrored_thread
    if deleted == "question":
        moderation.delete_post(session, moderator, root.post_id, "spam")
        session.commit()
    # An import or a script writes rows directly, past the posting service's checks.
    body = "Hold reset for ten seconds, then update again."
    session.add(
        Post(
            kind="answer",
            author=staff,
            question=root.post,
            body=body,
            body_html=markup.render(body),
            deleted_at=clock.now() if deleted == "answer" else None,
        )
    )
    session.commit()
    assert outbox(session) == []


def test_deliver_when_x_answers_without_a_valid_tweet_id_looks_before_posting_again(
    app, session, staff, fake_x, mirrored_thread
):
    root, _ = mirrored_thread
    staff_answer(session, staff, root)
    fake_x.created_id_override = "²"
    assert deliver(app, session) == {"sending": 1}
    fake_x.created_id_override = None
    assert deliver(app, session, timedelta(hours=1)) == {"sent": 1}
    assert fake_x.count("POST", "/2/tweets") == 1
    ours = [t for t in fake_x.tweets.values() if "#answer-" in t["text"]]
    assert len(ours) == 1 and outbox(session)[0].tweet_id == int(ours[0]["id"])
