"""Greek, Czech, Slovak and Persian text is findable, with or without accents."""

from __future__ import annotations

import pytest

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
