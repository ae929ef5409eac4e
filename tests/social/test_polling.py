"""The mirror against the fake X server: pages, since_id, rate limits, backoff, deletions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import clock
from forum.models import AuditEntry, Comment, MirrorCursor, MirroredTweet, MirrorError, Post
from forum.social import mirror


def poll(app, session, sleeps: list[float] | None = None) -> mirror.PollReport:
    """One `--once` run through the API source; sleeps are recorded instead of slept."""
    client = mirror.make_client(app)
    source = mirror.ApiSource(client, app.config["X_QUERY"])
    sleep = sleeps.append if sleeps is not None else (lambda seconds: None)
    return mirror.run(app, session, source, once=True, client=client, sleep=sleep)


def cursor(session) -> MirrorCursor:
    session.expire_all()
    return session.scalar(select(MirrorCursor).where(MirrorCursor.source.like("api:%")))


def conversation(fake, asker: str = "dana_r"):
    question = fake.tweet(asker, f"@AcmeHelp my router reboots every night. Any idea why, {asker}?")
    answer = fake.tweet(
        "AcmeHelp", f"@{asker} Please update the firmware to 1.2.6; it fixes the reboots.", reply_to=question
    )
    comment = fake.tweet(asker, "@AcmeHelp thanks, updated and it works!", reply_to=answer)
    return question, answer, comment


def search_requests(fake) -> list[dict]:
    return [params for method, path, params in fake.requests if path == "/2/tweets/search/recent"]


def mirrored(session, tweet: dict) -> MirroredTweet | None:
    session.expire_all()
    return session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(tweet["id"])))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_poll_follows_next_token_and_keeps_since_id(app, session, fake_x):
    for n in range(125):
        conversation(fake_x, f"cust{n}")
    poll(app, session)
    pages = search_requests(fake_x)
    assert len(pages) == 4  # 375 tweets, 100 a page
    assert "next_token" not in pages[0] and all(p.get("next_token") for p in pages[1:])
    assert all(p["max_results"] == "100" and "since_id" not in p for p in pages)
    assert count(session, MirroredTweet) == 375
    assert count(session, Post) == 250 and count(session, Comment) == 125
    assert cursor(session).since_id == max(fake_x.tweets)


def test_poll_again_asks_only_for_newer_tweets_and_threads_a_late_reply(app, session, fake_x):
    question, answer, _ = conversation(fake_x)
    poll(app, session)
    newest = max(fake_x.tweets)
    late = fake_x.tweet(
        "bob_b", "@dana_r @AcmeHelp same here; a power cycle after the update helped.", reply_to=question
    )
    report = poll(app, session)
    assert search_requests(fake_x)[-1]["since_id"] == str(newest)
    assert report.mirrored == {"answer": 1}
    record = mirrored(session, late)
    assert record.kind == "answer" and record.question_id == mirrored(session, question).post_id
    assert record.post.author.username == "bob_b" and record.post.author.role == "member"


def test_poll_of_a_quote_that_asks_nothing_comments_under_the_quoted_answer(app, session, fake_x):
    question, answer, _ = conversation(fake_x)
    poll(app, session)
    quote = fake_x.tweet("mo_t", "This fixed the nightly drop-outs on my mesh network too.", quoted=answer)
    report = poll(app, session)
    assert report.mirrored == {"comment": 1}
    record = mirrored(session, quote)
    assert record.kind == "comment" and record.post_id == mirrored(session, answer).post_id
    assert record.question_id == mirrored(session, question).post_id
    assert record.comment.author.username == "mo_t" and record.comment.author.reputation == 1


def test_poll_of_a_quote_that_asks_starts_a_thread_linking_the_quoted_one(app, session, fake_x):
    question, answer, _ = conversation(fake_x)
    poll(app, session)
    quote = fake_x.tweet("mo_t", "Does this fix apply to the AX1800 as well?", quoted=answer)
    assert poll(app, session).mirrored == {"question": 1}
    thread = mirrored(session, quote).post
    assert thread.kind == "question" and thread.source == "twitter" and thread.tag_names == []
    quoted_thread = mirrored(session, question).post_id
    assert f'href="/questions/{quoted_thread}#answer-{mirrored(session, answer).post_id}"' in thread.body_html


def test_poll_of_a_quote_that_asks_nothing_of_an_unknown_tweet_mirrors_nothing(app, session, fake_x):
    elsewhere = fake_x.tweet("news_n", "Acme ships a new router today.")
    del fake_x.tweets[int(elsewhere["id"])]  # said before the mirror was watching
    quote = fake_x.tweet("mo_t", "Finally, been waiting for this one.", quoted=elsewhere)
    poll(app, session)
    record = mirrored(session, quote)
    assert record.kind == "skipped" and record.post_id is None
    assert count(session, Post) == 0


def test_poll_with_429_resetting_within_a_minute_waits_and_loses_nothing(app, session, fake_x):
    for n in range(40):
        conversation(fake_x, f"cust{n}")
    fake_x.fail_next("/2/tweets/search/recent", 429, reset_in=5)
    sleeps: list[float] = []
    poll(app, session, sleeps)
    assert sleeps and 4 <= sleeps[0] <= 7
    assert count(session, MirroredTweet) == 120
    errors = list(session.scalars(select(MirrorError)))
    assert [e.kind for e in errors] == ["rate_limit"]
    assert cursor(session).rate_limit_limit == fake_x.window_limit


def test_poll_with_429_in_the_middle_of_the_pages_resumes_the_same_page(app, session, fake_x):
    for n in range(80):
        conversation(fake_x, f"cust{n}")
    poll_pages = []
    original = fake_x._search

    def search_then_limit(handler, params, headers):
        poll_pages.append(params.get("next_token"))
        if len(poll_pages) == 1:
            fake_x.fail_next("/2/tweets/search/recent", 429, reset_in=2)
        original(handler, params, headers)

    fake_x._search = search_then_limit
    poll(app, session, [])
    tokens = [p.get("next_token") for p in search_requests(fake_x)]
    assert tokens[1] == tokens[2]  # the limited page is asked for again
    assert count(session, MirroredTweet) == 240


def test_mirror_run_once_with_a_long_rate_limit_stops_cleanly_and_says_when(app, session, fake_x, runner):
    conversation(fake_x)
    fake_x.fail_next("/2/tweets/search/recent", 429, reset_in=900)
    result = runner.invoke(args=["forum", "mirror", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "retry after" in result.output and re.search(r"\(in (89\d|90\d) s\)", result.output)
    assert count(session, MirroredTweet) == 0
    state = cursor(session)
    assert state.since_id is None and state.last_poll_status.startswith("stopped: rate limited")
    assert state.rate_limited_until is not None
    # Once the window has reset, the next run takes everything.
    result = runner.invoke(args=["forum", "mirror", "run", "--once"])
    assert result.exit_code == 0 and count(session, MirroredTweet) == 3


def test_mirror_run_once_honours_a_spent_window_from_the_headers(app, session, fake_x, runner):
    conversation(fake_x)
    fake_x.window_limit = 2  # the search and the brand handle's lookup
    runner.invoke(args=["forum", "mirror", "run", "--once"])
    conversation(fake_x, "eve_e")
    result = runner.invoke(args=["forum", "mirror", "run", "--once"])
    assert "rate limited" in result.output
    assert cursor(session).rate_limit_remaining == 0
    assert count(session, MirroredTweet) == 3


def test_poll_on_5xx_backs_off_longer_each_time_then_succeeds(app, session, fake_x):
    conversation(fake_x)
    fake_x.fail_next("/2/tweets/search/recent", 503, count=3)
    sleeps: list[float] = []
    poll(app, session, sleeps)
    assert len(sleeps) == 3 and sleeps[0] < sleeps[1] < sleeps[2]
    assert count(session, MirroredTweet) == 3
    assert [e.kind for e in session.scalars(select(MirrorError))] == ["unavailable"] * 3


def test_poll_when_x_is_unreachable_gives_up_after_a_few_tries(app, session, fake_x):
    fake_x.stop()
    with pytest.raises(mirror.StopMirror, match="failed 5 times"):
        poll(app, session, [])
    assert count(session, MirrorError) == 5
    assert cursor(session).last_poll_status.startswith("stopped:")


def test_poll_after_a_tweet_is_deleted_hides_its_answer_and_comment(app, session, fake_x, api):
    question, answer, comment = conversation(fake_x)
    poll(app, session)
    fake_x.delete(answer["id"])
    fake_x.delete(comment["id"])
    report = poll(app, session)
    assert report.hidden == 2
    hidden_answer = mirrored(session, answer).post
    assert hidden_answer.deleted_at is not None and mirrored(session, comment).comment.deleted_at is not None
    question_post = mirrored(session, question).post
    assert question_post.answer_count == 0
    shown = api.get(f"/questions/{question_post.id}").get_json()
    assert shown["answers"] == []
    # The forum did it, and says so in the audit log.
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "mirror_hide")).all()
    assert {(e.actor_id, e.post_id) for e in entries} == {(None, hidden_answer.id)}
    assert len(entries) == 2 and all("deleted on X" in e.reason for e in entries)


def test_poll_after_the_root_tweet_is_deleted_hides_the_thread(app, session, fake_x, api):
    question, _, _ = conversation(fake_x)
    poll(app, session)
    fake_x.delete(question["id"])
    poll(app, session)
    question_post = mirrored(session, question).post
    assert question_post.deleted_at is not None
    assert api.get(f"/questions/{question_post.id}").status_code == 404
    # Replies arriving later in a hidden thread are recorded, not posted.
    late = fake_x.tweet("bob_b", "@dana_r same problem here since Tuesday", reply_to=question)
    poll(app, session)
    assert mirrored(session, late).kind == "skipped"


def test_deletion_check_looks_up_at_most_100_ids_a_request(app, session, fake_x):
    for n in range(84):
        conversation(fake_x, f"cust{n}")  # 252 tweets
    poll(app, session)
    lookups = [params["ids"].split(",") for method, path, params in fake_x.requests if path == "/2/tweets"]
    assert [len(ids) for ids in lookups] == [100, 100, 52]


def test_deletion_check_leaves_tweets_older_than_seven_days_alone(app, session, fake_x):
    conversation(fake_x)
    poll(app, session)
    fake_x.requests.clear()
    with clock.travel(timedelta(days=8)):
        poll(app, session)
    assert fake_x.count("GET", "/2/tweets") == 0
