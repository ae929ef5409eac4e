"""Signed-in readers: their page is built from kept parts, and is never stale nor someone else's.

The shared parts of each post (body, badges, author card, comments) and the
personal ones (votes, accept button, controls, comment form, per viewer
state) are kept under the page generation (forum/web/fragments.py). These
tests change things after a page was kept and read it again signed in.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forum import clock
from forum.models import Comment
from forum.services import posting
from forum.services import reputation as ledger
from tests.web.conftest import PASSWORD, text_of
from tests.web.test_page_cache import CHANGES, assert_change_shows_at_once, page, thread_path
from tests.web.test_query_counts import counted


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_signed_in_page_after_each_kind_of_change_shows_it_at_once(
    kind, client, session, answered_question, answer, users, make_user, logged_in
):
    logged_in(make_user(reputation=200))
    assert_change_shows_at_once(kind, client, session, answered_question, answer, users)


def test_signed_in_warm_page_reads_no_comments_or_authors(
    app, client, session, answered_question, answer, other_member, make_user, logged_in
):
    posting.add_comment(session, other_member, answer, "Which firmware version is on it?")
    session.commit()
    logged_in(make_user(reputation=200))
    path = thread_path(client, answered_question)
    page(client, path)
    with counted(app) as statements:
        again = page(client, path)
    assert "Which firmware version is on it?" in again.text
    assert not [s for s in statements if "FROM comments" in s]


def test_reader_whose_reputation_grows_sees_the_votes_unlock_at_once(
    client, session, answered_question, make_user, logged_in
):
    reader = make_user(reputation=1)
    logged_in(reader)
    path = thread_path(client, answered_question)
    assert "You need 15 reputation to vote up" in page(client, path).text
    ledger.record(session, reader.id, 99, "granted_for_test")
    session.commit()
    assert "You need 15 reputation to vote up" not in page(client, path).text


def test_own_answer_accept_button_opens_when_the_delay_passes(
    app, client, session, question, member, logged_in
):
    app.config["SELF_ACCEPT_DELAY_SECONDS"] = 3600
    posting.post_answer(session, member, question, "Answering myself: the firmware update fixed it.")
    session.commit()
    logged_in(member)
    path = thread_path(client, question)
    assert "You can accept your own answer" in text_of(page(client, path).text)
    with clock.travel(timedelta(hours=2)):
        shown = text_of(page(client, path).text)
    assert "Accept this answer" in shown and "You can accept your own answer" not in shown


def test_comment_sent_back_with_errors_is_shown_only_to_its_sender_once(
    client, session, answered_question, answer, make_user, logged_in
):
    logged_in(make_user(reputation=200))
    path = thread_path(client, answered_question)
    page(client, path)
    refused = client.post(f"/posts/{answer.id}/comments", data={f"comment-{answer.id}-body": "short"})
    assert refused.status_code == 400 and 'class="field-error"' in refused.text
    assert 'class="field-error"' not in page(client, path).text


class TestWithCsrf:
    """Two browsers. Each request runs in an app context of its own, as under a real server
    (the test's own context would otherwise share `g`, and with it the signed-in user)."""

    @pytest.fixture
    def app_overrides(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def request(app, browser, method: str, path: str, **kwargs):
        with app.app_context():
            return browser.open(path, method=method, follow_redirects=method == "GET", **kwargs)

    def sign_in(self, app, user):
        browser = app.test_client()
        form = self.request(app, browser, "GET", "/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        data = {"username": user.username, "password": PASSWORD, "csrf_token": token}
        done = self.request(app, browser, "POST", "/login", data=data)
        assert done.status_code == 302, text_of(done.text)[:300]
        return browser

    def test_two_readers_in_the_same_state_each_get_their_own_token_and_can_comment(
        self, app, session, answered_question, answer, make_user
    ):
        first, second = make_user(reputation=200), make_user(reputation=200)
        pages = {}
        for reader in (first, second):
            browser = self.sign_in(app, reader)
            html = self.request(app, browser, "GET", f"/questions/{answered_question.id}").text
            assert reader.username in html
            meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
            form_tokens = set(re.findall(rf'name="comment-{answer.id}-csrf_token"[^>]*value="([^"]+)"', html))
            pages[reader.id] = (browser, meta, form_tokens)
        assert pages[first.id][1] != pages[second.id][1]
        for _browser, meta, form_tokens in pages.values():
            assert form_tokens == {meta}  # the page's own token, never the one kept with the part
        browser, token, _ = pages[second.id]
        body = {
            f"comment-{answer.id}-csrf_token": token,
            f"comment-{answer.id}-body": "Which firmware is it on?",
        }
        sent = self.request(app, browser, "POST", f"/posts/{answer.id}/comments", data=body)
        assert sent.status_code == 302
        assert session.query(Comment).filter_by(author_id=second.id).count() == 1
