"""Changes reach the index after commit, whoever makes them, and never before or without one."""

from __future__ import annotations

import os
import threading

from sqlalchemy import func, select, update

from forum import clock, search
from forum.extensions import db
from forum.models import Post, SearchOutbox
from forum.search import bulk, postgres, storage
from forum.services import acceptance, posting, voting
from tests.conftest import LONG_BODY


def test_new_question_is_findable_after_commit(session, member, find):
    question = posting.ask_question(session, member, "Firmware upgrade bricked it", LONG_BODY, ["modem"])
    session.commit()
    assert find("firmware") == [question.id]


def test_rolled_back_question_is_never_findable(session, member, find):
    posting.ask_question(session, member, "Phantom question about zeppelins", LONG_BODY, ["misc"])
    session.flush()
    session.rollback()
    posting.ask_question(session, member, "A real question that commits fine", LONG_BODY, ["misc"])
    session.commit()  # a later commit drains the outbox: the rolled-back post left nothing in it
    assert find("zeppelins") == []
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def test_flushed_but_uncommitted_question_is_not_findable_yet(session, member, find):
    posting.ask_question(session, member, "Uncommitted question about gliders", LONG_BODY, ["misc"])
    session.flush()
    assert find("gliders") == []
    session.commit()
    assert len(find("gliders")) == 1


def test_edit_replaces_the_indexed_text(session, member, question, find):
    posting.edit_post(session, member, question, body="Now it is about the satellite dish alignment only.")
    session.commit()
    assert find("satellite") == [question.id]
    assert find("thirty character rule") == []


def test_vote_changes_indexed_score(session, member, make_user, question, find):
    voter = make_user("member", reputation=50)
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    assert find("score:1") == [question.id]
    voting.undo_vote(session, voter, question.id)
    session.commit()
    assert find("score:1") == []


def test_acceptance_and_unacceptance_reach_question_and_answers(session, member, answered_question, find):
    answer_id = answered_question.answers[0].id
    acceptance.accept_answer(session, member, answered_question.id, answer_id)
    session.commit()
    assert find("hasaccepted:yes") == [answered_question.id]
    assert find("isaccepted:yes") == [answer_id]
    acceptance.unaccept_answer(session, member, answered_question.id)
    session.commit()
    assert find("hasaccepted:yes") == [] and find("isaccepted:yes") == []


def test_deleted_question_and_its_answers_leave_the_index(session, answered_question, find):
    answer_id = answered_question.answers[0].id
    assert set(find("[router]")) == {answered_question.id, answer_id}
    answered_question.deleted_at = clock.now()  # as moderation would
    session.commit()
    assert find("[router]") == []
    answered_question.deleted_at = None
    session.commit()
    assert set(find("[router]")) == {answered_question.id, answer_id}


def test_retagging_a_question_retags_its_answers(session, member, answered_question, find):
    posting.edit_post(session, member, answered_question, tags=["modem"])
    session.commit()
    assert find("[router]") == []
    assert len(find("[modem]")) == 2


def test_closing_is_a_change_the_index_hears_about(session, question):
    question.closed_at = clock.now()
    question.closed_reason = "off_topic"
    session.flush()
    queued = session.scalars(select(SearchOutbox.post_id)).all()
    session.rollback()
    assert question.id in queued


def test_bulk_update_of_posts_queues_the_rows_it_matches(session, question, find):
    session.execute(update(Post).where(Post.id == question.id).values(score=7))
    session.commit()
    assert find("score:7") == [question.id]


def test_renaming_a_user_reindexes_their_posts(session, member, question, find):
    member.username = "alice_renamed"
    session.commit()
    assert find("user:alice_renamed") == [question.id]
    assert find("user:alice") == []


def test_comment_does_not_touch_the_index(session, member, question, find):
    posting.add_comment(session, member, question, "A comment that says nothing new at all.")
    session.flush()
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    session.commit()


def test_check_reports_stale_and_missing_documents(session, member, question, index):
    assert search.check(session).ok
    session.execute(update(Post).where(Post.id == question.id).values(score=3))
    session.execute(SearchOutbox.__table__.delete())  # lose the queued change, as a bug would
    session.commit()
    report = search.check(session)
    assert report.stale == [question.id] and not report.ok
    search.rebuild(session)
    assert search.check(session).ok


def test_repeated_search_after_a_commit_sees_the_change(session, member, question, find):
    # The same query, operators and page twice: remembered pages must not outlive the index generation.
    posting.ask_question(session, member, "Kayak rudder squeaks", LONG_BODY, ["boats"])
    session.commit()
    first = find("kayak is:question score:0")
    second_question = posting.ask_question(session, member, "Kayak paddle leash", LONG_BODY, ["boats"])
    session.commit()
    assert sorted(find("kayak is:question score:0")) == sorted(first + [second_question.id])


def test_rebuild_of_a_large_forum_in_parallel_finds_every_post(monkeypatch, app, session, member, index):
    # A forum "large" enough for processes of their own: Whoosh writes a segment per process,
    # PostgreSQL has worker processes tokenise batches that are copied in id order.
    monkeypatch.setattr(bulk, "PARALLEL_FROM_POSTS", 1)
    monkeypatch.setattr(postgres, "PARALLEL_FROM_POSTS", 1)
    monkeypatch.setattr(postgres, "REBUILD_BATCH", 5)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    asked = [
        posting.ask_question(
            session,
            member,
            f"Camera model {n} loses its date setting",
            f"{LONG_BODY} Unit {n} forgets it overnight.",
            ["camera"],
        )
        for n in range(12)
    ]
    session.commit()
    report = search.rebuild(session)
    assert report.documents == 12
    if app.config["SEARCH_BACKEND"] == "whoosh":
        assert len(storage.open_index(index)._segments()) == 2  # one per process, kept apart
    assert search.check(session).ok
    found = search.search(session, "camera date setting", page_size=50)
    assert found.total == 12 and {hit.id for hit in found.items} == {q.id for q in asked}
    assert [hit.id for hit in search.search(session, '"unit 7 forgets"').items] == [asked[7].id]


def test_searches_from_many_threads_while_posts_arrive_all_answer(app, session, member, index):
    # Worker threads share the decoded-postings cache; each has its own searcher and session.
    for n in range(5):
        posting.ask_question(session, member, f"Headset {n} crackles on calls", LONG_BODY, ["audio"])
    session.commit()
    failures: list[BaseException] = []
    totals: list[int] = []

    def reader() -> None:
        with app.app_context():
            try:
                for _ in range(15):
                    totals.append(search.search(db.session, "headset crackles").total)
                    db.session.rollback()
            except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(5, 8):  # the writer commits new segments meanwhile
        posting.ask_question(session, member, f"Headset {n} crackles on calls", LONG_BODY, ["audio"])
        session.commit()
    for thread in threads:
        thread.join(60)
    assert not failures
    assert len(totals) == 60 and all(5 <= total <= 8 for total in totals)
    assert search.search(session, "headset crackles").total == 8
