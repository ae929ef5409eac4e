"""The /live namespace served for real: python-socketio clients, the HTTP API,
and the database, as a browser and another user would meet them."""

from __future__ import annotations

import json

import pytest
import requests
import socketio

from forum.changes import publish
from forum.live import disconnect_user
from forum.models import LiveEvent
from forum.services import posting, voting
from tests.conftest import LONG_BODY
from tests.live.conftest import cookie_header

QUESTION_BODY = "My router keeps dropping the connection every evening around eight."


def _token(served: str, username: str) -> dict:
    credentials = {"username": username, "password": "correct horse"}
    response = requests.post(f"{served}/api/v1/tokens", json=credentials, timeout=5)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_question_asked_through_api_reaches_another_client(served, live_client, member):
    watcher = live_client()
    response = requests.post(
        f"{served}/api/v1/questions",
        headers=_token(served, member.username),
        json={
            "title": "Why does the router drop the connection?",
            "body": QUESTION_BODY,
            "tags": ["router"],
        },
        timeout=5,
    )
    assert response.status_code == 201
    question_id = response.json()["id"]

    event = watcher.wait_for(
        lambda name, data: name == "question.created" and data["post"]["id"] == question_id
    )

    assert event["type"] == "question.created"
    assert event["question_id"] == question_id
    assert event["post"]["title"] == "Why does the router drop the connection?"
    assert event["post"]["source"] == "web"
    assert isinstance(event["id"], int) and event["at"].endswith("Z")


def test_answer_reaches_watchers_of_its_question_and_the_feed(served, live_client, question, staff):
    on_page = live_client()
    assert on_page.watch(question.id) == {"ok": True, "room": f"question:{question.id}"}
    on_feed = live_client()

    response = requests.post(
        f"{served}/api/v1/questions/{question.id}/answers",
        headers=_token(served, staff.username),
        json={"body": "Update the firmware first, then reset the channel width."},
        timeout=5,
    )
    assert response.status_code == 201
    answer_id = response.json()["id"]

    for client in (on_page, on_feed):
        event = client.wait_type("answer.created", question_id=question.id)
        assert event["post"]["id"] == answer_id
        assert event["post"]["author"]["username"] == staff.username
        assert event["question"]["title"] == question.title


def test_watching_one_question_gets_nothing_of_another(session, live_client, member, other_member, make_user):
    first = posting.ask_question(session, member, "How do I reset my router password?", LONG_BODY, ["a"])
    second = posting.ask_question(session, member, "Which cable do I need for the modem?", LONG_BODY, ["b"])
    first_answer = posting.post_answer(session, other_member, first, "Hold the reset button for ten seconds.")
    second_answer = posting.post_answer(session, other_member, second, "Any CAT6 cable works for this modem.")
    session.commit()
    watcher = live_client()
    watcher.watch(first.id)
    voter = make_user(reputation=200)

    voting.cast_vote(session, voter, second_answer.id, 1)
    session.commit()
    voting.cast_vote(session, voter, first_answer.id, 1)
    session.commit()

    voted = watcher.wait_type("post.voted")
    assert voted["post_id"] == first_answer.id and voted["score"] == 1
    assert all(data.get("question_id") != second.id for _, data in watcher.events)


def test_unwatching_a_question_stops_its_events(session, live_client, question, other_member, make_user):
    answer = posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    watcher = live_client()
    watcher.watch(question.id)
    watcher.unwatch(question.id)
    voter = make_user(reputation=200)

    voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    publish(session, "test.marker", rooms=["feed"], payload={})
    session.commit()

    watcher.wait_type("test.marker")
    assert "post.voted" not in watcher.names()


def test_rolled_back_change_emits_nothing_and_stores_nothing(session, live_client, member):
    watcher = live_client()

    posting.ask_question(session, member, "This question will be rolled back", LONG_BODY, ["router"])
    session.rollback()
    kept = posting.ask_question(session, member, "This question will be committed", LONG_BODY, ["router"])
    session.commit()

    event = watcher.wait_type("question.created")
    assert event["post"]["id"] == kept.id
    assert watcher.names() == ["question.created"]
    stored = [e.payload["post"]["title"] for e in session.query(LiveEvent)]
    assert stored == ["This question will be committed"]


def test_reconnected_client_catches_up_through_feed(served, session, live_client, member, other_member):
    first = live_client()
    posting.ask_question(session, member, "What I saw before the connection dropped", LONG_BODY, ["router"])
    session.commit()
    last_seen = first.wait_type("question.created")["id"]
    first.close()

    missed = posting.ask_question(session, member, "Asked while I was offline", LONG_BODY, ["router"])
    posting.post_answer(session, other_member, missed, "Answered while you were offline, too.")
    session.commit()
    again = live_client()
    caught_up = requests.get(f"{served}/api/v1/feed", params={"after": last_seen}, timeout=5).json()

    assert [item["type"] for item in caught_up["items"]] == ["question.created", "answer.created"]
    assert caught_up["items"][0]["post"]["title"] == "Asked while I was offline"
    ids = [item["id"] for item in caught_up["items"]]
    assert ids == sorted(ids) and ids[0] > last_seen
    assert caught_up["last_id"] == ids[-1]
    assert again.names() == []  # what was missed comes from the feed, not the socket


def test_staff_room_events_reach_staff_only(session, live_client, web_login, staff, member):
    staff_socket = live_client(cookie_header(web_login(staff.username)))
    member_socket = live_client(cookie_header(web_login(member.username)))

    publish(session, "flag.created", rooms=["staff"], payload={"flag_id": 1}, staff_only=True)
    publish(session, "test.marker", rooms=["feed"], payload={})
    session.commit()

    assert staff_socket.wait_type("flag.created")["flag_id"] == 1
    member_socket.wait_type("test.marker")
    assert "flag.created" not in member_socket.names()


def test_disconnect_user_closes_that_users_sockets_only(live_client, web_login, member, other_member):
    mine = live_client(cookie_header(web_login(member.username)))
    theirs = live_client(cookie_header(web_login(other_member.username)))

    assert disconnect_user(member.id) >= 1

    assert mine.wait_disconnected()
    assert theirs.sio.connected


def test_log_out_closes_the_users_socket(served, live_client, web_login, member):
    browser = web_login(member.username)
    socket = live_client(cookie_header(browser))

    response = browser.post(f"{served}/logout", allow_redirects=False, timeout=5)

    assert response.status_code == 302
    assert socket.wait_disconnected()


def test_socket_from_another_origin_is_refused(live_client):
    with pytest.raises(socketio.exceptions.ConnectionError):
        live_client(origin="http://evil.example")


def test_watch_with_bad_question_id_is_refused(live_client):
    client = live_client()

    for bad in ({"question_id": "1"}, {"question_id": -3}, {"question_id": True}, {}, "nonsense", None):
        assert client.sio.call("watch", bad, namespace="/live", timeout=5)["ok"] is False
    assert client.sio.connected


def test_payloads_never_carry_voters_or_emails(session, live_client, question, other_member, make_user):
    answer = posting.post_answer(session, other_member, question, "Hold the reset button for ten seconds.")
    session.commit()
    watcher = live_client()
    watcher.watch(question.id)
    voter = make_user(reputation=200, username="secret_voter")

    voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    voting.cast_vote(session, voter, question.id, 1)
    session.commit()
    posting.add_comment(session, question.author, answer, "Thanks, that worked for me right away!")
    session.commit()
    watcher.wait_type("comment.created")

    received = json.dumps(watcher.events)
    stored = json.dumps([e.payload for e in session.query(LiveEvent)])
    for text in (received, stored):
        assert "secret_voter" not in text
        assert "@example.com" not in text
        assert "email" not in text
        assert f'"user_id": {voter.id}' not in text
    votes = [data for name, data in watcher.events if name == "post.voted"]
    assert sorted(v["score"] for v in votes) == [1, 1]
    assert all(set(v) == {"type", "id", "at", "question_id", "post_id", "kind", "score"} for v in votes)


def test_demoted_staff_socket_leaves_the_staff_room_at_once(
    served, session, live_client, web_login, staff, admin
):
    demoted = live_client(cookie_header(web_login(staff.username)))
    publish(session, "flag.created", rooms=["staff"], payload={"flag_id": 1}, staff_only=True)
    session.commit()
    assert demoted.wait_type("flag.created")["flag_id"] == 1

    changed = web_login(admin.username).post(
        f"{served}/admin/users/{staff.id}/role", data={"role": "member"}, allow_redirects=False, timeout=5
    )  # tests run without CSRF
    assert changed.status_code == 302

    publish(session, "flag.created", rooms=["staff"], payload={"flag_id": 2}, staff_only=True)
    publish(session, "test.marker", rooms=["feed"], payload={})
    session.commit()
    demoted.wait_type("test.marker")  # still connected, still on the feed
    assert [data["flag_id"] for name, data in demoted.events if name == "flag.created"] == [1]


def test_promoted_member_socket_joins_the_staff_room_at_once(
    served, session, live_client, web_login, member, admin
):
    promoted = live_client(cookie_header(web_login(member.username)))
    changed = web_login(admin.username).post(
        f"{served}/admin/users/{member.id}/role", data={"role": "staff"}, allow_redirects=False, timeout=5
    )
    assert changed.status_code == 302
    publish(session, "flag.created", rooms=["staff"], payload={"flag_id": 3}, staff_only=True)
    session.commit()
    assert promoted.wait_type("flag.created")["flag_id"] == 3
