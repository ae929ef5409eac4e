"""A question page offers each control exactly when the service would accept it, and says the
service's reason where it would not: vote, accept, close and reopen, flag, verify, edit, delete.
Each test shows the page to one person, then sends the form the page offers (or would offer)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import clock
from forum.models import Flag, Post, StaffVerification, Vote
from forum.services import moderation, posting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of

ANSWER = "Hold the reset button for ten seconds, then log in again."
CLOSE_FORM = 'action="/moderation/questions/{id}/close"'
REOPEN_FORM = 'action="/moderation/questions/{id}/reopen"'


def page_of(client, question: Post) -> str:
    return client.get(f"/questions/{question.id}", follow_redirects=True).text


def part_of(html: str, post: Post) -> str:
    """The markup of one post: a question's article, or an answer's."""
    anchor = f'id="{post.kind}-{post.id}"'
    start = html.index(anchor)
    end = html.find("<article", start + 1)
    return html[start : end if end != -1 else None]


def vote_button(html: str, direction: str) -> str:
    return re.search(rf'<button type="submit" class="vote-button vote-{direction}[^>]*>', html, re.S).group(0)


@pytest.fixture
def locked(session, moderator, answered_question) -> Post:
    moderation.set_locked(session, moderator, answered_question.id, True)
    session.commit()
    return answered_question


# ---- vote ----


def test_vote_on_own_post_shows_disabled_buttons_and_the_refusal(logged_in, other_member, answer, question):
    client = logged_in(other_member)
    mine = part_of(page_of(client, question), answer)
    button = vote_button(mine, "up")
    # aria-disabled, not disabled: a keyboard user can still press it and read why.
    assert 'aria-disabled="true"' in button and " disabled" not in button.replace("aria-disabled", "")
    assert 'data-refusal="You cannot vote on your own post."' in button
    refused = client.post(f"/posts/{answer.id}/vote", data={"value": "1"}, follow_redirects=True)
    assert "You cannot vote on your own post." in text_of(refused.text)


def test_vote_in_locked_thread_by_member_shows_disabled_buttons_with_the_lock(
    logged_in, make_user, locked, session
):
    client = logged_in(make_user(reputation=500))
    button = vote_button(part_of(page_of(client, locked), locked.answers[0]), "up")
    assert "disabled" in button and "locked by a moderator" in button
    client.post(f"/posts/{locked.answers[0].id}/vote", data={"value": "1"})
    assert session.scalar(select(Vote.id)) is None


def test_vote_in_locked_thread_by_moderator_is_offered_and_counts(logged_in, moderator, locked, session):
    client = logged_in(moderator)
    answer = locked.answers[0]
    assert "disabled" not in vote_button(part_of(page_of(client, locked), answer), "up")
    client.post(f"/posts/{answer.id}/vote", data={"value": "1"})
    assert session.scalar(select(Vote.value).where(Vote.post_id == answer.id)) == 1


# ---- accept ----


def test_accept_by_asker_on_another_answer_is_offered_and_accepts(
    logged_in, member, answer, question, session
):
    client = logged_in(member)
    html = part_of(page_of(client, question), answer)
    assert "Accept this answer" in html and "accept-why" not in html
    client.post(f"/questions/{question.id}/accept", data={"answer_id": str(answer.id)})
    session.expire_all()
    assert session.get(Post, question.id).accepted_answer_id == answer.id


def test_accept_own_answer_before_the_delay_shows_disabled_button_with_the_reason(
    logged_in, member, question, session
):
    own = posting.post_answer(session, member, question, ANSWER)
    session.commit()
    client = logged_in(member)
    html = part_of(page_of(client, question), own)
    assert re.search(r'class="button button-accept" disabled', html)
    assert "You can accept your own answer 48 hours after asking" in text_of(html)
    refused = client.post(
        f"/questions/{question.id}/accept", data={"answer_id": str(own.id)}, follow_redirects=True
    )
    assert "You can accept your own answer 48 hours after asking" in text_of(refused.text)
    with clock.travel(timedelta(hours=49)):
        later = part_of(page_of(client, question), own)
    assert "Accept this answer" in later and not re.search(r'class="button button-accept" disabled', later)


def test_accept_by_stranger_offers_no_button(logged_in, make_user, answer, question):
    html = part_of(page_of(logged_in(make_user(reputation=5000)), question), answer)
    assert "accept-form" not in html


def test_accept_in_locked_thread_by_asker_offers_no_button(logged_in, member, locked, session):
    client = logged_in(member)
    answer = locked.answers[0]
    assert "accept-form" not in part_of(page_of(client, locked), answer)
    client.post(f"/questions/{locked.id}/accept", data={"answer_id": str(answer.id)})
    session.expire_all()
    assert session.get(Post, locked.id).accepted_answer_id is None


# ---- close and reopen ----


def test_question_page_member_with_close_privilege_shows_close_button(
    logged_in, make_user, question, session
):
    client = logged_in(make_user(reputation=3000))
    html = page_of(client, question)
    assert CLOSE_FORM.format(id=question.id) in html and "Close question" in html
    client.post(f"/moderation/questions/{question.id}/close", data={"reason": "off_topic"})
    session.expire_all()
    assert session.get(Post, question.id).closed


def test_close_by_member_without_privilege_shows_the_reason_not_the_form(logged_in, make_user, question):
    client = logged_in(make_user(reputation=2999))
    html = page_of(client, question)
    assert CLOSE_FORM.format(id=question.id) not in html
    assert "You need 3000 reputation to vote to close and reopen; you have 2999." in text_of(html)


def test_close_of_locked_question_by_member_with_privilege_shows_the_reason(logged_in, make_user, locked):
    html = page_of(logged_in(make_user(reputation=3000)), locked)
    assert CLOSE_FORM.format(id=locked.id) not in html
    assert "This question is locked; only a moderator can close it." in text_of(html)


def test_reopen_by_member_with_close_privilege_shows_reopen_button(
    logged_in, make_user, moderator, question, session
):
    moderation.close_question(session, moderator, question.id, "off_topic")
    session.commit()
    client = logged_in(make_user(reputation=3000))
    html = page_of(client, question)
    assert REOPEN_FORM.format(id=question.id) in html and CLOSE_FORM.format(id=question.id) not in html
    client.post(f"/moderation/questions/{question.id}/reopen")
    session.expire_all()
    assert not session.get(Post, question.id).closed


def test_reopen_by_member_without_privilege_shows_the_reason(
    logged_in, other_member, moderator, question, session
):
    moderation.close_question(session, moderator, question.id, "off_topic")
    session.commit()
    html = page_of(logged_in(other_member), question)
    assert REOPEN_FORM.format(id=question.id) not in html
    assert "You need 3000 reputation to vote to close and reopen; you have 1." in text_of(html)


# ---- flag ----


def test_flag_own_post_needs_attention_is_offered(logged_in, make_user, session):
    author = make_user(reputation=20)
    question = posting.ask_question(
        session, author, "My own question that needs a moderator", LONG_BODY, ["router"]
    )
    session.commit()
    client = logged_in(author)
    html = part_of(page_of(client, question), question)
    offered = re.findall(r'name="reason" value="(\w+)"', html.split('class="mod-form"')[1])
    assert offered == ["needs_attention"]
    assert "You cannot flag your own post as spam, offensive or not an answer." in text_of(html)
    client.post(
        f"/posts/{question.id}/flag",
        data={"reason": "needs_attention", "text": "Please merge it with my older question."},
    )
    assert session.scalar(select(Flag.reason)) == "needs_attention"


def test_flag_others_post_with_privilege_offers_every_reason(logged_in, make_user, answer, question):
    html = part_of(page_of(logged_in(make_user(reputation=15)), question), answer)
    offered = re.findall(r'name="reason" value="(\w+)"', html.split('class="mod-form"')[1])
    assert offered == ["spam", "offensive", "not_an_answer", "needs_attention"]


def test_flag_without_privilege_shows_the_reason_not_the_form(logged_in, make_user, answer, question):
    html = part_of(page_of(logged_in(make_user(reputation=14)), question), answer)
    assert f'action="/posts/{answer.id}/flag"' not in html
    assert "You need 15 reputation to flag posts; you have 14." in text_of(html)


# ---- verify ----


def test_verify_others_answer_by_staff_is_offered_and_verifies(logged_in, staff, answer, question, session):
    client = logged_in(staff)
    assert "Verify as staff" in part_of(page_of(client, question), answer)
    client.post(f"/staff/answers/{answer.id}/verify")
    assert session.scalar(select(StaffVerification.user_id)) == staff.id


def test_verify_own_answer_by_staff_shows_the_reason_not_the_button(logged_in, staff, question, session):
    own = posting.post_answer(session, staff, question, ANSWER)
    session.commit()
    html = part_of(page_of(logged_in(staff), question), own)
    assert "Verify as staff" not in html
    assert "Another staff member has to verify your own answer." in text_of(html)


def test_verify_by_member_offers_nothing(logged_in, make_user, answer, question):
    html = part_of(page_of(logged_in(make_user(reputation=5000)), question), answer)
    assert "Verify as staff" not in html and "Another staff member" not in html


def test_unverify_own_answer_verified_by_another_staff_member_is_offered(
    logged_in, make_user, staff, question, session
):
    from forum.services import staff as desk

    own = posting.post_answer(session, staff, question, ANSWER)
    desk.verify_answer(session, make_user("staff"), own.id)
    session.commit()
    client = logged_in(staff)
    assert "Remove staff verification" in part_of(page_of(client, question), own)
    client.post(f"/staff/answers/{own.id}/verify", data={"remove": "1"})
    assert session.scalar(select(StaffVerification.id)) is None


# ---- edit ----


def test_edit_own_post_in_locked_thread_is_not_offered(logged_in, other_member, locked):
    client = logged_in(other_member)
    answer = locked.answers[0]
    assert f'href="/posts/{answer.id}/edit"' not in part_of(page_of(client, locked), answer)
    assert client.get(f"/posts/{answer.id}/edit").status_code == 409


def test_edit_others_post_with_edit_any_privilege_is_offered(logged_in, make_user, answer, question):
    client = logged_in(make_user(reputation=2000))
    assert f'href="/posts/{answer.id}/edit"' in part_of(page_of(client, question), answer)
    assert client.get(f"/posts/{answer.id}/edit").status_code == 200


def test_edit_others_post_without_privilege_is_not_offered(logged_in, make_user, answer, question):
    client = logged_in(make_user(reputation=1999))
    assert f'href="/posts/{answer.id}/edit"' not in part_of(page_of(client, question), answer)
    assert client.get(f"/posts/{answer.id}/edit").status_code == 403


# ---- delete ----


def test_delete_own_answer_by_author_is_offered_and_deletes(
    logged_in, other_member, answer, question, session
):
    client = logged_in(other_member)
    html = part_of(page_of(client, question), answer)
    assert f'action="/posts/{answer.id}/delete"' in html
    assert 'name="reason"' not in html.split("delete-dialog")[1]  # only moderators give a reason
    client.post(f"/posts/{answer.id}/delete")
    session.expire_all()
    assert session.get(Post, answer.id).is_deleted


def test_delete_own_accepted_answer_is_not_offered(logged_in, member, other_member, answer, question):
    logged_in(member).post(f"/questions/{question.id}/accept", data={"answer_id": str(answer.id)})
    html = part_of(page_of(logged_in(other_member), question), answer)
    assert "delete-dialog" not in html


def test_delete_others_post_by_member_is_not_offered(logged_in, make_user, answer, question):
    html = page_of(logged_in(make_user(reputation=5000)), question)
    assert "delete-dialog" not in html


def test_delete_by_moderator_offers_the_reasons(logged_in, moderator, answer, question):
    html = part_of(page_of(logged_in(moderator), question), answer)
    assert f'action="/moderation/posts/{answer.id}/delete"' in html and 'name="reason"' in html
