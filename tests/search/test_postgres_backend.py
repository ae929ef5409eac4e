"""The PostgreSQL backend past RANK_POOL matches: relevance ranks the newest (the table lies newest
first after a rebuild) under an estimated total, said so in the API and on the page; sorted by
newest or votes, the bitmap's page query counts them; a phrase of common words looks in the newest
posts only."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from forum import search
from forum.search import postgres
from forum.services import posting
from forum.web import search as search_pages
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(
    not (PG_URL and PG_URL.startswith("postgresql")),
    reason="the PostgreSQL search backend needs FORUM_TEST_DATABASE_URL to name a PostgreSQL database",
)

POOL = 4


@pytest.fixture
def thirty_posts(app, session, make_user, monkeypatch):
    """30 questions, all with "common", the first 10 also with "medium"; a ranking pool of 4."""
    app.config["SEARCH_BACKEND"] = "postgres"
    authors = [make_user(reputation=50) for _ in range(3)]
    for number in range(30):
        extra = " medium" if number < 10 else ""
        posting.ask_question(
            session,
            authors[number % 3],
            f"Question number {number} about a common thing",
            f"This body says common words{extra} and enough more to be a real question body here.",
            ["general"],
        )
        session.commit()
    search.rebuild(session)
    session.execute(text(f"ANALYZE {postgres.TABLE}"))
    session.commit()
    monkeypatch.setattr(postgres, "RANK_POOL", POOL)


def _medium_ids(session) -> list[int]:
    """The ids of the posts with "medium", newest first."""
    return session.scalars(
        text(
            f"SELECT post_id FROM {postgres.TABLE} WHERE content @@ CAST(:q AS tsquery) ORDER BY post_id DESC"
        ),
        {"q": "'medium'"},
    ).all()


def test_search_past_the_pool_ranks_the_newest_matches_and_estimates_the_total(session, thirty_posts):
    medium = _medium_ids(session)
    assert len(medium) == 10
    first = search.search(session, "medium", page_size=2)
    second = search.search(session, "medium", page=2, page_size=2)
    assert {hit.id for hit in first.items + second.items} == set(medium[:POOL])
    assert first.total_estimated and first.total > POOL


def test_search_past_the_pool_ranks_posts_written_since_the_rebuild_first(session, thirty_posts, make_user):
    late = posting.ask_question(
        session,
        make_user(reputation=50),
        "A late medium question",
        "Written after the rebuild, this one says medium too.",
        ["general"],
    )
    session.commit()
    postgres.drain(session, wait=True)
    pages = [search.search(session, "medium", page=page, page_size=2).items for page in (1, 2)]
    assert late.id in {hit.id for hit in pages[0] + pages[1]}


def test_search_past_the_pool_sorted_by_newest_counts_exactly(session, thirty_posts):
    newest = search.search(session, "medium", page_size=3, sort="newest")
    assert newest.total == 10 and not newest.total_estimated
    assert [hit.id for hit in newest.items] == _medium_ids(session)[:3]


def test_search_word_in_most_posts_api_and_page_say_about(client, session, thirty_posts, monkeypatch):
    monkeypatch.setattr(search_pages, "PAGE_SIZE", 2)
    # A small page, so that the matches are more than the pool the page needs.
    answer = client.get("/api/v1/search", query_string={"q": "common", "page_size": 2}).get_json()
    assert answer["total_estimated"] is True and answer["total"] > POOL
    exact = client.get("/api/v1/search", query_string={"q": "medium", "page_size": 2, "sort": "newest"})
    assert exact.get_json()["total_estimated"] is False and exact.get_json()["total"] == 10
    page = client.get("/search", query_string={"q": "common"}).get_data(as_text=True)
    assert f"About {answer['total']} results" in page
    page = client.get("/search", query_string={"q": "medium", "sort": "newest"}).get_data(as_text=True)
    assert "10 results" in page and "About" not in page


@pytest.mark.parametrize("walk_rows", [0, 1000], ids=["by-the-words-index", "newest-posts-one-by-one"])
def test_search_phrase_of_words_in_many_posts_looks_in_the_newest_and_estimates(
    session, thirty_posts, monkeypatch, walk_rows
):
    monkeypatch.setattr(postgres, "PHRASE_WALK_ROWS", walk_rows)
    everywhere = search.search(session, '"common thing"', page_size=50)
    assert everywhere.total == 30 and not everywhere.total_estimated
    monkeypatch.setattr(postgres, "PHRASE_CANDIDATES", 6)
    found = search.search(session, '"common thing"', page_size=50)
    newest = session.scalars(
        text(f"SELECT post_id FROM {postgres.TABLE} ORDER BY post_id DESC LIMIT 6")
    ).all()
    assert {hit.id for hit in found.items} == set(newest)
    assert found.total_estimated and found.total >= 6
