"""API tests of moderation and the staff desk, and of every role boundary they have."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import clock
from forum.models import AuditEntry, Claim, Flag, Post, ReputationEvent, SiteSetting, StaffVerification, User
from forum.services import flags, posting
from tests.conftest import LONG_BODY


def state(session) -> dict:
    """Everything a moderation request could change."""
    session.expire_all()

    def rows(query) -> list:
        return [tuple(row) for row in session.execute(query).all()]

    return {
        "posts": rows(select(Post.id, Post.deleted_at, Post.locked, Post.closed_at, Post.closed_reason,
                             Post.duplicate_of_id, Post.question_id, Post.accepted_answer_id,
                             Post.answer_count).order_by(Post.id)),
        "flags": rows(select(Flag.id, Flag.status).order_by(Flag.id)),
        "audit": rows(select(AuditEntry.id).order_by(AuditEntry.id)),
        "claims": rows(select(Claim.id, Claim.user_id, Claim.expires_at).order_by(Claim.id)),
        "verifications": rows(select(StaffVerification.id).order_by(StaffVerification.id)),
        "ledger": rows(select(ReputationEvent.id).order_by(ReputationEvent.id)),
        "roles": rows(select(User.id, User.role).order_by(User.id)),
        "settings": rows(select(SiteSetting.key, SiteSetting.value)),
    }  # fmt: skip


@pytest.fixture
def scene(session, answered_question, make_user):
    """A thread with an answer, an open flag on it, a second question and a closed one."""
    answer = answered_question.answers[0]
    flagger = make_user("member", 20)
    flag = flags.raise_flag(session, flagger, answer.id, "spam")
    other = posting.ask_question(
        session, flagger, "Another question about routers here", LONG_BODY, ["router"]
    )
    closed = posting.ask_question(
        session, flagger, "A closed question about routers here", LONG_BODY, ["router"]
    )
    closed.closed_at, closed.closed_reason = clock.now(), "off_topic"
    session.commit()
    return {
        "q": answered_question.id,
        "a": answer.id,
        "flag": flag.id,
        "other": other.id,
        "closed": closed.id,
    }


# (method, path, body) for every endpoint only moderators, staff or admins may use.
PRIVILEGED = [
    ("get", "/flags", None),
    ("post", "/flags/{flag}/resolution", {"action": "handled", "note": "ok"}),
    ("delete", "/posts/{a}", {"reason": "spam"}),
    ("post", "/posts/{a}/undelete", {}),
    ("post", "/posts/{q}/lock", {}),
    ("delete", "/posts/{q}/lock", None),
    ("get", "/audit", None),
    ("post", "/questions/{q}/close", {"reason": "duplicate", "duplicate_of": "{other}"}),
    ("post", "/questions/{closed}/reopen", {}),
    ("get", "/staff/queue", None),
    ("put", "/questions/{q}/claim", None),
    ("delete", "/questions/{q}/claim", None),
    ("put", "/answers/{a}/verification", None),
    ("delete", "/answers/{a}/verification", None),
    ("patch", "/users/{member}", {"role": "admin"}),
]


def _fill(value, ids: dict):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _call(client, method: str, path: str, body):
    kwargs = {"json": body} if body is not None else {}
    return getattr(client, method)(path, **kwargs)


@pytest.mark.parametrize(("method", "path", "body"), PRIVILEGED, ids=[f"{m} {p}" for m, p, _ in PRIVILEGED])
def test_privileged_endpoint_by_member_is_forbidden_and_changes_nothing(
    session, api_as, member, scene, method, path, body
):
    ids = {**scene, "member": member.id}
    client = api_as(member)
    before = state(session)
    response = _call(client, method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] in ("forbidden", "privilege_required")
    assert state(session) == before


@pytest.mark.parametrize(("method", "path", "body"), PRIVILEGED, ids=[f"{m} {p}" for m, p, _ in PRIVILEGED])
def test_privileged_endpoint_anonymous_is_401(session, api, member, scene, method, path, body):
    ids = {**scene, "member": member.id}
    before = state(session)
    response = _call(api, method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == 401
    assert state(session) == before


MODERATOR_ONLY = [
    p for p in PRIVILEGED if not p[1].startswith(("/staff", "/questions/{q}/claim", "/answers", "/users"))
]


@pytest.mark.parametrize(
    ("method", "path", "body"), MODERATOR_ONLY, ids=[f"{m} {p}" for m, p, _ in MODERATOR_ONLY]
)
def test_moderator_endpoint_by_staff_is_forbidden(session, api_as, staff, member, scene, method, path, body):
    if path.endswith(("/close", "/reopen")):
        pytest.skip("staff bypass reputation, so they may close and reopen")
    ids = {**scene, "member": member.id}
    before = state(session)
    response = _call(api_as(staff), method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == 403
    assert state(session) == before


def test_flag_post_returns_the_flag(session, api_as, make_user, answered_question):
    flagger = make_user("member", 20)
    answer = answered_question.answers[0]
    response = api_as(flagger).post(
        f"/posts/{answer.id}/flags", json={"reason": "needs_attention", "text": "This link looks unsafe"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "post_id", "reason", "status", "created_at", "text"} <= set(body)
    assert body["post_id"] == answer.id and body["status"] == "open"


def test_flag_post_by_newcomer_is_privilege_required(session, api_as, member, answered_question):
    response = api_as(member).post(f"/posts/{answered_question.answers[0].id}/flags", json={"reason": "spam"})
    assert response.status_code == 403
    assert response.get_json()["error"]["privilege"] == "flag"


def test_flag_with_bad_reason_is_400(session, api_as, make_user, question):
    response = api_as(make_user("member", 20)).post(f"/posts/{question.id}/flags", json={"reason": "meh"})
    assert response.status_code == 400
    assert "reason" in response.get_json()["error"]["fields"]


def test_moderator_works_the_flag_queue_and_the_audit_shows_it(session, api_as, moderator, scene):
    client = api_as(moderator)
    queue = client.get("/flags").get_json()
    assert [item["id"] for item in queue["items"]] == [scene["flag"]]
    assert queue["items"][0]["post"]["id"] == scene["a"]
    resolved = client.post(f"/flags/{scene['flag']}/resolution", json={"action": "declined", "note": "fine"})
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "declined"
    assert client.get("/flags").get_json()["total"] == 0
    assert client.get("/flags?status=declined").get_json()["total"] == 1
    again = client.post(f"/flags/{scene['flag']}/resolution", json={"action": "handled"})
    assert again.status_code == 409
    log = client.get(f"/audit?post_id={scene['a']}").get_json()
    entry = log["items"][0]
    assert entry["action"] == "flag_declined" and entry["actor"]["id"] == moderator.id
    assert {"id", "actor", "action", "post_id", "reason", "before", "after", "created_at"} <= set(entry)


def test_delete_as_spam_hides_the_post_and_undelete_restores_it(session, api_as, api, moderator, scene):
    client = api_as(moderator)
    author_id = session.get(Post, scene["a"]).author_id
    rep_before = client.get(f"/users/{author_id}").get_json()["reputation"]
    assert client.delete(f"/posts/{scene['a']}", json={"reason": "spam"}).status_code == 204
    thread = api.get(f"/questions/{scene['q']}").get_json()
    assert [a["id"] for a in thread["answers"]] == []
    ledger = api.get(f"/users/{author_id}/reputation").get_json()["items"]
    assert ledger[0]["reason"] == "deleted_as_spam" and ledger[0]["delta"] == -100
    again = client.delete(f"/posts/{scene['a']}", json={"reason": "spam"})
    assert again.status_code == 409
    restored = client.post(f"/posts/{scene['a']}/undelete", json={"note": "mistake"})
    assert restored.status_code == 200 and restored.get_json()["deleted"] is False
    assert client.get(f"/users/{author_id}").get_json()["reputation"] == rep_before


def test_delete_question_gives_404_to_readers(session, api_as, api, moderator, scene):
    api_as(moderator).delete(f"/posts/{scene['other']}", json={"reason": "offensive"})
    assert api.get(f"/questions/{scene['other']}").status_code == 404


def test_delete_with_bad_reason_is_400_and_changes_nothing(session, api_as, moderator, scene):
    before = state(session)
    response = api_as(moderator).delete(f"/posts/{scene['a']}", json={"reason": "because"})
    assert response.status_code == 400
    assert state(session) == before


def test_author_deletes_own_question_without_a_body(session, api_as, member, question):
    assert api_as(member).delete(f"/posts/{question.id}").status_code == 204


def test_close_as_duplicate_and_reopen(session, api_as, moderator, scene):
    client = api_as(moderator)
    closed = client.post(
        f"/questions/{scene['other']}/close", json={"reason": "duplicate", "duplicate_of": scene["q"]}
    )
    assert closed.status_code == 200
    body = closed.get_json()
    assert body["closed"] is True and body["closed_reason"] == "duplicate"
    assert body["duplicate_of"] == scene["q"]
    reopened = client.post(f"/questions/{scene['other']}/reopen", json={})
    assert reopened.get_json()["closed"] is False and reopened.get_json()["duplicate_of"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "rude"},
        {"reason": "duplicate"},
        {"reason": "off_topic", "duplicate_of": 1},
        {"reason": 5},
        {},
    ],
)
def test_close_with_bad_input_is_400_and_changes_nothing(session, api_as, moderator, scene, body):
    before = state(session)
    response = api_as(moderator).post(f"/questions/{scene['other']}/close", json=body)
    assert response.status_code == 400
    assert state(session) == before


def test_close_by_member_with_low_reputation_is_privilege_required(session, api_as, other_member, scene):
    response = api_as(other_member).post(f"/questions/{scene['q']}/close", json={"reason": "off_topic"})
    assert response.status_code == 403
    assert response.get_json()["error"]["privilege"] == "close_reopen"


def test_lock_and_unlock(session, api_as, moderator, scene):
    client = api_as(moderator)
    locked = client.post(f"/posts/{scene['q']}/lock", json={"note": "calm down"})
    assert locked.status_code == 200 and locked.get_json()["locked"] is True
    assert client.post(f"/posts/{scene['q']}/lock").status_code == 409
    assert client.delete(f"/posts/{scene['q']}/lock").status_code == 204
    actions = [e["action"] for e in client.get("/audit?action=lock").get_json()["items"]]
    assert actions == ["lock"]


def test_audit_by_admin_is_allowed_and_bad_filter_is_400(session, api_as, admin):
    assert api_as(admin).get("/audit").status_code == 200
    assert api_as(admin).get("/audit?action=nuke").status_code == 400


def test_staff_queue_shows_age_and_the_claim(session, api_as, make_user, member):
    with clock.travel(-timedelta(hours=2)):
        overdue = posting.ask_question(
            session, member, "Overdue question that nobody answered", LONG_BODY, ["support"]
        )
    session.commit()
    first, second = make_user("staff", username="first"), make_user("staff", username="second")
    claimed = api_as(first).put(f"/questions/{overdue.id}/claim")
    assert claimed.status_code == 200
    assert claimed.get_json()["claim"]["user"]["username"] == "first"
    queue = api_as(second).get("/staff/queue").get_json()
    item = queue["items"][0]
    assert item["id"] == overdue.id and item["overdue"] is True
    assert 7100 < item["age_seconds"] < 7300
    assert item["claim"]["user"]["username"] == "first" and item["claim"]["until"].endswith("Z")
    refused = api_as(second).put(f"/questions/{overdue.id}/claim")
    assert refused.status_code == 409 and "first is on it" in refused.get_json()["error"]["message"]
    assert api_as(first).delete(f"/questions/{overdue.id}/claim").status_code == 204
    assert api_as(second).get("/staff/queue").get_json()["items"][0]["claim"] is None


def test_verification_shows_on_the_answer(session, api_as, api, staff, answered_question):
    answer = answered_question.answers[0]
    response = api_as(staff).put(f"/answers/{answer.id}/verification")
    assert response.status_code == 200
    assert response.get_json()["verified_by_staff"]["id"] == staff.id
    thread = api.get(f"/questions/{answered_question.id}").get_json()
    assert thread["answers"][0]["verified_by_staff"]["username"] == staff.username
    assert thread["answers"][0]["is_accepted"] is False
    assert api_as(staff).delete(f"/answers/{answer.id}/verification").status_code == 204
    assert api.get(f"/questions/{answered_question.id}").get_json()["answers"][0]["verified_by_staff"] is None


def test_role_change_by_admin_is_audited(session, api_as, admin, member):
    response = api_as(admin).patch(f"/users/{member.id}", json={"role": "staff"})
    assert response.status_code == 200 and response.get_json()["role"] == "staff"
    entry = api_as(admin).get("/audit?action=change_role").get_json()["items"][0]
    assert entry["subject_user"]["id"] == member.id and entry["after"] == {"role": "staff"}


def test_openapi_lists_every_moderation_route(app, api):
    paths = api.get("/openapi.json").get_json()["paths"]
    for method, path, _ in PRIVILEGED + [("post", "/posts/{a}/flags", None)]:
        name = (
            path.replace("{a}", "{answer_id}" if path.startswith("/answers") else "{post_id}")
            .replace("{q}", "{question_id}")
            .replace("{closed}", "{question_id}")
            .replace("{flag}", "{flag_id}")
            .replace("{member}", "{user_id}")
        )
        if name.startswith("/posts/{question_id}"):
            name = name.replace("{question_id}", "{post_id}")
        assert method in paths[name], name
