"""The language a question or answer is written in: chosen by its author, else detected.

A post's `language` is one of the interface's languages (forum/i18n.py), or
None when nobody said and the text does not tell: old rows, a post of digits
and code, or a text the detector is sure is in a language the forum does not
speak (a French tweet stays unlabelled rather than being called Czech).
Detection is py3langid's naive Bayes model, offline and loaded once per process
on first use; among the forum's languages it takes the likeliest, so a short
Slovak title that looks a little Czech still lands on one of the two.
"""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from forum.i18n import LANGUAGES

# Above this probability for a language outside LANGUAGES, the detector's word is taken:
# the post is in none of ours, and stays unlabelled.
FOREIGN_CERTAINTY = 0.9


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str | None:
    """The forum language `text` is most likely in, or None (see the module's docstring)."""
    if not any(character.isalpha() for character in text):
        return None
    ranking = _identifier().rank(text)
    top, certainty = ranking[0]
    if top not in LANGUAGES and certainty >= FOREIGN_CERTAINTY:
        return None
    return next((code for code, _ in ranking if code in LANGUAGES), None)


def clean_language(value: object, text: str, errors: dict[str, str]) -> str | None:
    """`value` when it names one of LANGUAGES; detected from `text` when absent (None or "")."""
    if value is None or value == "":
        return detect(text)
    if value not in LANGUAGES:
        errors["language"] = _("must be one of %(values)s", values=LANGUAGES.one_of())
        return None
    return str(value)
