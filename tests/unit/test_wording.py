"""Counts in words: proper plurals in the mirror's summaries (the admin page and `make run` show them)."""

from __future__ import annotations

import pytest

from forum.social.mirror import PollReport
from forum.wording import counted


@pytest.mark.parametrize(
    ("count", "noun", "plural", "words"),
    [
        (1, "question", None, "1 question"),
        (0, "question", None, "0 questions"),
        (3, "answer", None, "3 answers"),
        (2, "reply", "replies", "2 replies"),
        (1, "reply", "replies", "1 reply"),
    ],
)
def test_counted_count_of_one_is_singular_others_plural(count, noun, plural, words):
    assert counted(count, noun, plural) == words


def test_poll_summary_names_each_kind_in_proper_plurals():
    report = PollReport(fetched=7, mirrored={"answer": 3, "comment": 1, "question": 2, "skipped": 1})
    assert report.summary() == "7 tweets fetched: 2 questions, 3 answers, 1 comment, 1 skipped"


def test_poll_summary_of_one_tweet_is_singular():
    assert PollReport(fetched=1, mirrored={"question": 1}).summary() == "1 tweet fetched: 1 question"
