"""The change pipeline: what a transaction did reaches each subscriber once, at the right moment."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from forum import changes
from forum.models import Post
from forum.services import posting, voting
from tests.conftest import LONG_BODY


@pytest.fixture
def heard(app):
    """Each ChangeSet an extra at-commit subscriber is handed, and when its effect ran."""
    record: dict[str, list] = {"changes": [], "effects": []}
    saved = changes.subscribers()

    def listener(session, change_set):
        record["changes"].append(change_set)
        return lambda: record["effects"].append(len(record["changes"]))

    changes.subscribe(as_written=saved["as_written"], at_commit=[*saved["at_commit"], listener])
    yield record
    changes.subscribe(**saved)


def test_commit_after_new_answer_hands_subscribers_one_change_set(session, question, other_member, heard):
    answer = posting.post_answer(session, other_member, question, "Unplug it for thirty seconds first.")
    session.flush()
    assert heard["changes"] == []  # nothing is news before the commit
    session.commit()
    assert len(heard["changes"]) == 1
    assert heard["changes"][0].created_posts() == [answer]
    assert heard["effects"] == [1]


def test_rollback_of_new_question_hands_nothing_over(session, member, heard):
    posting.ask_question(session, member, "Why does my printer print blank pages?", LONG_BODY, ["printer"])
    session.flush()
    session.rollback()
    session.commit()
    assert heard["changes"] == [] and heard["effects"] == []


def test_bulk_score_update_is_noted_with_the_score_before(session, question, heard):
    session.execute(update(Post).where(Post.id == question.id).values(score=7))
    session.commit()
    change_set = heard["changes"][0]
    assert change_set.before[question.id] == {"score": 0}
    assert change_set.changed_posts(["score"]) == {question.id}


def test_vote_from_another_member_is_noted_on_its_post(session, answer, make_user, heard):
    voter = make_user(reputation=20)
    session.commit()
    heard["changes"].clear()
    voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    assert answer.id in heard["changes"][0].voted()


def test_answer_added_in_rolled_back_savepoint_is_not_handed_over(session, question, other_member, heard):
    with pytest.raises(RuntimeError), session.begin_nested():
        posting.post_answer(session, other_member, question, "This answer never happened at all.")
        session.flush()
        raise RuntimeError("give up on the savepoint")
    session.commit()
    assert all(change_set.created_posts() == [] for change_set in heard["changes"])


def test_effects_with_one_key_run_once_per_transaction(session, member):
    ran = []
    changes.after_commit(session, lambda: ran.append("first"), key="drain")
    changes.after_commit(session, lambda: ran.append("second"), key="drain")
    member.about = "a change to commit"
    session.commit()
    assert ran == ["first"]
