"""What a newcomer finds on `make run`'s demo forum: each operator, and every demo language."""

from __future__ import annotations

import pytest

from forum import search
from forum.services import posting


@pytest.fixture
def demo_forum(runner, session, index):
    loaded = runner.invoke(args=["forum", "demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    search.rebuild(session)


def hits(session, text: str):
    return search.search(session, text, page_size=50).items


def titles(session, text: str) -> list[str]:
    return [hit.title for hit in hits(session, text)]


@pytest.mark.parametrize(
    "typed, title",
    [
        ("evening wifi drops", "Router drops Wi-Fi every evening around 8 pm"),
        ('"washed out"', "HDR films look washed out and grey on my new TV"),
        ("[hdmi]", "TV plays no sound through my soundbar over HDMI ARC"),
        # Greek without tonos, Czech and Slovak without their accents, Persian with a space for its ZWNJ.
        ("ταχυτητα καλωδιο", "Χαμηλή ταχύτητα στο Wi-Fi ενώ με καλώδιο πιάνω κανονικά"),
        ("dalkovy ovladac", "Dálkový ovladač televize přestal reagovat po výměně baterií"),
        ("vratia peniaze", "Kedy mi vrátia peniaze za vrátené slúchadlá?"),
        ("صفحه کلید", "چطور زبان صفحه‌کلید لپ‌تاپ را بین فارسی و انگلیسی عوض کنم؟"),
    ],
)
def test_search_demo_words_phrases_tags_and_languages_rank_the_thread_first(
    demo_forum, session, typed, title
):
    assert titles(session, typed)[0] == title


def test_search_demo_phrase_from_an_answer_links_to_that_answer(demo_forum, session):
    (hit,) = hits(session, '"DFS channels" is:answer')
    assert hit.title == "Router drops Wi-Fi every evening around 8 pm"
    assert hit.url.endswith(f"#answer-{hit.id}") and "<mark>DFS</mark>" in hit.snippet


def test_search_demo_narrowing_operators_keep_only_what_they_name(demo_forum, session):
    by_maria = hits(session, "user:maria_k is:question")
    assert by_maria and all(h.author.username == "maria_k" and h.kind == "question" for h in by_maria)
    accepted = hits(session, "isaccepted:yes")
    assert accepted and all(h.kind == "answer" and h.is_accepted for h in accepted)
    solved = hits(session, "hasaccepted:yes")
    assert solved and all(h.kind == "question" for h in solved)
    assert {h.title for h in solved} == {h.title for h in accepted}
    assert all(h.score >= 3 for h in hits(session, "score:3"))
    by_staff = hits(session, "staff:yes router")
    assert by_staff and all(h.author.is_staff for h in by_staff)
    firmware = "Router firmware update failed and the power LED blinks orange"
    assert firmware in titles(session, "router") and firmware not in titles(session, "router -firmware")


def test_search_demo_answers_zero_lists_a_new_unanswered_question(demo_forum, session, member):
    fresh = posting.ask_question(
        session,
        member,
        "Smartwatch will not pair after a reset",
        "The watch shows a spinning icon and never pairs with my phone.",
        ["watch"],
    )
    session.commit()
    unanswered = hits(session, "answers:0")
    assert fresh.id in [h.id for h in unanswered] and all(h.answer_count == 0 for h in unanswered)
