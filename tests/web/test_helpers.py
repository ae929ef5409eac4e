"""The small pieces every page relies on: safe `next`, slugs, relative times, messages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum.web.helpers import field_message, relative_time, safe_next, slugify, timeago

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
        (timedelta(seconds=50), "1 min ago"),
        (timedelta(minutes=3, seconds=59), "3 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=29), "29 days ago"),
        (timedelta(days=40), "29 Jan 2025"),
    ],
)
def test_relative_time_steps(delta, text):
    assert relative_time(NOW - delta, NOW) == text


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
