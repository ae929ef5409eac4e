"""Fixtures for moderation tests: members who may flag, a mirrored Twitter thread."""

from __future__ import annotations

import pytest

from forum.models import Post
from forum.services import posting
from tests.conftest import LONG_BODY


@pytest.fixture
def flaggers(make_user):
    """Six members with enough reputation to flag."""
    return [make_user("member", 20) for _ in range(6)]


@pytest.fixture
def twitter_question(session, make_user) -> Post:
    customer = make_user("member", username="tweeter")
    question = posting.ask_question(
        session, customer, "My TV keeps restarting during streaming", LONG_BODY, ["twitter"], source="twitter"
    )
    helper = make_user("member", username="helper")
    posting.post_answer(session, helper, question, "Try unplugging it for a whole minute, then update.")
    session.commit()
    return question


@pytest.fixture
def second_question(session, other_member) -> Post:
    question = posting.ask_question(
        session, other_member, "Router password reset does not work", LONG_BODY, ["router"]
    )
    session.commit()
    return question
