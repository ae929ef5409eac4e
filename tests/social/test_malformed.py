"""Malformed payloads: a bad tweet is recorded and passed, never a crash that pins the cursor."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from forum.models import MirroredTweet, MirrorError, Post
from forum.social import conversations
from tests.social.test_admin_page import log_in
from tests.social.test_polling import conversation, cursor, mirrored, poll, search_requests


def tweet_errors(session) -> list[str]:
    session.expire_all()
    return [e.message for e in session.scalars(select(MirrorError).where(MirrorError.kind == "tweet"))]


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


BAD_IDS = ["²", "12345678901234567890123", "9223372036854775808", "0", "-7", "１２３", None]


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_poll_with_a_malformed_tweet_id_records_an_error_and_mirrors_the_rest(app, session, fake_x, bad_id):
    question, answer, comment = conversation(fake_x)
    fake_x.serve_raw(
        {
            "id": bad_id,
            "text": "@AcmeHelp hello?",
            "author_id": "2000000001",
            "edit_history_tweet_ids": [bad_id],
        }
    )
    report = poll(app, session)
    assert report.failed == 1
    assert count(session, MirroredTweet) == 3 and mirrored(session, comment).kind == "comment"
    assert tweet_errors(session) == [f"a tweet with id {bad_id!r} (not an X id) was not mirrored"]
    # The cursor moved past the page (the bad id X called newest is ignored), so the next poll goes on.
    assert cursor(session).since_id == int(comment["id"])
    assert "1 could not be mirrored" in cursor(session).last_poll_status
    late = fake_x.tweet("bob_b", "@dana_r same here, the update fixed it for me too", reply_to=question)
    poll(app, session)
    assert search_requests(fake_x)[-1]["since_id"] == comment["id"]
    assert mirrored(session, late).kind == "answer"


MALFORMED_FIELDS = {
    "author_id": ("author_id", "²"),
    "conversation_id": ("conversation_id", "12345678901234567890123"),
    "reference_id": ("referenced_tweets", [{"type": "replied_to", "id": "²"}]),
    "references": ("referenced_tweets", "replied_to"),
    "text": ("text", 42),
    "urls": ("entities", {"urls": "https://t.co/x"}),
}


@pytest.mark.parametrize("field, value", MALFORMED_FIELDS.values(), ids=MALFORMED_FIELDS.keys())
def test_poll_with_a_malformed_field_skips_that_tweet_and_mirrors_the_rest(
    app, session, fake_x, field, value
):
    question, answer, comment = conversation(fake_x)
    answer[field] = value
    report = poll(app, session)
    assert report.failed == 1
    record = mirrored(session, answer)
    assert record.kind == "skipped"
    assert record.skip_reason.startswith(f"could not be mirrored: malformed tweet: {field}")
    assert mirrored(session, question).kind == "question" and mirrored(session, comment).kind == "comment"
    [error] = tweet_errors(session)
    assert error.startswith(f"tweet {answer['id']}: malformed tweet: {field}")
    assert cursor(session).since_id == int(comment["id"])
    # Seen again (a lost cursor, a replay), it stays skipped and is not reported twice.
    session.execute(cursor(session).__table__.delete())
    session.commit()
    assert poll(app, session).already == 3
    assert len(tweet_errors(session)) == 1


def test_poll_when_one_tweet_fails_unexpectedly_records_it_and_mirrors_the_rest(
    app, session, fake_x, monkeypatch
):
    question, answer, comment = conversation(fake_x)
    trouble = fake_x.tweet("bob_b", "@dana_r trouble: mine too", reply_to=question)
    after = fake_x.tweet("eve_e", "@dana_r have you tried another power adapter?", reply_to=question)
    real_post_body = conversations.post_body

    def post_body(tweet, handle, extra=""):
        if "trouble" in tweet["text"]:
            raise RuntimeError("the renderer broke")
        return real_post_body(tweet, handle, extra)

    monkeypatch.setattr(conversations, "post_body", post_body)
    poll(app, session)
    assert mirrored(session, trouble).kind == "skipped"
    assert tweet_errors(session) == [f"tweet {trouble['id']}: RuntimeError: the renderer broke"]
    assert [mirrored(session, t).kind for t in (question, answer, comment, after)] == [
        "question",
        "answer",
        "comment",
        "answer",
    ]
    # The failed tweet's half-made forum user and answer were rolled back with it.
    assert count(session, Post) == 3
    assert cursor(session).since_id == int(after["id"])


@pytest.mark.parametrize("created_at", ["yesterday", None, "2999-01-01T00:00:00.000Z"])
def test_poll_with_a_bad_created_at_still_hides_the_post_when_the_tweet_is_deleted(
    app, session, fake_x, api, created_at
):
    question, _, _ = conversation(fake_x)
    question["created_at"] = created_at
    poll(app, session)
    record = mirrored(session, question)
    assert record.tweet_created_at == record.mirrored_at
    fake_x.delete(question["id"])
    assert poll(app, session).hidden == 1
    assert api.get(f"/questions/{record.post_id}").status_code == 404


def test_poll_with_markdown_in_a_handle_shows_it_literally_and_links_only_to_x(app, session, client, fake_x):
    fake_x.add_user("3000000001", "x](https://evil.example/a)")
    question = fake_x.tweet("", "@AcmeHelp hi", as_user="3000000001")
    fake_x.tweet("", "@AcmeHelp ok", reply_to=question, as_user="3000000001")
    poll(app, session)
    post = mirrored(session, question).post
    page = client.get(f"/questions/{post.id}", follow_redirects=True).get_data(as_text=True)
    assert "evil.example" in page  # shown as words ...
    assert 'href="https://evil.example' not in page  # ... never as a link
    assert 'href="https://x.com/x%5D%28https%3A%2F%2Fevil.example%2Fa%29/status/' in post.body_html
    assert "@x](https://evil.example/a) on X</a>" in post.body_html
    assert 'href="https://evil.example' not in post.comments[0].body_html


def test_mirror_run_replaying_a_file_with_a_malformed_tweet_finishes_and_says_so(runner, session, tmp_path):
    good = {
        "id": "2028700000000000002",
        "author_id": "1000000031",
        "text": "@AcmeHelp my oven clock resets every day",
    }
    page = {
        "data": [good, {"id": "²", "author_id": "1000000031", "text": "@AcmeHelp hello"}],
        "includes": {"users": [{"id": "1000000031", "name": "lu", "username": "lu_p"}]},
        "meta": {"newest_id": "12345678901234567890123"},
    }
    source = tmp_path / "pages.jsonl"
    source.write_text(json.dumps(page) + "\n", encoding="utf-8")
    result = runner.invoke(args=["forum", "mirror", "run", "--source", str(source)])
    assert result.exit_code == 0, result.output
    assert "1 question" in result.output and "1 could not be mirrored" in result.output
    assert tweet_errors(session) == ["a tweet with id '²' (not an X id) was not mirrored"]


def test_mirror_page_shows_why_a_tweet_was_not_mirrored(app, session, client, admin, fake_x):
    conversation(fake_x)
    fake_x.serve_raw({"id": "²", "text": "@AcmeHelp hello?", "author_id": "2000000001"})
    poll(app, session)
    log_in(client, admin)
    html = client.get("/admin/mirror").get_data(as_text=True)
    assert "a tweet with id &#39;²&#39; (not an X id) was not mirrored" in html
    assert "1 could not be mirrored (see the errors)" in html
