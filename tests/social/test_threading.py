"""Threading rules, on the demo recording and on the 733 real TWCS conversations."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from forum import markup
from forum.models import Comment, ExternalIdentity, MirroredTweet, Post, User
from forum.services import accounts
from forum.services.errors import Invalid
from forum.services.validation import USERNAME_RE
from forum.social import conversations
from forum.social.demo import replay_demo
from tests.social.conftest import DEMO_PAGES, row_counts, thread_shape


def demo_tweets() -> dict[str, dict]:
    tweets = {}
    users = {}
    for line in DEMO_PAGES.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        users.update({u["id"]: u["username"] for u in page["includes"]["users"]})
        for tweet in page["data"]:
            tweets[tweet["id"]] = {**tweet, "handle": users.get(tweet["author_id"])}
    for tweet in tweets.values():
        tweet["handle"] = users[tweet["author_id"]]
    return tweets


def post_of(session, tweet_id: str) -> Post:
    record = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(tweet_id)))
    return record.post


def find(tweets: dict, handle: str, words: str) -> dict:
    return next(t for t in tweets.values() if t["handle"] == handle and words in t["text"])


def test_replay_demo_makes_a_question_with_a_staff_answer_and_the_askers_comment(session):
    replay_demo(session)
    tweets = demo_tweets()
    question = post_of(session, find(tweets, "dana_rivers", "reboots every night")["id"])
    assert question.kind == "question" and question.source == "twitter"
    assert question.tag_names == []
    assert question.title == (
        'My AX3000 router reboots every night around 2 am & the log says "watchdog reset".'
    )
    staff_answer = next(a for a in question.answers if a.author.username == "AcmeHelp")
    assert staff_answer.author.role == "staff"
    assert "https://support.acme.example/routers/ax3000/firmware-1.2.6" in staff_answer.body_html
    assert "it trips a known bug" in markup.plain_text(staff_answer.body)
    assert "> it trips" in markup.plain_text(staff_answer.body)
    comment = staff_answer.comments[0]
    assert comment.author_id == question.author_id and "fingers crossed" in comment.body


def test_replay_demo_makes_a_customer_reply_to_the_asker_an_answer(session):
    replay_demo(session)
    tweets = demo_tweets()
    question = post_of(session, find(tweets, "dana_rivers", "reboots every night")["id"])
    customer_answer = next(a for a in question.answers if a.author.username == "mo_tinker")
    assert customer_answer.author.role == "member"
    # The asker's reply to that customer is a comment under the customer's answer.
    assert [c.author_id for c in customer_answer.comments] == [question.author_id]
    assert question.answer_count == 2


def test_replay_demo_drops_the_retweet(session):
    replay_demo(session)
    retweet = find(demo_tweets(), "gadget_news", "RT @AcmeHelp")
    record = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(retweet["id"])))
    assert record.kind == "skipped" and record.skip_reason == "retweet" and record.post_id is None
    assert session.scalar(select(User).where(User.username == "gadget_news")) is None


def test_replay_demo_makes_a_quote_that_asks_nothing_a_comment_under_the_quoted_answer(session):
    replay_demo(session)
    tweets = demo_tweets()
    quote = find(tweets, "sam_builds", "mesh network")
    record = session.scalar(select(MirroredTweet).where(MirroredTweet.tweet_id == int(quote["id"])))
    quoted_answer = post_of(session, quote["referenced_tweets"][0]["id"])
    assert record.kind == "comment" and record.post_id == quoted_answer.id
    assert "This fixed the nightly drop-outs" in record.comment.body
    # The link to the quoted tweet is dropped: the comment sits under it.
    assert "/status/" + str(quote["referenced_tweets"][0]["id"]) not in record.comment.body
    assert session.scalar(select(Post).where(Post.title.contains("mesh network"))) is None


def test_replay_demo_adds_no_twitter_tag_and_cleans_titles(session):
    replay_demo(session)
    questions = list(session.scalars(select(Post).where(Post.kind == "question")))
    assert questions and all(q.source == "twitter" and q.tag_names == [] for q in questions)
    assert all(not q.title.startswith("@") and not q.title[0].islower() for q in questions)
    assert post_of(session, find(demo_tweets(), "pat_o", "order #55123")["id"]).title == (
        "Order #55123 says *delivered* but no box here..."
    )


def test_replay_demo_makes_a_brand_broadcast_a_staff_question_with_customer_answers(session):
    replay_demo(session)
    broadcast = post_of(session, find(demo_tweets(), "AcmeHelp", "Heads-up")["id"])
    assert broadcast.kind == "question" and broadcast.author.role == "staff"
    assert sorted(a.author.username for a in broadcast.answers) == ["AcmeHelp", "jkowalski"]
    assert "https://status.acme.example/" in broadcast.body_html


def test_replay_demo_keeps_markdown_characters_of_a_tweet_literal(session):
    replay_demo(session)
    question = post_of(session, find(demo_tweets(), "pat_o", "order #55123")["id"])
    assert "*delivered*" in question.body_html and "<em>" not in question.body_html
    assert "<ol>" not in question.body_html and "&lt;sigh&gt;" in question.body_html


def test_replay_demo_twice_changes_nothing(session):
    replay_demo(session)
    before = (row_counts(session), thread_shape(session))
    report = replay_demo(session)
    assert report.mirrored == {}
    assert (row_counts(session), thread_shape(session)) == before


def test_mirrored_identity_user_cannot_log_in(session):
    replay_demo(session)
    identity = session.scalar(select(ExternalIdentity).where(ExternalIdentity.handle == "dana_rivers"))
    assert identity.user.password_hash is None
    for password in ("", "password123", "x" * 10):
        try:
            accounts.authenticate(session, "dana_rivers", password)
        except Invalid:
            continue
        raise AssertionError("a mirrored identity logged in")


@pytest.mark.slow
def test_replay_twcs_threads_every_real_conversation_by_the_rules(
    runner, app, session, twcs_pages, twcs_brands
):
    # One replay (about a minute) checked for everything the real data teaches.
    app.config["X_BRAND_HANDLES"] = twcs_brands
    result = runner.invoke(args=["forum", "mirror", "run", "--source", str(twcs_pages)])
    assert result.exit_code == 0, result.output
    assert "733 question" in result.output

    # Every conversation is one thread and every tweet landed once.
    counts = row_counts(session)
    assert counts["questions"] == 733 and counts["mirrored"] == 3005
    assert counts["questions"] + counts["answers"] + counts["comments"] == 3005
    assert counts["answer_count_sum"] == counts["answers"]

    # Not every thread starts with a customer: ChipotleTweets' broadcast (TWCS tweet 81) is a staff question.
    brand_users = set(session.scalars(select(ExternalIdentity.user_id).where(ExternalIdentity.is_brand)))
    assert len(brand_users) == len(twcs_brands.split(","))
    broadcast = next(
        m
        for m in session.scalars(select(MirroredTweet).where(MirroredTweet.kind == "question"))
        if m.tweet_id & 0x3FFFFF == 81
    )
    assert broadcast.post.author.username == "ChipotleTweets" and broadcast.post.author.role == "staff"
    assert broadcast.post.answer_count >= 1
    brand_threads = [
        q for q in session.scalars(select(Post).where(Post.kind == "question")) if q.author_id in brand_users
    ]
    assert len(brand_threads) >= 5

    # Customers reply to each other: the longest conversation (130 tweets) stays one thread,
    # and a customer who is not the asker answers as a member.
    conversation_sizes = Counter(m.conversation_id for m in session.scalars(select(MirroredTweet)))
    longest, size = conversation_sizes.most_common(1)[0]
    assert size == 130
    assert (
        session.scalar(
            select(func.count(func.distinct(MirroredTweet.question_id))).where(
                MirroredTweet.conversation_id == longest
            )
        )
        == 1
    )
    customer_answers = [
        a
        for a in session.scalars(select(Post).where(Post.kind == "answer"))
        if a.author_id not in brand_users and a.author_id != a.question.author_id
    ]
    assert len(customer_answers) > 50 and all(a.author.role == "member" for a in customer_answers)

    # Text arrives HTML-escaped: unescaped exactly once, in bodies, comments and titles.
    bodies = [p.body_html for p in session.scalars(select(Post))] + [
        c.body_html for c in session.scalars(select(Comment))
    ]
    titles = [p.title for p in session.scalars(select(Post).where(Post.kind == "question"))]
    assert not [b for b in bodies if "&amp;amp;" in b or "&amp;gt;" in b or "&amp;lt;" in b]
    assert not [t for t in titles if re.search(r"&(amp|lt|gt|quot);", t)]
    assert any(" & " in t for t in titles)
    assert all(15 <= len(t) <= 150 for t in titles)

    # Every handle became a valid, unique forum username.
    names = list(session.scalars(select(User.username)))
    assert len(names) == len({n.lower() for n in names})
    assert all(3 <= len(n) <= 30 and USERNAME_RE.match(n) for n in names)


@pytest.mark.slow
def test_replay_twcs_twice_and_after_losing_the_cursor_gives_the_same_threads(
    runner, app, session, twcs_pages, twcs_brands
):
    from forum.models import MirrorCursor

    app.config["X_BRAND_HANDLES"] = twcs_brands
    runner.invoke(args=["forum", "mirror", "run", "--source", str(twcs_pages)])
    before = (row_counts(session), thread_shape(session))
    runner.invoke(args=["forum", "mirror", "run", "--source", str(twcs_pages)])
    assert (row_counts(session), thread_shape(session)) == before
    # Without the cursor every tweet is offered again; the unique tweet id keeps them single.
    session.execute(MirrorCursor.__table__.delete())
    session.commit()
    result = runner.invoke(args=["forum", "mirror", "run", "--source", str(twcs_pages)])
    assert "3005 already mirrored" in result.output
    session.expire_all()
    assert (row_counts(session), thread_shape(session)) == before


def test_replay_with_pace_commits_each_tweet_before_waiting(app, db, session):
    from forum.social import mirror
    from forum.social.conversations import collect

    source = mirror.FileSource(DEMO_PAGES)
    committed: list[int] = []

    def sleep(seconds: float) -> None:
        assert seconds == 2.5
        with db.engine.connect() as other:  # what another process sees right now
            committed.append(other.scalar(select(func.count()).select_from(MirroredTweet)))

    acme_help = "1000000001"  # the recording's X user id of @AcmeHelp
    mirror.ingest(
        session, collect(source.pages(None, None)), source.key, frozenset({acme_help}), pace=2.5, sleep=sleep
    )
    assert committed == list(range(1, 17))


def _root_tweet(tweet_id: str, text: str, lang: str | None) -> dict:
    tweet = {
        "id": tweet_id,
        "conversation_id": tweet_id,
        "author_id": "7001",
        "created_at": "2026-11-30T06:00:00.000Z",
        "text": text,
    }
    return tweet if lang is None else {**tweet, "lang": lang}


@pytest.mark.parametrize(
    "text, lang, stored",
    [
        # X's `lang` wins over what the text looks like: this Slovak-tagged tweet reads as Czech.
        ("Jak změním heslo k účtu? Nefunguje mi přihlášení od včera.", "sk", "sk"),
        # "und" (undetermined) or no `lang` at all: the text decides.
        ("Πώς αλλάζω τον κωδικό του λογαριασμού μου; Δεν μπορώ να συνδεθώ.", "und", "el"),
        ("چگونه رمز عبور حساب کاربری خود را تغییر دهم؟ وارد نمی‌شوم.", None, "fa"),
    ],
)
def test_mirror_tweet_stores_x_lang_when_set_else_the_detected_language(session, text, lang, stored):
    record = conversations.mirror_new_tweet(
        session, _root_tweet("9001", text, lang), {"7001": "jana_k"}, frozenset()
    )
    session.commit()
    assert record.question is not None and record.question.language == stored
