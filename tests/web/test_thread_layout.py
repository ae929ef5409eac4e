"""The thread as people read it: one action row per post, one badge per fact, proper plurals,
an invitation on an empty thread, and a close form that picks the duplicate by its title."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from forum.models import Post
from forum.services import acceptance, posting
from tests.conftest import LONG_BODY
from tests.web.conftest import text_of


def article(html: str, post: Post) -> str:
    match = re.search(rf'<article class="[^"]*" id="{post.kind}-{post.id}".*?</article>', html, re.S)
    assert match, f"no article for {post}"
    return match.group(0)


class _RowReader(HTMLParser):
    """Reads the first words of each entry of one post's action row (not of its menus)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # <ul> nesting inside the row
        self.in_row = False
        self.entries: list[str] = []
        self.taking = False

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and ("class", "post-actions") in attrs:
            self.in_row, self.depth = True, 0
        elif self.in_row and tag == "ul":
            self.depth += 1
        elif self.in_row and self.depth == 0 and tag == "li":
            self.entries.append("")
            self.taking = True

    def handle_endtag(self, tag):
        if self.in_row and tag == "ul":
            if self.depth == 0:
                self.in_row = False
            self.depth -= 1

    def handle_data(self, data):
        if self.in_row and self.depth == 0 and self.taking and data.strip():
            self.entries[-1] = data.strip()
            self.taking = False


def action_row(html: str, post: Post) -> list[str]:
    """The labels of the action row's own entries, in order (not what their menus hold)."""
    reader = _RowReader()
    reader.feed(article(html, post))
    return reader.entries


def thread(client, question: Post) -> str:
    response = client.get(f"/questions/{question.id}", follow_redirects=True)
    assert response.status_code == 200
    return response.text


def test_thread_action_row_for_a_member_reads_share_edit_flag_history(
    client, session, logged_in, member, question
):
    posting.edit_post(session, member, question, body=LONG_BODY + " Edited to add the model.")
    session.commit()
    html = thread(logged_in(member), question)
    assert action_row(html, question)[:4] == ["Share", "Edit", "Flag", "History"]
    assert "Moderate" not in article(html, question)


def test_thread_action_row_for_a_moderator_puts_moderation_in_one_menu(
    logged_in, moderator, answered_question, answer
):
    html = thread(logged_in(moderator), answered_question)
    for post in (answered_question, answer):
        row = action_row(html, post)
        assert row[:3] == ["Share", "Edit", "Flag"] and row[-1].startswith("Moderate")
        assert not {"Lock", "Delete", "Close"} & set(row)  # inside the menu, not loose in the row
        menu = re.search(
            r'<details class="action-dialog moderate-menu">.*?</details>\s*</li>\s*</ul>',
            article(html, post),
            re.S,
        )
        assert menu and ">Lock<" in menu.group(0) and ">Delete<" in menu.group(0)


def test_accepted_staff_answer_shows_one_badge_per_fact(client, session, question, member, staff):
    answer = posting.post_answer(
        session, staff, question, "Update the firmware to 1.2.5, then reboot the router."
    )
    session.commit()
    acceptance.accept_answer(session, member, question.id, answer.id)
    session.commit()
    html = article(thread(client, question), answer)
    shown = text_of(html)
    assert shown.count("Accepted") == 1 and "Accepted by the asker" in shown
    assert "Staff answer" not in shown and html.count("badge-staff") == 1  # the author's role, once


@pytest.mark.parametrize("answers, heading", [(0, "0 answers"), (1, "1 answer"), (2, "2 answers")])
def test_answers_heading_with_n_answers_uses_the_right_plural(
    client, session, question, make_user, answers, heading
):
    for number in range(answers):
        posting.post_answer(session, make_user(), question, f"Answer {number}: {LONG_BODY}")
    session.commit()
    html = thread(client, question)
    assert heading in text_of(re.search(r'<h2 id="answers-heading".*?</h2>', html, re.S).group(0))


def test_empty_thread_invites_the_first_answer(client, question):
    html = thread(client, question)
    invitation = re.search(r'<p class="empty-thread" id="answers-empty"( hidden)?>(.*?)</p>', html, re.S)
    assert invitation and invitation.group(1) is None
    assert "No answers yet" in text_of(invitation.group(2)) and 'href="#your-answer"' in invitation.group(2)


@pytest.mark.parametrize(
    "picked", ["#{id} Router drops Wi-Fi", "http://localhost/questions/{id}/slug", "{id}"]
)
def test_close_as_duplicate_picked_by_title_link_or_number_links_it(
    picked, logged_in, moderator, session, question, other_member
):
    original = posting.ask_question(
        session, other_member, "Router drops Wi-Fi every evening", LONG_BODY, ["router"]
    )
    session.commit()
    client = logged_in(moderator)
    response = client.post(
        f"/moderation/questions/{question.id}/close",
        data={"reason": "duplicate", "duplicate_of": picked.format(id=original.id)},
    )
    assert response.status_code == 302
    session.expire_all()
    assert question.closed_reason == "duplicate" and question.duplicate_of_id == original.id


def test_close_as_duplicate_with_only_words_is_refused_with_a_way_forward(
    logged_in, moderator, session, question
):
    client = logged_in(moderator)
    response = client.post(
        f"/moderation/questions/{question.id}/close",
        data={"reason": "duplicate", "duplicate_of": "the router one"},
        follow_redirects=True,
    )
    assert "pick the question from the list, or paste its link or number" in text_of(response.text)
    session.expire_all()
    assert not question.closed


def test_close_form_offers_a_duplicate_picker_seeded_with_the_title(logged_in, moderator, question):
    html = thread(logged_in(moderator), question)
    picker = re.search(r'<div class="duplicate-picker" data-exclude="(\d+)">.*?</div>', html, re.S)
    assert picker and picker.group(1) == str(question.id)
    assert f'data-seed="{question.title}"' in picker.group(0) and 'type="search"' in picker.group(0)
    assert "/static/js/picker.js" in html
