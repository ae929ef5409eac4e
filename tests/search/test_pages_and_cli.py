"""The search page, the API, the ask page's suggestions and the CLI, including a missing or broken index."""

from __future__ import annotations

import html
import os
import re
import shutil

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import TEXT

from forum.search import storage
from forum.search.schema import build_schema
from forum.services import posting
from tests.conftest import LONG_BODY


def test_search_page_shows_highlighted_results_linking_into_the_thread(client, answered_question, index):
    answer = answered_question.answers[0]
    page = client.get("/search?q=reset+button")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # The result links through the search log's redirect (its click is recorded) into the thread.
    link = re.search(rf'href="(/search/\d+/open/{answer.id})"', html)
    assert link is not None
    assert (
        client.get(link.group(1))
        .headers["Location"]
        .endswith(f"/questions/{answered_question.id}/how-do-i-reset-my-router-password#answer-{answer.id}")
    )
    assert "<mark>reset</mark>" in html and "<mark>button</mark>" in html
    assert "How to search" in html and "isaccepted:yes" in html


def test_search_page_marks_the_searched_words_in_titles_and_snippets(client, answered_question, index):
    html = client.get("/search?q=router+button").get_data(as_text=True)
    assert "How do I reset my <mark>router</mark> password?" in html
    assert "<mark>button</mark>" in html


def test_search_page_marks_words_in_a_title_without_letting_its_html_through(client, session, member, index):
    posting.ask_question(session, member, "Router <b>admin</b> page & login loop", LONG_BODY, ["router"])
    session.commit()
    html = client.get("/search?q=admin").get_data(as_text=True)
    assert "<mark>Router</mark>" not in html
    assert "Router &lt;b&gt;<mark>admin</mark>&lt;/b&gt; page &amp; login loop" in html


def test_search_page_has_one_search_box_holding_the_query(client, answered_question, index):
    html = client.get("/search?q=router").get_data(as_text=True)
    assert html.count('type="search"') == 1
    assert 'id="site-search" type="search" name="q" placeholder="Search…" value="router"' in html


def test_search_without_results_offers_to_ask_it_with_the_words_carried(client, answered_question, index):
    html = client.get("/search?q=printer+offline+[wifi]").get_data(as_text=True)
    assert "Nothing matches <strong>printer offline [wifi]</strong>. Try fewer words" in " ".join(
        html.split()
    )
    assert 'href="/questions/ask?title=printer+offline">Ask this as a question</a>' in html


def test_search_without_results_for_one_word_does_not_suggest_fewer_words(client, answered_question, index):
    html = client.get("/search?q=printer").get_data(as_text=True)
    assert "Nothing matches" in html and "Try fewer words" not in html
    assert 'href="/questions/ask?title=printer">Ask this as a question</a>' in html


def test_ask_page_takes_its_title_from_the_search(client, member):
    client.post("/login", data={"username": member.username, "password": "correct horse"})
    html = client.get("/questions/ask?title=printer+offline+after+update").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="title"[^>]*value="printer offline after update"', html)


def test_ask_page_for_a_visitor_keeps_the_title_through_log_in(client):
    response = client.get("/questions/ask?title=printer+offline")
    assert response.status_code == 302
    assert "title%3Dprinter%2Boffline" in response.headers["Location"]


def test_search_page_escapes_what_the_reader_typed(client, index):
    html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "query", ["?q=a&page=-3", "?q=a&page=abc&sort=nonsense", "?q=" + "x" * 5000, "?q=%00%ff"]
)
def test_search_page_with_odd_arguments_still_answers(client, index, query):
    assert client.get("/search" + query).status_code == 200


def test_first_question_on_a_fresh_install_is_findable_without_a_rebuild(client, session, member):
    asked = posting.ask_question(session, member, "A question before any index exists", LONG_BODY, ["misc"])
    session.commit()
    page = client.get("/search?q=question+exists")
    assert page.status_code == 200 and f'/open/{asked.id}"' in page.get_data(as_text=True)


@pytest.mark.whoosh_only
def test_search_page_without_an_index_says_so_instead_of_failing(app, client, session, member, index):
    posting.ask_question(session, member, "A question indexed, then the index is lost", LONG_BODY, ["misc"])
    session.commit()
    storage.forget_searchers()
    shutil.rmtree(app.config["INDEX_DIR"])
    posting.ask_question(session, member, "A question after the index is lost", LONG_BODY, ["misc"])
    session.commit()
    page = client.get("/search?q=question")
    assert page.status_code == 503
    assert "search index is missing" in page.get_data(as_text=True)
    assert client.get("/").status_code in (200, 302)


@pytest.mark.whoosh_only
def test_search_with_a_corrupt_index_answers_clearly_on_page_and_api(app, client, api, index):
    live = os.path.realpath(storage.current_path(index))
    storage.forget_searchers()
    for name in os.listdir(live):
        if name.endswith(".toc"):
            with open(os.path.join(live, name), "wb") as toc:
                toc.write(b"garbage")
    assert client.get("/search?q=router").status_code == 503
    response = api.get("/search?q=router")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "search_unavailable"


def test_api_search_returns_hits_in_the_documented_shape(api, answered_question, index):
    response = api.get("/search?q=button&sort=votes&page=1&page_size=5")
    body = response.get_json()
    assert response.status_code == 200
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 5
    (hit,) = body["items"]
    assert {"kind", "id", "question_id", "title", "snippet", "score"} <= set(hit)
    assert hit["kind"] == "answer" and hit["question_id"] == answered_question.id
    assert "<mark>" not in hit["snippet"] and "button" in hit["snippet"].lower()


@pytest.mark.parametrize(
    "query, field", [("?q=a&sort=best", "sort"), ("?q=a&page=0", "page"), ("?q=" + "x" * 600, "q")]
)
def test_api_search_bad_arguments_get_400_with_the_field(api, index, query, field):
    response = api.get("/search" + query)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_api_similar_lists_questions_for_a_title(api, question, index):
    response = api.get("/search/similar?title=forgot+router+password")
    items = response.get_json()["items"]
    assert response.status_code == 200
    assert items[0]["id"] == question.id and items[0]["url"] == f"/questions/{question.id}"


def test_ask_page_loads_the_similar_questions_script(client, member):
    assert client.post("/login", data={"username": "alice", "password": "correct horse"}).status_code == 302
    html = client.get("/questions/ask").get_data(as_text=True)
    assert 'id="similar-questions"' in html
    assert "js/similar.js" in html


def test_cli_rebuild_then_check_passes(runner, answered_question):
    rebuilt = runner.invoke(args=["forum", "search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "indexed 2 documents" in rebuilt.output
    checked = runner.invoke(args=["forum", "search", "check"])
    assert checked.exit_code == 0, checked.output
    assert "missing: 0, stale: 0" in checked.output


def test_cli_check_exits_1_when_documents_are_missing(app, runner, session, member, index):
    app.config["SEARCH_DRAIN_AFTER_COMMIT"] = False
    question = posting.ask_question(session, member, "A question the index never heard of", LONG_BODY, ["x"])
    session.commit()
    checked = runner.invoke(args=["forum", "search", "check"])
    assert checked.exit_code == 1
    assert f"missing: {question.id}" in checked.output


def test_cli_check_without_an_index_exits_1(runner):
    checked = runner.invoke(args=["forum", "search", "check"])
    assert checked.exit_code == 1 and "rebuild" in checked.output


@pytest.mark.whoosh_only
def test_rebuild_keeps_the_old_index_serving_until_the_new_one_is_swapped_in(app, session, member, index):
    from forum import search

    old = os.path.realpath(storage.current_path(index))
    posting.ask_question(session, member, "Question present for the rebuild", LONG_BODY, ["x"])
    session.commit()

    seen = []

    def progress(count: int) -> None:
        # Mid-rebuild, readers still get the old generation.
        seen.append(os.path.realpath(storage.current_path(index)))

    search.writer.rebuild(session.get_bind(), index, progress)
    assert seen and all(path == old for path in seen)
    assert os.path.realpath(storage.current_path(index)) != old
    assert not os.path.exists(old)


def test_index_from_an_older_release_is_reported_and_rebuilt(app, client, runner, session, answered_question):
    # An index whose fields are not this release's (here: with the `pairs` field that phrases used
    # before `content` kept positions).
    older = build_schema()
    older.add("pairs", TEXT(phrase=True))
    generation = os.path.join(app.config["INDEX_DIR"], "gen-older")
    os.makedirs(generation)
    whoosh_index.create_in(generation, older)
    storage.make_current(app.config["INDEX_DIR"], generation)
    page = client.get("/search?q=reset")
    assert page.status_code == 503
    assert "from an older release" in page.get_data(as_text=True)
    checked = runner.invoke(args=["forum", "search", "check"])
    assert checked.exit_code == 1 and "outdated" in checked.output
    assert runner.invoke(args=["forum", "search", "rebuild"]).exit_code == 0
    storage.forget_searchers()
    assert runner.invoke(args=["forum", "search", "check"]).exit_code == 0
    assert "<mark>reset</mark>" in client.get("/search?q=reset").get_data(as_text=True)


def test_profile_with_more_questions_than_shown_links_to_all_of_them(client, session, member, index):
    asked = [
        posting.ask_question(
            session, member, f"Printer number {n} shows error code E{n}", LONG_BODY, ["printer"]
        )
        for n in range(23)
    ]
    session.commit()
    profile = client.get(f"/users/{member.id}").get_data(as_text=True)
    assert "Showing the 20 newest." in profile
    link = re.search(r'href="(/search\?[^"]+)">All 23 questions</a>', profile).group(1)
    first = client.get(html.unescape(link)).get_data(as_text=True)
    assert "23 results" in first and f'/open/{asked[-1].id}"' in first  # newest first
    second = client.get(html.unescape(link) + "&page=2").get_data(as_text=True)
    assert f'/open/{asked[0].id}"' in second
