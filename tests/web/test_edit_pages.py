"""Editing a question or answer, who may, and the revision history with its diff."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum.models import PostRevision
from tests.conftest import LONG_BODY
from tests.web.conftest import field_error, text_of

NEW_BODY = LONG_BODY + "\n\nUpdate: the model is AX3000 with firmware 1.2.4."


def test_edit_page_for_author_is_prefilled(logged_in, member, question):
    html = logged_in(member).get(f"/posts/{question.id}/edit").text
    assert 'value="How do I reset my router password?"' in html
    assert 'value="router wifi"' in html
    assert LONG_BODY in html


def test_edit_by_author_keeps_a_revision_and_history_shows_the_diff(logged_in, member, question, session):
    client = logged_in(member)
    response = client.post(
        f"/posts/{question.id}/edit",
        data={
            "title": "How do I reset my router admin password?",
            "body": NEW_BODY,
            "tags": "router",
            "summary": "added the model",
        },
    )
    assert response.status_code == 302
    assert (
        session.scalar(
            select(func.count()).select_from(PostRevision).where(PostRevision.post_id == question.id)
        )
        == 2
    )
    page = client.get(response.location).text
    assert "Update: the model is AX3000" in page
    assert f'href="/posts/{question.id}/revisions" title="Every version of this question">History' in page
    assert ", edited" in text_of(page)

    history = client.get(f"/posts/{question.id}/revisions").text
    words = text_of(history)
    assert "2 revisions" in words
    assert "added the model" in words and "edited by alice" in words
    assert re.search(
        r"<del>How do I reset my router password\?</del>\s*"
        r"<ins>How do I reset my router admin password\?</ins>",
        history,
    )
    assert re.search(r"<del>router wifi</del>\s*<ins>router</ins>", history)
    added = re.findall(r'<ins class="diff-line diff-add">.*?</ins>', history, re.S)
    assert any("Update: the model is AX3000" in text_of(line) for line in added)
    assert history.index("revision-2") < history.index("revision-1")  # newest first


def test_edit_of_answer_by_its_author_works_and_has_no_title_field(
    logged_in, other_member, answered_question
):
    answer = answered_question.answers[0]
    client = logged_in(other_member)
    form = client.get(f"/posts/{answer.id}/edit").text
    assert 'id="title"' not in form
    response = client.post(f"/posts/{answer.id}/edit", data={"body": NEW_BODY})
    assert response.status_code == 302
    assert response.location.endswith(f"#answer-{answer.id}")


def test_edit_with_bad_input_shows_message_and_changes_nothing(logged_in, member, question, session):
    response = logged_in(member).post(
        f"/posts/{question.id}/edit", data={"title": "Too short", "body": LONG_BODY, "tags": "router wifi"}
    )
    assert response.status_code == 400
    assert field_error(response.text, "title") == "Title must be at least 15 characters (it has 9)."
    session.refresh(question)
    assert question.title == "How do I reset my router password?"
    assert session.scalar(select(func.count()).select_from(PostRevision)) == 1


def test_edit_that_changes_nothing_says_so(logged_in, member, question):
    response = logged_in(member).post(
        f"/posts/{question.id}/edit",
        data={
            "title": question.title,
            "body": question.body,
            "tags": "router wifi",
        },
    )
    assert response.status_code == 400
    assert field_error(response.text, "body") == "Nothing changed."


def test_edit_by_non_author_without_privilege_is_403_with_reason(logged_in, other_member, question):
    client = logged_in(other_member)
    for response in (
        client.get(f"/posts/{question.id}/edit"),
        client.post(
            f"/posts/{question.id}/edit", data={"title": "A vandalised title here", "body": LONG_BODY}
        ),
    ):
        assert response.status_code == 403
        assert "You need 2000 reputation to edit any post; you have 1." in text_of(response.text)
    page = client.get(f"/questions/{question.id}", follow_redirects=True).text
    assert f'href="/posts/{question.id}/edit"' not in page


def test_edit_by_user_with_edit_any_privilege_is_allowed_and_credited(logged_in, make_user, question):
    editor = make_user("member", reputation=2500, username="veteran")
    client = logged_in(editor)
    assert "You are editing a post by alice" in text_of(client.get(f"/posts/{question.id}/edit").text)
    response = client.post(
        f"/posts/{question.id}/edit",
        data={
            "title": question.title,
            "body": NEW_BODY,
            "tags": "router wifi",
            "summary": "typo",
        },
    )
    assert response.status_code == 302
    assert "edited by veteran" in text_of(client.get(f"/posts/{question.id}/revisions").text)


def test_edit_while_logged_out_redirects_to_login(client, question):
    response = client.get(f"/posts/{question.id}/edit")
    assert response.status_code == 302
    assert response.location == f"/login?next=/posts/{question.id}/edit"


def test_revisions_of_unknown_post_is_404(client):
    assert client.get("/posts/12345/revisions").status_code == 404
