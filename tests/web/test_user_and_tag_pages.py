"""Profiles, the account page with API tokens, and the tag list."""

from __future__ import annotations

import re

from forum.services import posting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of


def test_profile_shows_name_role_reputation_and_posts(client, session, make_user, answered_question):
    staff = make_user("staff", reputation=321, username="helpful_sam")
    posting.post_answer(
        session, staff, answered_question, "Staff here: a firmware update fixes this for good."
    )
    session.commit()
    html = client.get(f"/users/{staff.id}").text
    words = text_of(html)
    assert "helpful_sam" in words and 'class="badge badge-staff">staff<' in html
    assert "Reputation 321" in words
    assert "Member since just now" in words
    assert "Answers 1" in words and "Questions 0" in words
    assert "How do I reset my router password?" in words


def test_profile_of_asker_lists_their_questions(client, member, question):
    words = text_of(client.get(f"/users/{member.id}").text)
    assert "Questions 1" in words and "How do I reset my router password?" in words
    assert "No answers yet." in words


def test_profile_of_unknown_user_is_404(client):
    assert client.get("/users/999").status_code == 404


def test_account_page_requires_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.location == "/login?next=/account"


def test_token_created_on_account_page_is_shown_once_and_works(logged_in, member, api):
    client = logged_in(member)
    html = client.post("/account/tokens", data={"name": "my script"}).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert "shown only this once" in text_of(html)
    assert token not in client.get("/account").text
    assert "my script" in client.get("/account").text
    response = client.get("/api/v1/users/1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_revoked_token_is_refused_by_the_api(logged_in, member, session):
    client = logged_in(member)
    html = client.post("/account/tokens", data={"name": "old"}).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', html).group(1)
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    page = text_of(client.get("/account").text)
    assert "The token is revoked" in page and "revoked just now" in page
    client.post("/logout")
    refused = client.post(
        "/api/v1/questions",
        json={"title": "A question sent with a revoked token", "body": LONG_BODY, "tags": ["x"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 401


def test_revoking_someone_elses_token_is_404(logged_in, member, other_member, session):
    from forum.services import accounts

    token, _ = accounts.create_token(session, other_member, "bob's")
    session.commit()
    response = logged_in(member).post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 404
    session.refresh(token)
    assert token.revoked_at is None


def test_tag_list_sorted_by_question_count_and_links_to_questions(client, session, member, question):
    posting.ask_question(session, member, "Second router question for the list", LONG_BODY, ["router"])
    session.commit()
    html = client.get("/tags").text
    names = re.findall(r'<a class="tag" href="/\?tagged=([^"]+)" rel="tag">', html)
    assert names == ["router", "wifi"]
    assert "2 questions" in text_of(html) and "1 question" in text_of(html)


def test_tag_list_filter_box_narrows_by_name(client, question):
    html = client.get("/tags?filter=wi").text
    assert re.findall(r'rel="tag">([^<]+)<', html) == ["wifi"]
    assert 'value="wi"' in html
    assert "No tag contains “zzz”" in text_of(client.get("/tags?filter=zzz").text)


def test_tag_list_filter_treats_wildcards_literally(client, question):
    assert "No tag contains “%”" in text_of(client.get("/tags?filter=%25").text)
