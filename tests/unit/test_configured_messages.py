"""Refusals that name a configured span say the configured one, not the default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.services import acceptance, posting, voting
from forum.services.errors import Forbidden

BODY = "An answer long enough to pass the thirty character minimum."


def test_vote_change_after_configured_window_message_names_it(app, session, question, make_user):
    app.config["VOTE_WINDOW_SECONDS"] = 2 * 60
    voter = make_user(reputation=200)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    with clock.travel(timedelta(minutes=3)), pytest.raises(voting.VoteLocked) as refused:
        voting.cast_vote(session, voter, question.id, -1)
    assert "votes can change only within 2 minutes" in refused.value.message


def test_vote_undo_after_configured_window_message_names_it(app, session, question, make_user):
    app.config["VOTE_WINDOW_SECONDS"] = 45
    voter = make_user(reputation=15)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    with clock.travel(timedelta(minutes=1)), pytest.raises(voting.VoteLocked) as refused:
        voting.undo_vote(session, voter, question.id)
    assert "votes can be undone only within 45 seconds" in refused.value.message


def test_self_accept_before_configured_delay_message_names_it(app, session, member, question):
    app.config["SELF_ACCEPT_DELAY_SECONDS"] = 3 * 3600
    own = posting.post_answer(session, member, question, BODY)
    session.commit()
    with pytest.raises(Forbidden) as refused:
        acceptance.accept_answer(session, member, question.id, own.id)
    assert "You can accept your own answer 3 hours after asking" in refused.value.message


def test_duration_words_for_configured_spans_reads_as_people_say_them():
    assert clock.duration_words(1) == "1 second"
    assert clock.duration_words(300) == "5 minutes"
    assert clock.duration_words(48 * 3600) == "48 hours"
