"""The question list, a thread, asking, answering and commenting, as a reader sees them."""

from __future__ import annotations

import json
import re

import html5lib
import pytest
from sqlalchemy import func, select

from forum.models import Comment, Post
from forum.services import posting, voting
from tests.conftest import LONG_BODY
from tests.web.conftest import field_error, text_of

GOOD_TITLE = "Why does my laptop fan spin up when idle?"


def ask(session, author, title: str, tags=("laptop",)) -> Post:
    question = posting.ask_question(session, author, title, LONG_BODY, list(tags))
    session.commit()
    return question


def row_titles(html: str) -> list[str]:
    return [text_of(t) for t in re.findall(r'<h2 class="row-title"[^>]*>(.*?)</h2>', html, re.S)]


# ---- the list ----


def test_question_list_when_empty_says_what_to_do_next(client):
    page = text_of(client.get("/").text)
    assert "No questions yet — ask the first one." in page


def test_question_list_row_shows_score_answers_title_tags_author_and_time(client, answered_question):
    html = client.get("/questions").text
    row = re.search(r'<li class="question-row".*?</li>\s*</ol>', html, re.S).group(0)
    words = text_of(row)
    assert "0 votes" in words and "1 answer" in words
    assert "How do I reset my router password?" in words
    assert "router" in words and "wifi" in words
    assert "alice" in words and "just now" in words
    assert 'class="stat stat-answers has-answers"' in row
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[\d:]+Z" title="[^"]+ UTC">just now</time>', row)


def test_question_list_marks_a_question_with_accepted_answer(client, session, answered_question):
    answered_question.accepted_answer_id = answered_question.answers[0].id
    session.commit()
    html = client.get("/").text
    assert 'class="stat stat-answers has-accepted"' in html
    assert "one accepted" in html


def test_question_list_sort_unanswered_shows_only_questions_without_answers(
    client, session, member, answered_question
):
    ask(session, member, "Nobody has answered this one yet")
    titles = row_titles(client.get("/questions?sort=unanswered").text)
    assert titles == ["Nobody has answered this one yet"]


def test_question_list_sort_tabs_mark_the_current_sort(client, question):
    html = client.get("/questions?sort=votes").text
    assert re.search(r'href="/\?sort=votes"\s+aria-current="page">Top voted<', html)
    assert re.search(r'href="/"\s*>Newest<', html)


def test_question_list_filtered_by_tag_shows_only_that_tag(client, session, member, question):
    ask(session, member, "Which printer cartridges fit model X?", tags=("printer",))
    html = client.get("/questions?tagged=printer").text
    assert row_titles(html) == ["Which printer cartridges fit model X?"]
    assert "Questions tagged" in text_of(html)


def test_question_list_state_filter_accepted_with_none_says_nothing_matches(client, answered_question):
    page = text_of(client.get("/questions?state=accepted").text)
    assert "No questions match" in page
    assert "See all questions" in page


def test_question_list_paginates_with_links_that_keep_the_filters(client, session, member):
    for number in range(5):
        ask(session, member, f"Question number {number} about the router")
    first = client.get("/questions?page_size=2&tagged=laptop").text
    assert len(row_titles(first)) == 2
    assert "Question number 4" in row_titles(first)[0]
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_link and "tagged=laptop" in next_link and "page_size=2" in next_link
    last = client.get("/questions?page_size=2&page=3").text
    assert row_titles(last) == ["Question number 0 about the router"]
    assert 'aria-current="page">3<' in last


def ask_on_x(session, author, title: str, body: str) -> Post:
    """A question as the mirror asks it: from a tweet, without tags."""
    question = posting.ask_question(session, author, title, body, [], source="twitter")
    session.commit()
    return question


def test_question_list_filtered_by_source_shows_only_questions_from_there(client, session, member, question):
    ask_on_x(
        session, member, "Order 55123 says delivered but no box", "@AcmeHelp order 55123 says delivered."
    )
    assert row_titles(client.get("/questions?source=twitter").text) == [
        "Order 55123 says delivered but no box"
    ]
    assert row_titles(client.get("/questions?source=web").text) == [question.title]
    page = client.get("/questions?source=twitter&tagged=router").text
    assert "No questions match the tag router from X" in text_of(page)
    assert client.get("/questions?source=fax").status_code == 400


def test_question_list_row_of_a_mirrored_question_shows_the_source_once_as_x_and_handle(
    client, session, make_user
):
    rosa = make_user(username="rosa_m")
    ask_on_x(
        session, rosa, "My soundbar switches to Bluetooth by itself",
        "@AcmeHelp my soundbar switches to Bluetooth by itself. How do I stop that?\n\n"
        "— [@rosa\\_m on X](https://x.com/rosa_m/status/7)",
    )  # fmt: skip
    row = re.search(r'<li class="question-row".*?</li>', client.get("/").text, re.S).group(0)
    words = text_of(row)
    assert "𝕏 On X: @rosa_m" in words
    assert "Twitter" not in words and 'class="tags"' not in row
    # The excerpt is what the tweet says after the title, without the @mentions and the credit.
    assert re.search(r'<p class="row-excerpt" dir="auto" lang="en">How do I stop that\?</p>', row)


def test_question_list_row_counts_read_in_proper_plurals(
    client, session, member, other_member, make_user, question
):
    posting.post_answer(session, other_member, question, LONG_BODY)
    posting.post_answer(session, member, question, LONG_BODY + " Another way.")
    voting.cast_vote(session, make_user(reputation=15), question.id, 1)
    session.commit()
    words = text_of(client.get("/").text)
    assert "1 vote 2 answers" in words


@pytest.mark.parametrize("query", ["sort=best", "state=maybe", "page=0", "page=abc", "page_size=100000"])
def test_question_list_with_bad_arguments_gives_400_page_not_500(client, query):
    response = client.get(f"/questions?{query}")
    assert response.status_code == 400
    assert "must" in text_of(response.text)


# ---- a thread ----


def test_question_page_by_id_redirects_to_slug(client, question):
    response = client.get(f"/questions/{question.id}")
    assert response.status_code == 302
    assert response.location == f"/questions/{question.id}/how-do-i-reset-my-router-password"


def test_question_page_with_wrong_slug_redirects_permanently(client, question):
    response = client.get(f"/questions/{question.id}/old-title")
    assert response.status_code == 301


def test_question_page_for_unknown_id_is_404_page(client):
    response = client.get("/questions/999")
    assert response.status_code == 404
    assert "There is no post 999." in text_of(response.text)


def test_question_page_shows_post_hooks_for_other_features(client, answered_question):
    answer = answered_question.answers[0]
    html = client.get(f"/questions/{answered_question.id}", follow_redirects=True).text
    qid, aid = answered_question.id, answer.id
    assert f'<article class="post question" id="question-{qid}" data-post-id="{qid}">' in html
    assert f'id="answer-{aid}" data-post-id="{aid}">' in html
    assert re.search(rf'<span class="score" data-post-id="{aid}"[^>]*>0</span>', html)
    assert f'<section id="answers" data-question-id="{qid}"' in html
    assert f'<ul class="comments" id="comments-{qid}">' in html


def test_question_page_for_visitor_says_log_in_to_answer(client, question):
    page = text_of(client.get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "Log in to answer" in page
    assert "Log in to comment" in page
    assert "Post your answer" not in page


def test_answer_posted_appears_on_question_page(logged_in, other_member, question):
    client = logged_in(other_member)
    body = "Unplug it for thirty seconds, then hold reset for ten."
    response = client.post(f"/questions/{question.id}/answers", data={"body": body})
    assert response.status_code == 302
    assert re.search(r"#answer-\d+$", response.location)
    page = client.get(response.location).text
    assert body in text_of(page)
    assert "Your answer is posted." in page


def test_answer_too_short_shows_message_and_keeps_text(logged_in, other_member, question, session):
    client = logged_in(other_member)
    response = client.post(f"/questions/{question.id}/answers", data={"body": "Try it"})
    assert response.status_code == 400
    assert field_error(response.text, "body") == "Your answer must be at least 30 characters (it has 6)."
    assert re.search(r">\s*Try it</textarea>", response.text)
    assert session.scalar(select(func.count()).select_from(Post).where(Post.kind == "answer")) == 0


def test_answer_while_logged_out_redirects_to_login_with_next(client, question, session):
    response = client.post(f"/questions/{question.id}/answers", data={"body": "x" * 40})
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/questions/")
    assert session.scalar(select(func.count()).select_from(Post).where(Post.kind == "answer")) == 0


def test_comment_by_author_appears_under_the_post(logged_in, member, question):
    client = logged_in(member)
    response = client.post(
        f"/posts/{question.id}/comments", data={f"comment-{question.id}-body": "Forgot to say: model AX3000."}
    )
    assert response.status_code == 302 and "#comment-" in response.location
    html = client.get(response.location).text
    comments = re.search(rf'<ul class="comments" id="comments-{question.id}">(.*?)</ul>', html, re.S).group(1)
    assert "Forgot to say: model AX3000." in text_of(comments)


def test_comment_too_short_shows_message_next_to_its_form(logged_in, member, question, session):
    client = logged_in(member)
    response = client.post(f"/posts/{question.id}/comments", data={f"comment-{question.id}-body": "ok"})
    assert response.status_code == 400
    assert field_error(response.text, f"comment-{question.id}-body") == (
        "Comment must be at least 15 characters (it has 2)."
    )
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_question_page_for_new_member_explains_why_no_comment_form(logged_in, other_member, question):
    client = logged_in(other_member)
    page = text_of(client.get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "You need 50 reputation to comment on any post; you have 1." in page


def test_comment_without_privilege_is_refused_with_reason(logged_in, other_member, question, session):
    client = logged_in(other_member)
    response = client.post(
        f"/posts/{question.id}/comments", data={f"comment-{question.id}-body": "Which router model is it?"}
    )
    assert response.status_code == 403
    assert "You need 50 reputation to comment on any post; you have 1." in text_of(response.text)
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_closed_question_says_so_and_has_no_answer_form(logged_in, other_member, question, session):
    question.closed_at = question.created_at
    question.closed_reason = "off_topic"
    session.commit()
    page = text_of(logged_in(other_member).get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "Closed" in page and "because it is off topic here" in page
    assert "Post your answer" not in page


def test_locked_question_says_so(client, question, session):
    question.locked = True
    session.commit()
    page = text_of(client.get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "Locked." in page
    assert "This question is locked: it takes no new answers." in page


# ---- asking ----


def test_ask_page_has_fields_with_labels_and_similar_questions_box(logged_in, member):
    html = logged_in(member).get("/questions/ask").text
    for field in ("title", "body", "tags"):
        assert f'<label for="{field}">' in html
    assert '<div id="similar-questions" aria-live="polite"></div>' in html
    assert "Markdown works" in html


def test_ask_while_logged_out_redirects_to_login_with_next(client):
    response = client.get("/questions/ask")
    assert response.status_code == 302
    assert response.location == "/login?next=/questions/ask"


def test_ask_with_good_input_shows_the_new_question(logged_in, member):
    client = logged_in(member)
    response = client.post(
        "/questions/ask", data={"title": GOOD_TITLE, "body": LONG_BODY, "tags": "laptop fan"}
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    assert f">{GOOD_TITLE}</h1>" in page
    assert "Your question is posted." in page


def test_ask_with_bad_input_shows_messages_and_creates_nothing(logged_in, member, session):
    client = logged_in(member)
    response = client.post("/questions/ask", data={"title": "Help", "body": "", "tags": "a b c d e f"})
    assert response.status_code == 400
    assert field_error(response.text, "title") == "Title must be at least 15 characters (it has 4)."
    assert field_error(response.text, "body") == "Body must not be empty."
    assert field_error(response.text, "tags") == "Give at most 5 tags (you gave 6)."
    assert 'aria-invalid="true"' in response.text
    assert 'value="Help"' in response.text
    assert session.scalar(select(func.count()).select_from(Post)) == 0


def test_ask_with_bad_tag_characters_names_the_tag(logged_in, member):
    response = logged_in(member).post(
        "/questions/ask", data={"title": GOOD_TITLE, "body": LONG_BODY, "tags": "fan<script>"}
    )
    assert field_error(response.text, "tags") == "Tag 'fan<script>' may use only a-z, 0-9 and . + # -."
    assert "<script>'" not in response.text


# ---- XSS ----

PAYLOADS = [
    "<script>alert('q')</script> and enough text to pass the rule",
    "<img src=x onerror=alert(1)> and enough text to pass the rule",
    "[click me](javascript:alert(1)) and enough text to pass the rule",
    "[click me](JaVaScRiPt&#58;alert(1)) and enough text to pass the rule",
    '<a href="javascript:alert(1)" style="color:red">x</a> enough text to pass',
    "<svg><script>alert(1)</script></svg> and enough text to pass the rule",
    "![x](javascript:alert(1)) <iframe src=//evil.example></iframe> enough text",
    '"><style>body{display:none}</style><body onload=alert(1)> enough text here',
]


def test_xss_payloads_in_question_answer_and_comment_render_inert(logged_in, member, session):
    client = logged_in(member)
    for payload in PAYLOADS:
        response = client.post(
            "/questions/ask", data={"title": "A question with a nasty body", "body": payload, "tags": "xss"}
        )
        question_id = int(re.search(r"/questions/(\d+)/", response.location).group(1))
        client.post(f"/questions/{question_id}/answers", data={"body": payload})
        client.post(f"/posts/{question_id}/comments", data={f"comment-{question_id}-body": payload[:600]})
        html = client.get(response.location).text
        assert_inert(html)
    assert_inert(client.get("/questions?tagged=xss").text)


def assert_inert(html: str) -> None:
    """No script but our own files, no event handler, style or javascript: URL anywhere."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("iframe", "style", "object", "embed", "svg"), local
        if local == "script" and element.get("type") == "application/json":
            json.loads(element.text or "")  # base.html's texts for scripts: data, which is never run
        elif local == "script":
            assert element.get("src", "").startswith("/static/"), element.attrib
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (local, name)
            assert name.lower() != "style", (local, name)
            compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            assert not compact.startswith(("javascript:", "vbscript:", "data:text")), (local, name, value)


def test_ask_page_language_select_offers_each_language_and_starts_at_the_interface_one(logged_in, member):
    html = logged_in(member).get("/questions/ask").text
    assert '<label for="language">' in html
    choice = html[html.index('<select id="language"') :]
    choice = choice[: choice.index("</select>")]
    assert re.findall(r'<option lang="(\w+)"', choice) == ["en", "el", "cs", "sk", "fa"]
    assert '<option lang="en" selected value="en">English</option>' in choice


def test_ask_in_a_chosen_language_marks_the_title_and_body_with_it(logged_in, member, session):
    client = logged_in(member)
    response = client.post(
        "/questions/ask", data={"title": GOOD_TITLE, "body": LONG_BODY, "tags": "laptop", "language": "cs"}
    )
    page = client.get(response.location).text
    assert f'<h1 class="question-title" dir="auto" lang="cs">{GOOD_TITLE}</h1>' in page
    assert '<div class="post-body prose" dir="auto" lang="cs">' in page
    assert session.scalar(select(Post.language).where(Post.title == GOOD_TITLE)) == "cs"


def test_answer_in_another_language_than_the_question_shows_its_own_language(
    logged_in, member, session, question
):
    client = logged_in(member)
    body = "Podržte tlačidlo reset na smerovači desať sekúnd a potom sa prihláste s heslom zo štítku."
    response = client.post(f"/questions/{question.id}/answers", data={"body": body, "language": "sk"})
    page = client.get(response.location).text
    assert '<p class="post-language" lang="sk">Slovenčina</p>' in page
    assert page.count('class="post-language"') == 1  # the question, in the page's language, has none


def test_question_list_filtered_by_language_shows_only_questions_in_it(client, session, member, question):
    greek = posting.ask_question(
        session,
        member,
        "Ο φορητός δεν φορτίζει πια",
        "Ο φορητός υπολογιστής δεν φορτίζει από χθες το βράδυ.",
        ["laptop"],
    )
    session.commit()
    assert row_titles(client.get("/questions?language=el").text) == [greek.title]
    assert row_titles(client.get("/questions?language=en").text) == [question.title]
    assert '<h2 class="row-title" dir="auto" lang="el">' in client.get("/questions?language=el").text
    assert "No questions match" in text_of(client.get("/questions?language=fa").text)
    assert client.get("/questions?language=xx").status_code == 400
