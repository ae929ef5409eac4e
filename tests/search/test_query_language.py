"""Each operator of the search box, end to end: what a reader typing it gets back."""

from __future__ import annotations

import pytest

from forum import search
from forum.services import acceptance, posting, voting
from tests.conftest import LONG_BODY


@pytest.fixture
def forum_posts(session, member, other_member, staff, make_user, index):
    """A small forum: router and printer questions, answers by a member and by staff."""
    router = posting.ask_question(
        session,
        member,
        "How do I reset my router password?",
        LONG_BODY + " The admin page forgot me.",
        ["router", "wifi"],
    )
    printer = posting.ask_question(
        session,
        other_member,
        "Printer prints blank pages after update",
        "Since the driver update every page comes out blank.",
        ["printer"],
    )
    lonely = posting.ask_question(
        session,
        other_member,
        "Bluetooth keyboard drops its connection",
        "The keyboard disconnects every few minutes of typing.",
        ["bluetooth"],
    )
    session.commit()
    by_member = posting.post_answer(
        session, other_member, router, "Hold the reset button for ten seconds, then use the default password."
    )
    by_staff = posting.post_answer(
        session, staff, router, "Staff here: the sticker under the router shows the default password."
    )
    on_printer = posting.post_answer(
        session, member, printer, "Roll back the driver from the device manager, then print again."
    )
    session.commit()
    acceptance.accept_answer(session, member, router.id, by_staff.id)
    voter = make_user("member", reputation=200)
    voting.cast_vote(session, voter, by_staff.id, 1)
    voting.cast_vote(session, voter, router.id, 1)
    session.commit()
    return {
        "router": router.id,
        "printer": printer.id,
        "lonely": lonely.id,
        "by_member": by_member.id,
        "by_staff": by_staff.id,
        "on_printer": on_printer.id,
    }


def test_search_words_all_must_match_finds_posts_with_every_word(find, forum_posts):
    assert set(find("default password")) == {forum_posts["by_member"], forum_posts["by_staff"]}


def test_search_word_in_title_ranks_question_first(find, forum_posts):
    assert find("password")[0] == forum_posts["router"]


def test_search_exact_phrase_matches_only_that_order(find, forum_posts):
    assert find('"reset button"') == [forum_posts["by_member"]]
    assert find('"button reset"') == []


def test_search_tag_operator_finds_tagged_questions_and_their_answers(find, forum_posts):
    assert set(find("[wifi]")) == {forum_posts["router"], forum_posts["by_member"], forum_posts["by_staff"]}


def test_search_user_operator_finds_that_authors_posts(find, forum_posts):
    assert set(find("user:alice")) == {forum_posts["router"], forum_posts["on_printer"]}
    assert set(find("user:ALICE driver")) == {forum_posts["on_printer"]}


def test_search_is_question_and_is_answer_filter_kind(find, forum_posts):
    assert set(find("is:question password")) == {forum_posts["router"]}
    assert set(find("is:answer password")) == {forum_posts["by_member"], forum_posts["by_staff"]}


def test_search_isaccepted_yes_finds_accepted_answers_only(find, forum_posts):
    assert find("isaccepted:yes") == [forum_posts["by_staff"]]
    assert set(find("isaccepted:no password")) == {forum_posts["by_member"]}


def test_search_hasaccepted_yes_finds_questions_with_accepted_answer(find, forum_posts):
    assert find("hasaccepted:yes") == [forum_posts["router"]]
    assert set(find("hasaccepted:no")) == {forum_posts["printer"], forum_posts["lonely"]}


def test_search_answers_zero_finds_unanswered_questions(find, forum_posts):
    assert find("answers:0") == [forum_posts["lonely"]]
    assert find("answers:2") == [forum_posts["router"]]


def test_search_score_operator_means_at_least(find, forum_posts):
    assert set(find("score:1")) == {forum_posts["router"], forum_posts["by_staff"]}
    assert find("score:2") == []


def test_search_staff_yes_finds_staff_posts(find, forum_posts):
    assert find("staff:yes") == [forum_posts["by_staff"]]


def test_search_minus_word_leaves_out_posts_with_it(find, forum_posts):
    assert set(find("password -sticker")) == {forum_posts["router"], forum_posts["by_member"]}
    assert set(find("password -[router]")) == set()


def test_search_only_exclusions_returns_nothing_rather_than_everything(find, forum_posts):
    assert find("-router") == []


def test_search_sort_newest_and_votes_order_results(find, forum_posts):
    newest = find("is:answer", sort="newest")
    assert newest[0] == forum_posts["on_printer"]
    assert find("is:answer", sort="votes")[0] == forum_posts["by_staff"]


def test_search_accepted_high_score_answer_ranks_above_plain_one(find, forum_posts):
    hits = find("default password is:answer")
    assert hits == [forum_posts["by_staff"], forum_posts["by_member"]]


def test_search_snippet_marks_matched_words_and_links_to_answer_anchor(session, forum_posts):
    found = search.search(session, "sticker")
    (hit,) = found.items
    assert "<mark>sticker</mark>" in hit.snippet
    assert hit.url == f"/questions/{forum_posts['router']}#answer-{forum_posts['by_staff']}"
    assert hit.title == "How do I reset my router password?"


def test_search_pages_split_results(session, forum_posts):
    first = search.search(session, "is:answer", page=1, page_size=2, sort="newest")
    second = search.search(session, "is:answer", page=2, page_size=2, sort="newest")
    assert first.total == 3 and second.total == 3
    assert len(first.items) == 2 and len(second.items) == 1
    assert not {h.id for h in first.items} & {h.id for h in second.items}


def test_similar_questions_for_a_typed_title_lists_matching_questions(session, forum_posts):
    hits = search.similar_questions(session, "router password forgotten")
    assert [hit.id for hit in hits][0] == forum_posts["router"]
    assert all(hit.kind == "question" for hit in hits)


def test_search_common_words_need_not_appear_beside_other_words(find, forum_posts):
    assert forum_posts["router"] in find("with which password")
    assert find("with which") == []  # alone, they are what was asked for


def test_search_phrase_of_three_words_needs_them_in_a_row(session, member, find, index):
    in_a_row = posting.ask_question(
        session,
        member,
        "Modem lights after a storm",
        "Please reset the router first, then call us again.",
        ["router"],
    )
    # Every pair of the phrase ("reset the", "the router") is here, but never all three in a row.
    scattered = posting.ask_question(
        session,
        member,
        "Modem lights after a power cut",
        "Reset the modem, then restart the router and wait.",
        ["router"],
    )
    session.commit()
    assert find('"reset the router"') == [in_a_row.id]
    assert set(find("reset router")) == {in_a_row.id, scattered.id}


def test_search_minus_phrase_leaves_out_only_posts_with_that_phrase(session, member, find, index):
    keep = posting.ask_question(
        session,
        member,
        "Printer stuck on offline",
        "The printer says offline although the cable is in.",
        ["printer"],
    )
    drop = posting.ask_question(
        session,
        member,
        "Printer says paper jam",
        "The printer says paper jam but the tray is empty.",
        ["printer"],
    )
    session.commit()
    assert set(find("printer says")) == {keep.id, drop.id}
    assert find('printer says -"paper jam"') == [keep.id]


def test_search_after_an_edit_in_a_new_segment_finds_the_new_words_only(session, member, find, index):
    question = posting.ask_question(
        session, member, "Laptop fan loud at idle", "The fan spins up when nothing is running.", ["laptop"]
    )
    session.commit()
    assert find("spins") == [question.id]  # decoded postings of this segment are now cached
    posting.edit_post(session, member, question, body="The fan whirrs when nothing is running.")
    session.commit()
    assert find("spins") == []
    assert find("whirrs") == [question.id]


def test_search_sort_votes_puts_negative_scores_last_and_ties_newest_first(
    session, member, other_member, make_user, find, index
):
    question = posting.ask_question(
        session, member, "Tablet will not charge", "The tablet shows a red battery icon.", ["tablet"]
    )
    session.commit()
    older = posting.post_answer(session, other_member, question, "Try another tablet charging cable first.")
    session.commit()
    newer = posting.post_answer(session, other_member, question, "A tablet charging port may hold lint.")
    disliked = posting.post_answer(
        session, make_user("member"), question, "Tablet batteries never fail, ever."
    )
    session.commit()
    voting.cast_vote(session, make_user("member", reputation=200), disliked.id, -1)
    session.commit()
    assert find("tablet is:answer", sort="votes") == [newer.id, older.id, disliked.id]
    assert find("tablet is:answer", sort="newest") == [disliked.id, newer.id, older.id]


def test_search_source_operator_finds_questions_mirrored_from_x(find, session, member, forum_posts):
    tweeted = posting.ask_question(
        session, member, "Router reboots every night at 2 am", "@AcmeHelp my router reboots every night.", [],
        source="twitter",
    )  # fmt: skip
    session.commit()
    assert find("source:twitter") == [tweeted.id]
    assert find("source:twitter router") == [tweeted.id]
    assert tweeted.id not in find("source:web router") and forum_posts["router"] in find("source:web router")
