"""Page tests of moderation, the staff desk and admin: each role boundary, and the pages at work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import clock
from forum.models import AuditEntry, Flag, Post, User
from forum.services import flags, moderation, posting, voting
from forum.services.permissions import thresholds
from tests.conftest import LONG_BODY
from tests.moderation.test_moderation_api import state
from tests.web.conftest import login, text_of


@pytest.fixture
def scene(session, answered_question, make_user):
    answer = answered_question.answers[0]
    flagger = make_user("member", 20)
    flag = flags.raise_flag(session, flagger, answer.id, "spam")
    session.commit()
    return {"q": answered_question.id, "a": answer.id, "flag": flag.id}


MODERATOR_PAGES = ["/moderation/flags", "/moderation/curation", "/moderation/audit", "/moderation/posts/{a}"]
STAFF_PAGES = ["/staff/queue", "/staff/dashboard", "/staff/needs"]
ADMIN_PAGES = ["/admin/users", "/admin/settings"]

# (path, form) for every state-changing page endpoint of moderators, staff and admins.
PRIVILEGED_POSTS = [
    ("/moderation/flags/resolve", {"flag_ids": "{flag}", "action": "handled", "note": "x"}),
    ("/moderation/flags/resolve", {"flag_ids": "{flag}", "action": "delete:spam"}),
    ("/moderation/posts/{a}/delete", {"reason": "spam"}),
    ("/moderation/posts/{a}/undelete", {}),
    ("/moderation/posts/{q}/lock", {"locked": "1"}),
    ("/moderation/questions/{q}/close", {"reason": "off_topic"}),
    ("/moderation/questions/{q}/reopen", {}),
    ("/moderation/questions/{q}/merge", {"target_id": "1"}),
    ("/moderation/questions/{q}/accept", {"answer_id": "{a}"}),
    ("/staff/questions/{q}/claim", {}),
    ("/staff/answers/{a}/verify", {}),
    ("/admin/users/{member}/role", {"role": "admin"}),
    ("/admin/settings", {"flag": "1"}),
]


def _fill(value: str, ids: dict) -> str:
    return value.format(**ids)


@pytest.mark.parametrize("path", MODERATOR_PAGES + STAFF_PAGES + ADMIN_PAGES)
def test_desk_page_for_member_is_403(client, member, scene, path):
    login(client, member)
    response = client.get(_fill(path, scene))
    assert response.status_code == 403


@pytest.mark.parametrize("path", MODERATOR_PAGES + ADMIN_PAGES)
def test_moderator_and_admin_pages_for_staff_are_403(client, staff, scene, path):
    login(client, staff)
    assert client.get(_fill(path, scene)).status_code == 403


@pytest.mark.parametrize("path", MODERATOR_PAGES + STAFF_PAGES + ADMIN_PAGES)
def test_desk_page_for_visitor_asks_to_log_in(client, scene, path):
    response = client.get(_fill(path, scene))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("path", "form"), PRIVILEGED_POSTS, ids=[p for p, _ in PRIVILEGED_POSTS])
def test_desk_action_by_member_is_403_and_changes_nothing(client, session, member, scene, path, form):
    ids = {**scene, "member": member.id}
    login(client, member)
    before = state(session)
    response = client.post(_fill(path, ids), data={k: _fill(v, ids) for k, v in form.items()})
    assert response.status_code == 403
    assert state(session) == before


def test_flag_queue_shows_flags_and_bulk_decline_resolves_them(client, session, moderator, scene, make_user):
    second = flags.raise_flag(
        session,
        make_user("member", 20),
        scene["q"],
        "needs_attention",
        "The title has the customer's phone number",
    )
    session.commit()
    login(client, moderator)
    page = client.get("/moderation/flags")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "spam" in words and "The title has the customer's phone number" in words
    response = client.post(
        "/moderation/flags/resolve",
        data={"flag_ids": [str(scene["flag"]), str(second.id)], "action": "declined", "note": "looked fine"},
    )
    assert response.status_code == 302
    statuses = session.scalars(select(Flag.status)).all()
    assert statuses == ["declined", "declined"]
    assert "No open flags" in text_of(client.get("/moderation/flags").text)


def test_bulk_delete_from_the_flag_queue_deletes_the_posts(client, session, moderator, scene):
    login(client, moderator)
    client.post("/moderation/flags/resolve", data={"flag_ids": str(scene["flag"]), "action": "delete:spam"})
    session.expire_all()
    assert session.get(Post, scene["a"]).is_deleted
    assert client.get(f"/questions/{scene['q']}", follow_redirects=True).status_code == 200
    moderator_view = client.get(f"/moderation/posts/{scene['a']}")
    assert "Deleted" in text_of(moderator_view.text) and "Undelete" in moderator_view.text


def test_member_flags_a_post_from_the_question_page(client, session, make_user, answered_question):
    flagger = make_user("member", 20)
    answer = answered_question.answers[0]
    login(client, flagger)
    page = client.get(f"/questions/{answered_question.id}", follow_redirects=True)
    assert f'action="/posts/{answer.id}/flag"' in page.text
    response = client.post(
        f"/posts/{answer.id}/flag", data={"reason": "not_an_answer"}, follow_redirects=True
    )
    assert "your flag is with the moderators" in text_of(response.text)
    assert session.scalar(select(Flag.reason)) == "not_an_answer"


def test_flag_with_bad_reason_says_why_and_saves_nothing(client, session, make_user, question):
    login(client, make_user("member", 20))
    response = client.post(f"/posts/{question.id}/flag", data={"reason": "boring"}, follow_redirects=True)
    assert "reason" in text_of(response.text).lower()
    assert session.scalar(select(Flag.id)) is None


def test_moderator_controls_show_only_to_moderators(client, moderator, member, answered_question):
    login(client, member)
    as_member = client.get(f"/questions/{answered_question.id}", follow_redirects=True).text
    assert "Close question" not in as_member and "/moderation/posts/" not in as_member
    client.post("/logout")
    login(client, moderator)
    as_moderator = client.get(f"/questions/{answered_question.id}", follow_redirects=True).text
    assert "Close question" in as_moderator and "Delete answer" in as_moderator
    assert f"/moderation/audit?post_id={answered_question.id}" in as_moderator


def test_close_as_duplicate_shows_links_both_ways(client, session, moderator, question, other_member):
    dup = posting.ask_question(
        session, other_member, "Resetting the router password fails", LONG_BODY, ["router"]
    )
    session.commit()
    login(client, moderator)
    client.post(
        f"/moderation/questions/{dup.id}/close", data={"reason": "duplicate", "duplicate_of": question.id}
    )
    dup_page = text_of(client.get(f"/questions/{dup.id}", follow_redirects=True).text)
    assert "Closed" in dup_page and question.title in dup_page
    original = text_of(client.get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "Linked duplicates" in original and dup.title in original


def test_close_with_bad_reason_flashes_and_keeps_it_open(client, session, moderator, question):
    login(client, moderator)
    response = client.post(
        f"/moderation/questions/{question.id}/close", data={"reason": "meh"}, follow_redirects=True
    )
    assert "reason: must be one of" in text_of(response.text)
    session.expire_all()
    assert not session.get(Post, question.id).closed


def test_audit_page_filters_by_post(client, session, moderator, question, answered_question):
    login(client, moderator)
    client.post(f"/moderation/posts/{question.id}/lock", data={"locked": "1", "note": "cool off"})
    page = client.get(f"/moderation/audit?post_id={question.id}")
    assert "cool off" in text_of(page.text)
    assert client.get("/moderation/audit?action=nope").status_code == 400


def test_curation_page_marks_a_solution(client, session, moderator, make_user):
    asker, helper, voter = make_user(), make_user(), make_user("member", 20)
    with clock.travel(-timedelta(days=30)):
        question = posting.ask_question(
            session, asker, "Old question about remote pairing", LONG_BODY, ["remote"]
        )
        answer = posting.post_answer(session, helper, question, "Hold both buttons for five seconds.")
        voting.cast_vote(session, voter, answer.id, 1)
    session.commit()
    login(client, moderator)
    page = client.get("/moderation/curation")
    assert question.title in text_of(page.text)
    client.post(f"/moderation/questions/{question.id}/accept", data={"answer_id": answer.id})
    session.expire_all()
    assert session.get(Post, question.id).accepted_answer_id == answer.id
    assert question.title not in text_of(client.get("/moderation/curation").text)
    assert session.scalar(select(AuditEntry.action)) == "accept"


def test_staff_queue_shows_overdue_and_the_claim_to_others(client, session, make_user, member):
    with clock.travel(-timedelta(hours=3)):
        late = posting.ask_question(
            session, member, "Late question nobody has answered", LONG_BODY, ["support"]
        )
    session.commit()
    first, second = make_user("staff", username="first_staff"), make_user("staff", username="second_staff")
    login(client, first)
    client.post(f"/staff/questions/{late.id}/claim")
    client.post("/logout")
    login(client, second)
    page = client.get("/staff/queue")
    assert 'class="queue-item card overdue' in page.text
    assert "Claimed by first_staff until" in text_of(page.text)
    response = client.post(f"/staff/questions/{late.id}/claim", follow_redirects=True)
    assert "first_staff is on it" in text_of(response.text)


def test_staff_verifies_an_answer_and_readers_see_it(client, session, staff, answered_question):
    answer = answered_question.answers[0]
    login(client, staff)
    client.post(f"/staff/answers/{answer.id}/verify")
    client.post("/logout")
    page = text_of(client.get(f"/questions/{answered_question.id}", follow_redirects=True).text)
    assert "Verified by staff" in page and staff.username in page


def test_staff_dashboard_draws_charts(client, staff, answered_question):
    login(client, staff)
    page = client.get("/staff/dashboard")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and "Top community helpers" in page.text


def test_admin_changes_a_role_and_thresholds(client, session, admin, member, app):
    login(client, admin)
    assert member.username in client.get("/admin/users").text
    client.post(f"/admin/users/{member.id}/role", data={"role": "moderator"})
    session.expire_all()
    assert session.get(User, member.id).role == "moderator"
    bad = client.post("/admin/settings", data={"flag": "zero"})
    assert bad.status_code == 400 and "whole number" in text_of(bad.text)
    values = {name: str(v) for name, v in app.config["PRIVILEGES"].items()}
    client.post("/admin/settings", data={**values, "flag": "30"})
    assert thresholds()["flag"] == 30
    assert 'href="/admin/mirror"' in client.get("/admin/settings").text


DESK_NAV_PAGES = [
    ("/staff/queue", "Staff queue"),
    ("/staff/dashboard", "Dashboard"),
    ("/staff/needs", "Unmet needs"),
    ("/moderation/flags", "Flags"),
    ("/moderation/curation", "Curation"),
    ("/moderation/audit", "Audit log"),
    ("/admin/users", "People"),
    ("/admin/settings", "Thresholds"),
    ("/admin/mirror", "Twitter mirror"),
]


def desk_nav(html: str) -> str:
    return html.split('<nav class="desk-nav" aria-label="Desks">', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(("path", "name"), DESK_NAV_PAGES)
def test_desk_page_for_admin_has_one_desk_bar_marking_that_page(client, admin, path, name):
    login(client, admin)
    html = client.get(path).text
    assert html.count('aria-label="Desks"') == 1 and "desk-tabs" not in html
    nav = desk_nav(html)
    assert nav.count('aria-current="page"') == 1
    current = re.search(r'<a href="([^"]+)" aria-current="page">([^<]+)', nav)
    assert current is not None and (current.group(1), current.group(2)) == (path, name)


def test_desk_bar_for_staff_offers_only_the_staff_desk(client, staff):
    login(client, staff)
    nav = text_of(desk_nav(client.get("/staff/dashboard").text))
    assert nav == "Staff queue Dashboard Unmet needs"


def test_audit_log_shows_an_accepted_answer_in_words_with_a_link(
    client, session, moderator, answered_question
):
    answer = answered_question.answers[0]
    moderation.curate_accept(session, moderator, answered_question.id, answer.id, "the fix that works")
    session.commit()
    login(client, moderator)
    html = client.get("/moderation/audit").text
    assert f"Accepted answer: none → answer #{answer.id}" in text_of(html)
    assert f'<a href="/moderation/posts/{answer.id}">answer #{answer.id}</a>' in html
    assert "accepted_answer_id" not in html and "null" not in text_of(html)


def test_audit_log_shows_changed_thresholds_as_privileges(client, session, admin, app):
    login(client, admin)
    values = {name: str(v) for name, v in app.config["PRIVILEGES"].items()}
    client.post("/admin/settings", data={**values, "flag": "30"})
    words = text_of(client.get("/moderation/audit").text)
    assert f"Reputation to flag posts: {values['flag']} → 30" in words and "privileges" not in words


def test_people_page_has_one_form_with_one_save_button(client, admin, make_user):
    for _ in range(5):
        make_user("member")
    login(client, admin)
    html = client.get("/admin/users").text
    assert html.count('<select id="role-') == 6
    assert html.count('action="/admin/users/roles"') == 1 and '/role"' not in html
    assert len(re.findall(r'<button type="submit"[^>]*>Save', html)) == 1
    own = html.split(f'<tr data-user-id="{admin.id}">', 1)[1].split("</tr>", 1)[0]
    assert "disabled" in own and "Only another admin can change your role." in text_of(own)


def test_people_page_saves_the_changed_roles_at_once_and_audits_each(client, session, admin, make_user):
    first, second, untouched = make_user("member"), make_user("member"), make_user("member")
    login(client, admin)
    response = client.post(
        "/admin/users/roles",
        data={
            f"shown-{first.id}": "member",
            f"role-{first.id}": "staff",
            f"shown-{second.id}": "member",
            f"role-{second.id}": "moderator",
            f"shown-{untouched.id}": "member",
            f"role-{untouched.id}": "member",
            "note": "new support team",
        },
        follow_redirects=True,
    )
    assert f"{first.username} is now staff; {second.username} is now moderator" in text_of(response.text)
    session.expire_all()
    assert [session.get(User, u.id).role for u in (first, second, untouched)] == [
        "staff",
        "moderator",
        "member",
    ]
    reasons = session.scalars(select(AuditEntry.reason).where(AuditEntry.action == "change_role")).all()
    assert reasons == ["new support team", "new support team"]


def test_people_page_save_leaves_a_role_changed_meanwhile_alone(client, session, admin, make_user):
    person = make_user("member")
    login(client, admin)
    page = client.get("/admin/users").text
    assert f'name="shown-{person.id}" value="member"' in page
    moderation.change_role(session, admin, person, "staff")  # another admin, meanwhile
    session.commit()
    response = client.post(
        "/admin/users/roles",
        data={f"shown-{person.id}": "member", f"role-{person.id}": "member"},
        follow_redirects=True,
    )
    assert "No role was changed." in text_of(response.text)
    session.expire_all()
    assert session.get(User, person.id).role == "staff"


def test_people_page_save_with_an_unknown_role_saves_nothing(client, session, admin, make_user):
    first, second = make_user("member"), make_user("member")
    login(client, admin)
    response = client.post(
        "/admin/users/roles",
        data={
            f"shown-{first.id}": "member",
            f"role-{first.id}": "staff",
            f"shown-{second.id}": "member",
            f"role-{second.id}": "emperor",
        },
        follow_redirects=True,
    )
    assert "Nothing was saved" in text_of(response.text)
    session.expire_all()
    assert [session.get(User, u.id).role for u in (first, second)] == ["member", "member"]


@pytest.mark.parametrize("role", ["member", "staff", "moderator"])
def test_people_page_save_by_non_admin_is_403_and_changes_nothing(client, session, make_user, role):
    person = make_user("member")
    login(client, make_user(role))
    response = client.post(
        "/admin/users/roles", data={f"shown-{person.id}": "member", f"role-{person.id}": "admin"}
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get(User, person.id).role == "member"


def test_people_page_shows_every_join_as_a_date(client, session, admin, make_user):
    with clock.travel(-timedelta(days=90)):
        old = make_user("member")
    new = make_user("member")
    login(client, admin)
    html = client.get("/admin/users").text
    for person in (old, new):
        row = text_of(html.split(f'<tr data-user-id="{person.id}">', 1)[1].split("</tr>", 1)[0])
        joined = person.created_at
        assert f"Joined {joined.day} {joined:%b %Y}" in row and "ago" not in row


def test_mirror_page_lists_outbox_counts_without_separators(client, admin):
    login(client, admin)
    html = client.get("/admin/mirror").text
    outbox = html.split('data-testid="outbox-counts">', 1)[1].split("</dl>", 1)[0]
    assert text_of(outbox) == "Pending 0 Sending 0 Failed 0 Sent 0 Abandoned 0" and "·" not in outbox


def test_staff_dashboard_chart_words_are_html_not_scaled_svg_text(client, staff, answered_question):
    login(client, staff)
    html = client.get("/staff/dashboard").text
    assert "<text" not in html
    assert '<ul class="chart-legend" aria-hidden="true"><li><span class="chart-swatch bar-staff">' in html


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_moderator_action_without_csrf_token_is_refused(self, client, session, moderator, question):
        from tests.web.test_csrf_pages import csrf_token_in

        token = csrf_token_in(client.get("/login").text)
        login(client, moderator, csrf_token=token)
        response = client.post(f"/moderation/posts/{question.id}/lock", data={"locked": "1"})
        assert response.status_code == 400
        session.expire_all()
        assert not session.get(Post, question.id).locked

    def test_people_page_save_without_csrf_token_is_refused(self, client, session, admin, member):
        from tests.web.test_csrf_pages import csrf_token_in

        login(client, admin, csrf_token=csrf_token_in(client.get("/login").text))
        form = client.get("/admin/users").text
        assert form.split('action="/admin/users/roles"', 1)[1].count('name="csrf_token"') >= 1
        response = client.post(
            "/admin/users/roles", data={f"shown-{member.id}": "member", f"role-{member.id}": "admin"}
        )
        assert response.status_code == 400
        session.expire_all()
        assert session.get(User, member.id).role == "member"


def test_question_page_shows_deleted_answers_to_moderators_only_with_undelete(
    client, session, moderator, member, answered_question
):
    answer = answered_question.answers[0]
    moderation.delete_post(session, moderator, answer.id, "low_quality")
    session.commit()
    url = f"/questions/{answered_question.id}"

    login(client, member)
    assert "Deleted answers" not in client.get(url, follow_redirects=True).get_data(as_text=True)
    client.post("/logout")

    login(client, moderator)
    page = text_of(client.get(url, follow_redirects=True).get_data(as_text=True))
    assert "Deleted answers 1" in page and "Only moderators see these." in page
    deleted_part = page.split("Deleted answers 1", 1)[1]
    assert text_of(answer.body_html) in deleted_part and f"by {moderator.username}" in deleted_part
    undone = client.post(f"/moderation/posts/{answer.id}/undelete", follow_redirects=True)
    assert undone.status_code == 200
    assert "Deleted answers" not in client.get(url, follow_redirects=True).get_data(as_text=True)
    assert session.get(Post, answer.id).deleted_at is None
