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


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Case- and accent-folded form of `word` (the index term before stemming)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.translate(_EXTRA_FOLDS).translate(_DIGITS))


class FoldingFilter(Filter):
    """Replaces each token's text with its folded form; positions and offsets stay."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            if token.text:
                yield token


class LatinStemFilter(StemFilter):
    """English stemming for plain ASCII words only; Greek or Persian words pass unchanged."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stemfn = self._stem
        for token in tokens:
            text = token.text
            if not token.stopped and text.isascii() and text.isalpha():
                token.text = stemfn(text)
            yield token


def forum_analyzer():
    """The analyzer of the title and body fields (a fresh chain: Whoosh pickles it)."""
    return RegexTokenizer(WORD_PATTERN) | FoldingFilter() | LatinStemFilter(lang="en", cachesize=50_000)


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order (what a query word must match)."""
    return [token.text for token in _ANALYZER(text)]


_ANALYZER = forum_analyzer()
