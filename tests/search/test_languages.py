"""Greek, Czech, Slovak and Persian text is findable, with or without accents."""

from __future__ import annotations

import pytest

from forum import search
from forum.services import posting

POSTS = {
    "greek": ("Πώς ρυθμίζω το ασύρματο δίκτυο;", "Το ασύρματο δίκτυο χάνει τη σύνδεση κάθε βράδυ στο σπίτι."),
    "czech": ("Nastavení síťového připojení", "Po aktualizaci se připojení k síti každou hodinu přeruší."),
    "slovak": ("Ako zmeniť heslo k účtu", "Zabudol som heslo a obnovovací e-mail mi nechodí vôbec."),
    "persian": (
        "چگونه رمز عبور را تغییر دهم؟",
        "می‌خواهم رمز عبور حساب کاربری خود را عوض کنم ولی پیامی نمی‌آید.",
    ),
}


@pytest.fixture
def posts(session, member, find):
    ids = {}
    for language, (title, body) in POSTS.items():
        ids[language] = posting.ask_question(session, member, title, body, [language]).id
    session.commit()
    return ids


@pytest.mark.parametrize(
    "language, typed",
    [
        ("greek", "δίκτυο"),
        ("greek", "δικτυο"),
        ("greek", "ΔΊΚΤΥΟ"),
        ("greek", "ασυρματο δικτυο"),
        ("czech", "připojení"),
        ("czech", "pripojeni"),
        ("czech", "sitoveho"),
        ("czech", "NASTAVENI"),
        ("slovak", "zmeniť heslo"),
        ("slovak", "zmenit heslo"),
        ("slovak", "uctu"),
        ("persian", "رمز عبور"),
        ("persian", "می خواهم"),
        ("persian", "كاربري"),
    ],
)
def test_search_in_each_language_finds_with_or_without_accents(find, posts, language, typed):
    assert posts[language] in find(typed)


def test_search_greek_phrase_without_tonos_matches(find, posts):
    assert find('"ασυρματο δικτυο"') == [posts["greek"]]


# The same Persian word ("keyboard") written with its zero-width non-joiner, with a space, and with nothing.
KEYBOARD = {"zwnj": "صفحه\u200cکلید", "space": "صفحه کلید", "joined": "صفحهکلید"}


@pytest.fixture
def keyboards(session, member, find):
    ids = {}
    for spelling, word in KEYBOARD.items():
        body = f"بعد از نصب ویندوز {word} فارسی کار نمی‌کند و فقط انگلیسی می‌نویسد."
        ids[spelling] = posting.ask_question(session, member, f"مشکل {word} فارسی در لپ‌تاپ", body, ["fa"]).id
    session.commit()
    return ids


@pytest.mark.parametrize(
    "typed, found",
    [
        ("zwnj", {"zwnj", "space", "joined"}),
        ("joined", {"zwnj", "joined"}),
        ("space", {"zwnj", "space"}),
    ],
)
def test_search_persian_word_with_or_without_zwnj_finds_each_spelling(find, keyboards, typed, found):
    assert set(find(KEYBOARD[typed])) == {keyboards[spelling] for spelling in found}


def test_search_persian_phrase_without_zwnj_finds_the_text_written_with_it(find, keyboards):
    assert set(find(f'"{KEYBOARD["joined"]} فارسی"')) == {keyboards["zwnj"], keyboards["joined"]}


def test_search_persian_phrase_ending_in_a_word_without_zwnj_finds_the_text_written_with_it(find, keyboards):
    assert set(find(f'"ویندوز {KEYBOARD["joined"]}"')) == {keyboards["zwnj"], keyboards["joined"]}


def test_search_persian_word_without_zwnj_marks_the_whole_word_in_the_snippet(session, keyboards):
    (hit,) = [h for h in search.search(session, KEYBOARD["joined"]).items if h.id == keyboards["zwnj"]]
    assert f"<mark>{KEYBOARD['zwnj']}</mark>" in hit.snippet
    assert f"<mark>{KEYBOARD['zwnj']}</mark>" in hit.title_html


def test_similar_questions_for_a_title_without_zwnj_list_the_question_written_with_it(session, keyboards):
    hits = search.similar_questions(session, f"{KEYBOARD['joined']} کار نمی‌کند")
    assert keyboards["zwnj"] in [hit.id for hit in hits]


@pytest.mark.parametrize(
    "language, typed",
    [
        ("greek", "ασύρματου δικτύου"),  # another case of the same words: one Snowball stem
        ("greek", "ΡΥΘΜΊΖΩ"),
        ("persian", "رمزهای عبور"),  # a plural the Persian stemmer takes back to its stem
        ("persian", "حسابها"),
        ("persian", "كاربري"),  # Arabic yeh and kaf, as an Arabic keyboard types them
        ("persian", "رَمز"),  # with a diacritic
    ],
)
def test_search_greek_or_persian_inflected_or_differently_typed_finds_the_post(find, posts, language, typed):
    assert posts[language] in find(typed)


def test_search_greek_word_does_not_find_an_unrelated_greek_post(find, posts):
    assert posts["greek"] not in find("λογαριασμός")


@pytest.mark.parametrize(
    "language, title",
    [("greek", "Το ασύρματο δίκτυο δεν δουλεύει"), ("persian", "رمزهای عبور را فراموش کردم")],
)
def test_similar_questions_for_a_greek_or_persian_title_list_the_question(session, posts, language, title):
    hits = search.similar_questions(session, title)
    assert posts[language] in [hit.id for hit in hits]


def test_search_lang_operator_finds_the_posts_written_in_that_language(session, member, find):
    greek = posting.ask_question(session, member, *POSTS["greek"], ["wifi"])
    english = posting.ask_question(
        session,
        member,
        "The wireless network drops",
        "The wireless network drops every evening at home.",
        ["wifi"],
    )
    greek_answer = posting.post_answer(session, member, english, "Δοκιμάστε άλλο κανάλι στο ασύρματο δίκτυο.")
    session.commit()
    assert sorted(find("lang:el")) == sorted([greek.id, greek_answer.id])
    assert find("lang:en wireless") == [english.id]
    assert find("lang:el is:question") == [greek.id]
