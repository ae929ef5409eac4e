"""`refusal(user, action, post)` answers what the service does: for every action, every kind
of viewer and every kind of post, the refusal it gives is the error the service raises (or
None when the service does it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from forum import clock
from forum.services import acceptance, flags, moderation, posting, staff, voting
from forum.services.errors import DomainError
from forum.services.permissions import refusal
from tests.conftest import LONG_BODY

ANSWER = "Hold the reset button for ten seconds, then log in again."


@pytest.fixture
def world(session, make_user):
    """People of every standing, and posts of every kind: open, own, staff, locked, closed."""
    people = {
        "newcomer": make_user("member", 1),
        "voter": make_user("member", 200),
        "editor": make_user("member", 2000),
        "closer": make_user("member", 3000),
        "asker": make_user("member", 20, username="asker"),
        "helper": make_user("member", 1, username="helper"),
        "staff": make_user("staff"),
        "moderator": make_user("moderator"),
    }
    asker, helper = people["asker"], people["helper"]
    open_question = posting.ask_question(
        session, asker, "How do I reset my router password?", LONG_BODY, ["router"]
    )
    locked = posting.ask_question(
        session, asker, "Why does my router drop the connection?", LONG_BODY, ["router"]
    )
    closed = posting.ask_question(
        session, asker, "Which router should I buy for my flat?", LONG_BODY, ["router"]
    )
    posts = {
        "question": open_question,
        "answer": posting.post_answer(session, helper, open_question, ANSWER),
        "own answer": posting.post_answer(session, asker, open_question, ANSWER + " Mine."),
        "staff answer": posting.post_answer(session, people["staff"], open_question, ANSWER + " Staff."),
        "locked question": locked,
        "locked answer": posting.post_answer(session, helper, locked, ANSWER),
        "closed question": closed,
    }
    session.commit()
    moderation.set_locked(session, people["moderator"], locked.id, True)
    moderation.close_question(session, people["moderator"], closed.id, "off_topic")
    session.commit()
    return people, posts


def outcome(session, work: Callable[..., object], *args: object) -> DomainError | None:
    """What the service does with `args`: None when it succeeds, or its refusal. Nothing is kept."""
    try:
        work(*args)
    except DomainError as error:
        return error
    finally:
        session.rollback()
    return None


def same(refused: DomainError | None, raised: DomainError | None) -> bool:
    if refused is None or raised is None:
        return refused is raised
    return (type(refused), refused.message, refused.details()) == (
        type(raised),
        raised.message,
        raised.details(),
    )


def check_every(session, world, action: str, targets: list[str], call, reason: str | None = None):
    people, posts = world
    mismatches = []
    for who, user in people.items():
        for name in targets:
            post = posts[name]
            refused = refusal(user, action, post, reason=reason)
            raised = outcome(session, call, user, post)
            if not same(refused, raised):
                mismatches.append((who, name, refused and refused.message, raised and raised.message))
    assert mismatches == []


ALL_POSTS = ["question", "answer", "own answer", "staff answer", "locked question", "locked answer"]
ANSWERS = ["answer", "own answer", "staff answer", "locked answer"]


@pytest.mark.parametrize(("action", "value"), [("vote_up", 1), ("vote_down", -1)])
def test_vote_refusal_for_every_viewer_matches_the_service(session, world, action, value):
    check_every(
        session, world, action, ALL_POSTS, lambda user, post: voting.cast_vote(session, user, post.id, value)
    )


def test_accept_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "accept",
        ANSWERS,
        lambda user, answer: acceptance.accept_answer(session, user, answer.question_id, answer.id),
    )


def test_accept_own_answer_after_the_delay_is_allowed_by_both(session, world):
    people, posts = world
    with clock.travel(timedelta(days=3)):
        assert refusal(people["asker"], "accept", posts["own answer"]) is None
        question = posts["question"]
        assert (
            outcome(
                session,
                acceptance.accept_answer,
                session,
                people["asker"],
                question.id,
                posts["own answer"].id,
            )
            is None
        )


def test_close_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "close",
        ["question", "locked question", "closed question"],
        lambda user, question: moderation.close_question(session, user, question.id, "off_topic"),
    )


def test_reopen_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "reopen",
        ["question", "closed question"],
        lambda user, question: moderation.reopen_question(session, user, question.id),
    )


@pytest.mark.parametrize("reason", ["spam", "needs_attention"])
def test_flag_refusal_for_every_viewer_matches_the_service(session, world, reason):
    check_every(
        session,
        world,
        "flag",
        ALL_POSTS,
        lambda user, post: flags.raise_flag(
            session, user, post.id, reason, "Please look at this one, it is odd."
        ),
        reason=reason,
    )


def test_verify_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session, world, "verify", ANSWERS, lambda user, answer: staff.verify_answer(session, user, answer.id)
    )


def test_edit_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "edit",
        ALL_POSTS,
        lambda user, post: posting.edit_post(session, user, post, body=post.body + " Edited."),
    )


def test_delete_refusal_for_every_viewer_matches_the_service(session, world):
    def delete(user, post):
        reason = "low_quality" if user.is_moderator else None  # what each one's form sends
        return moderation.delete_post(session, user, post.id, reason)

    check_every(session, world, "delete", ALL_POSTS, delete)


def test_comment_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "comment",
        ALL_POSTS,
        lambda user, post: posting.add_comment(session, user, post, "Which model is it, please?"),
    )


def test_answer_refusal_for_every_viewer_matches_the_service(session, world):
    check_every(
        session,
        world,
        "answer",
        ["question", "locked question", "closed question"],
        lambda user, question: posting.post_answer(session, user, question, ANSWER),
    )


def test_refusal_for_signed_out_visitor_asks_to_log_in(world):
    _, posts = world
    assert refusal(None, "vote_up", posts["answer"]).status == 401
    assert refusal(None, "accept", posts["answer"]).message == "Log in to accept an answer."


def test_refusal_of_unknown_action_is_a_programming_error(world):
    people, posts = world
    with pytest.raises(ValueError):
        refusal(people["voter"], "vote_sideways", posts["answer"])
