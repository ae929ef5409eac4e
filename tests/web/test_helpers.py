"""The small pieces every page relies on: safe `next`, slugs, relative times, messages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum.models import Post
from forum.social.text import post_body, question_title
from forum.web.helpers import (
    field_message,
    number,
    question_excerpt,
    relative_time,
    safe_next,
    slugify,
    timeago,
)

NOW = datetime(2025, 3, 10, 12, 0, 0)


@pytest.mark.parametrize("target", ["/", "/questions/3/a-slug?sort=votes", "/users/1#answers"])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "http:evil.example",
        "https://x.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\x00",
        "evil",
        "",
        None,
        42,
    ],
)
def test_safe_next_refuses_anything_that_could_leave_the_site(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(seconds=50), "1 minute ago"),
        (timedelta(minutes=3, seconds=59), "3 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=6), "6 days ago"),
        (timedelta(days=13), "2 weeks ago"),
        (timedelta(days=29), "4 weeks ago"),
        (timedelta(days=40), "Jan 29, 2025"),
    ],
)
def test_relative_time_steps(delta, text):
    assert relative_time(NOW - delta, NOW) == text


@pytest.mark.parametrize(
    ("language", "delta", "text"),
    [
        ("el", timedelta(minutes=3), "πριν από 3 λεπτά"),
        ("el", timedelta(hours=5), "πριν από 5 ώρες"),
        ("el", timedelta(days=40), "29 Ιαν 2025"),
        ("cs", timedelta(days=2), "před 2 dny"),
        ("fa", timedelta(minutes=3), "۳ دقیقه پیش"),
        ("fa", timedelta(days=13), "۲ هفته پیش"),
        ("fa", timedelta(days=40), "۲۹ ژانویه ۲۰۲۵"),
    ],
)
def test_relative_time_in_another_language_speaks_it(app, language, delta, text):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert relative_time(NOW - delta, NOW) == text


def test_timeago_in_persian_writes_persian_digits_on_hover(app):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        html = str(timeago(datetime(2024, 5, 1, 8, 30, 15)))
    assert html.startswith('<time datetime="2024-05-01T08:30:15Z" title="۲۰۲۴-۰۵-۰۱ ۰۸:۳۰ UTC">')


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "1,234,567"), ("el", "1.234.567"), ("cs", "1\u00a0234\u00a0567"), ("fa", "۱٬۲۳۴٬۵۶۷")],
)
def test_number_writes_counts_as_the_language_does(app, language, text):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert number(1234567) == text
        assert number(None) == ""


def test_timeago_renders_time_element_with_iso_and_exact_utc(app):
    html = str(timeago(datetime(2024, 5, 1, 8, 30, 15)))
    assert html.startswith('<time datetime="2024-05-01T08:30:15Z" title="2024-05-01 08:30 UTC">')
    assert html.endswith("</time>")


def test_slugify_keeps_letters_of_every_script():
    assert slugify("How do I reset my router?") == "how-do-i-reset-my-router"
    assert slugify("Πώς αλλάζω τη γλώσσα;") == "πώς-αλλάζω-τη-γλώσσα"
    assert slugify("!!!") == "question"


@pytest.mark.parametrize(
    ("label", "message", "sentence"),
    [
        (
            "Title",
            "must be at least 15 characters (it has 3)",
            "Title must be at least 15 characters (it has 3).",
        ),
        ("Username", "is already taken", "Username is already taken."),
        ("Tags", "give at least one tag", "Give at least one tag."),
    ],
)
def test_field_message_reads_as_a_sentence(label, message, sentence):
    assert field_message(label, message) == sentence


def test_excerpt_of_body_quoting_an_entity_keeps_it_as_written():
    from forum.web.helpers import excerpt

    # The writer typed the entity itself (escaped in Markdown); the excerpt must show it, not decode it twice.
    typed = r"Type \&lt;br\&gt; where the line should break."
    assert excerpt(typed) == "Type &lt;br&gt; where the line should break."
    assert excerpt("Use a <b>bold</b> & plain word.") == "Use a <b>bold</b> & plain word."


def test_question_excerpt_of_body_starting_with_the_title_does_not_repeat_it():
    question = Post(title="Router drops Wi-Fi at night", body="Router drops Wi-Fi at night. Firmware 1.2.")
    assert question_excerpt(question) == "Firmware 1.2."
    assert question_excerpt(Post(title="Is it water resistant?", body="Is it water resistant?")) == ""


def test_question_excerpt_of_a_mirrored_tweet_drops_mentions_title_and_credit():
    tweet = {"id": "7", "text": "@AcmeHelp my router reboots at 2 am. Firmware 1.2.4, any ideas?"}
    question = Post(title=question_title(tweet, "rosa_m"), body=post_body(tweet, "rosa_m"), source="twitter")
    assert question.title == "My router reboots at 2 am."
    assert question_excerpt(question) == "Firmware 1.2.4, any ideas?"


def test_question_excerpt_after_a_title_cut_short_says_it_goes_on():
    question = Post(title="My router reboots every…", body="My router reboots every night at two.")
    assert question_excerpt(question) == "…night at two."
