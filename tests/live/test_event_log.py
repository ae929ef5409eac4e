"""Which changes become stored live events, with what rooms and payloads;
and /api/v1/feed reading them back. No sockets here: the rows are the record."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from forum import clock
from forum.changes import publish
from forum.models import Comment, LiveEvent, Post
from forum.services import acceptance, posting, voting
from tests.conftest import LONG_BODY


def _events(session, after: int = 0) -> list[LiveEvent]:
    return list(session.scalars(select(LiveEvent).where(LiveEvent.id > after).order_by(LiveEvent.id)))


def _last_id(session) -> int:
    events = _events(session)
    return events[-1].id if events else 0


def test_ask_answer_comment_store_one_event_each_with_rooms(session, member, other_member):
    question = posting.ask_question(
        session, member, "How do I reset my router password?", LONG_BODY, ["router"]
    )
    session.commit()
    answer = posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    comment = posting.add_comment(session, member, answer, "Thanks, where is that button exactly?")
    session.commit()

    events = _events(session)
    assert [(e.type, e.room_list, e.question_id) for e in events] == [
        ("question.created", ["feed"], question.id),
        ("answer.created", ["feed", f"question:{question.id}"], question.id),
        ("comment.created", [f"question:{question.id}"], question.id),
    ]
    assert events[0].payload["post"]["tags"] == ["router"]
    assert events[1].payload["post"]["id"] == answer.id
    assert events[2].payload["comment"]["id"] == comment.id
    assert events[2].payload["post_id"] == answer.id


def test_vote_stores_the_new_score_only(session, answered_question, make_user):
    answer = answered_question.answers[0]
    voter = make_user(reputation=200)
    after = _last_id(session)

    voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    voting.undo_vote(session, voter, answer.id)
    session.commit()

    events = _events(session, after)
    assert [(e.type, e.payload) for e in events] == [
        ("post.voted", {"post_id": answer.id, "kind": "answer", "score": 1}),
        ("post.voted", {"post_id": answer.id, "kind": "answer", "score": 0}),
    ]


def test_accept_change_and_unaccept_store_acceptance_events(session, answered_question, staff, moderator):
    question = answered_question
    first = question.answers[0]
    second = posting.post_answer(session, staff, question, "Or use the admin page at 192.168.0.1.")
    session.commit()
    after = _last_id(session)

    acceptance.accept_answer(session, question.author, question.id, first.id)
    session.commit()
    acceptance.accept_answer(session, moderator, question.id, second.id)
    session.commit()
    acceptance.unaccept_answer(session, question.author, question.id)
    session.commit()

    events = _events(session, after)
    assert [e.type for e in events] == ["answer.accepted", "answer.accepted", "answer.unaccepted"]
    assert events[0].payload["answer_id"] == first.id and events[0].payload["post"]["is_accepted"] is True
    assert events[1].payload["previous_answer_id"] == first.id
    assert events[1].payload["accepted_by"]["username"] == moderator.username
    assert events[2].payload["answer_id"] == second.id
    assert all(e.room_list == ["feed", f"question:{question.id}"] for e in events)


def test_close_reopen_lock_and_edit_store_events_for_the_thread(session, question, member):
    after = _last_id(session)

    question.closed_at, question.closed_reason = clock.now(), "off_topic"
    session.commit()
    question.closed_at = question.closed_reason = None
    question.locked = True
    session.commit()
    question.locked = False
    session.commit()
    posting.edit_post(session, member, question, body=LONG_BODY + " Edited to add the model number.")
    session.commit()

    events = _events(session, after)
    assert [e.type for e in events] == [
        "question.closed",
        "question.reopened",
        "post.locked",
        "post.unlocked",
        "post.edited",
    ]
    assert events[0].payload["closed_reason"] == "off_topic"
    assert events[-1].payload["post"]["body"].endswith("model number.")


def test_deleting_a_post_stores_a_tombstone_without_content(session, answered_question):
    answer = answered_question.answers[0]
    after = _last_id(session)

    answer.deleted_at = clock.now()
    answer.score = 5  # changed in the same breath: nothing but the deletion travels
    session.commit()

    events = _events(session, after)
    assert [(e.type, e.payload) for e in events] == [
        ("post.deleted", {"post_id": answer.id, "kind": "answer"}),
    ]


def test_change_that_ends_where_it_started_stores_nothing(session, question):
    after = _last_id(session)

    question.score = 3
    session.flush()
    question.score = 0
    session.commit()

    assert _events(session, after) == []


def test_feed_lists_events_after_an_id_in_order_with_pages(api, session, member):
    for n in range(5):
        posting.ask_question(session, member, f"Router question number {n} about wifi", LONG_BODY, ["router"])
        session.commit()
    ids = [e.id for e in _events(session)]

    first = api.get(f"/feed?after={ids[0]}&limit=2").get_json()
    rest = api.get(f"/feed?after={first['last_id']}&limit=10").get_json()

    assert [i["id"] for i in first["items"]] == ids[1:3] and first["has_more"] is True
    assert [i["id"] for i in rest["items"]] == ids[3:] and rest["has_more"] is False
    latest = api.get("/feed?limit=2").get_json()
    assert [i["id"] for i in latest["items"]] == ids[-2:]


def test_feed_for_one_question_leaves_out_the_others(api, session, answered_question, member):
    posting.ask_question(session, member, "Another question that is not this one", LONG_BODY, ["modem"])
    session.commit()

    items = api.get(f"/feed?after=0&question_id={answered_question.id}").get_json()["items"]

    assert [i["type"] for i in items] == ["question.created", "answer.created"]
    assert {i["question_id"] for i in items} == {answered_question.id}


def test_feed_hides_content_deleted_since_and_keeps_the_tombstone(api, session, answered_question):
    answer = answered_question.answers[0]
    comment = posting.add_comment(
        session, answered_question.author, answer, "Thanks, that worked for me at once."
    )
    session.commit()
    answer.deleted_at = clock.now()
    session.commit()

    items = api.get("/feed?after=0").get_json()["items"]

    assert [i["type"] for i in items] == ["question.created", "post.deleted"]
    assert "Hold the reset" not in str(items) and "worked for me" not in str(items)
    assert session.get(Comment, comment.id) is not None


def test_feed_shows_staff_events_to_staff_only(api, api_as, session, staff, member):
    publish(session, "flag.created", rooms=["staff"], payload={"flag_id": 7}, staff_only=True)
    session.commit()

    assert api.get("/feed?after=0").get_json()["items"] == []
    assert api_as(member).get("/feed?after=0").get_json()["items"] == []
    assert [i["flag_id"] for i in api_as(staff).get("/feed?after=0").get_json()["items"]] == [7]


def test_feed_refuses_bad_arguments_with_400(api):
    bad = ("after=x", "after=-1", "limit=0", "limit=501", "question_id=0", "after=99999999999999999999")
    for query in bad:
        response = api.get(f"/feed?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"]


def test_question_deleted_with_its_answers_emits_only_its_tombstone(session, answered_question):
    after = _last_id(session)

    answered_question.deleted_at = clock.now()
    session.execute(
        Post.__table__.update().where(Post.question_id == answered_question.id).values(score=Post.score + 1)
    )
    session.commit()

    assert [e.type for e in _events(session, after)] == ["post.deleted"]


def test_bulk_update_of_scores_stores_the_new_scores(session, answered_question):
    answer = answered_question.answers[0]
    after = _last_id(session)

    session.execute(update(Post).where(Post.question_id == answered_question.id).values(score=Post.score + 2))
    session.execute(update(Post).where(Post.id == answered_question.id).values(author_id=Post.author_id))
    session.commit()

    assert [(e.type, e.payload["post_id"], e.payload["score"]) for e in _events(session, after)] == [
        ("post.voted", answer.id, 2),
    ]


def test_prune_deletes_events_older_than_the_days_kept_and_the_feed_still_catches_up(
    api, runner, session, member
):
    with clock.travel(-timedelta(days=10)):
        old = posting.ask_question(session, member, "An old question about a scanner", LONG_BODY, ["scanner"])
        session.commit()
    recent = posting.ask_question(session, member, "A new question about a scanner", LONG_BODY, ["scanner"])
    session.commit()
    newest = _last_id(session)
    assert {e.question_id for e in _events(session)} == {old.id, recent.id}

    pruned = runner.invoke(args=["forum", "live", "prune", "--days", "7"])
    assert pruned.exit_code == 0 and "pruned 1 live events older than 7 days" in pruned.output
    session.expire_all()
    assert [e.question_id for e in _events(session)] == [recent.id]
    body = api.get("/feed?after=0").get_json()
    assert [item["post"]["id"] for item in body["items"]] == [recent.id]
    # A page that was up to date stays so; new events keep counting up from the same id.
    assert api.get(f"/feed?after={newest}").get_json()["items"] == []


def test_prune_keeps_the_newest_event_even_when_it_is_old(runner, session, member):
    with clock.travel(-timedelta(days=30)):
        posting.ask_question(session, member, "A quiet forum's last question", LONG_BODY, ["misc"])
        session.commit()
    newest = _last_id(session)
    assert runner.invoke(args=["forum", "live", "prune"]).exit_code == 0
    session.expire_all()
    assert _last_id(session) == newest
    assert runner.invoke(args=["forum", "live", "prune", "--days", "0"]).exit_code == 2  # at least a day
