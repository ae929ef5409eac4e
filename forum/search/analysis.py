"""How text becomes index terms: tokenising and accent folding for every demo language.

One analyzer serves indexing, querying and highlighting, so a word is folded
the same way wherever it meets the index: case and accents go (Czech `č` is
`c`, Greek `ά` is `α`, final `ς` is `σ`), Arabic letter forms that Persian
writes differently are unified, and plain Latin words are stemmed (English).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer, StemFilter, Token

# Words are runs of letters, digits and marks; "c++", "c#" and "node.js" stay whole
# so tags and tech names can be searched as written. ZWNJ (U+200C), used inside
# Persian words, separates tokens: "می‌خواهم" and "می خواهم" find each other.
WORD_PATTERN = re.compile(r"[^\W_](?:[\w\u0300-\u036f]|[.'’](?=[^\W_])|[+#]+(?![\w]))*", re.UNICODE)

# Letters that do not decompose into a base letter and a combining mark.
_EXTRA_FOLDS = str.maketrans({
    "ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "þ": "th",
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ـ": None, "’": "'",
})  # fmt: skip

# Persian and Arabic digits index as ASCII digits.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def fold(word: str) -> str:
    """Case- and accent-folded form of `word` (the index term before stemming)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.translate(_EXTRA_FOLDS).translate(_DIGITS))


_stem = StemFilter(lang="en", cachesize=None)._stem


@lru_cache(maxsize=200_000)
def index_term(word: str) -> str:
    """The index term of one token: folded, and stemmed when it is a plain Latin word.

    Stemming is English-only: Greek and Persian words are left whole, and a
    Czech or Slovak word, its accents folded away, is stemmed alike in the
    index and in a query, so it still finds itself.
    """
    folded = fold(word)
    return _stem(folded) if folded.isascii() and folded.isalpha() else folded


class TermFilter(Filter):
    """Replaces each token's text with its index term; positions and offsets stay."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = index_term(token.text)
            if token.text:
                yield token


class PairFilter(Filter):
    """Turns a run of terms into its adjacent pairs: "reset the router" gives "reset the", "the router".

    A phrase of two words is then one term whose postings are short even when
    both words are in most posts; a longer phrase needs all its pairs.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = pair_term(previous, text)
                yield token
            previous = text


def pair_term(first: str, second: str) -> str:
    return f"{first} {second}"  # terms never hold a space, so a pair never meets a word


def forum_analyzer():
    """The analyzer of the title and body fields (a fresh chain: Whoosh pickles it)."""
    return RegexTokenizer(WORD_PATTERN) | TermFilter()


def pairs_analyzer():
    """The analyzer of the `pairs` field: index terms, two by two."""
    return RegexTokenizer(WORD_PATTERN) | TermFilter() | PairFilter()


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order (what a query word must match)."""
    return [token.text for token in _ANALYZER(text)]


_ANALYZER = forum_analyzer()
