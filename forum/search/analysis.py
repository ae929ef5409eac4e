"""How text becomes index terms: tokenising and accent folding for every demo language.

One analyzer serves indexing, querying and highlighting, so a word is folded
the same way wherever it meets the index: case and accents go (Czech `č` is
`c`, Greek `ά` is `α`, final `ς` is `σ`), Arabic letter forms that Persian
writes differently are unified, Arabic diacritics dropped, Persian and
Arabic-Indic digits read as ASCII, and a Persian word written with a zero-width
non-joiner is also indexed without it. Words are stemmed by their script with a
Snowball stemmer: plain Latin words as English, Greek words as Greek, Arabic-script
words as Persian (see `index_term`). An index built before one of these rules
learns it from `flask forum search rebuild`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer
from whoosh.analysis import Filter, StemFilter, Token, Tokenizer

# Words are runs of letters, digits and marks (Latin and Greek accents, Arabic diacritics:
# a vowelled Persian word is one word); "c++", "c#" and "node.js" stay whole so tags and
# tech names can be searched as written.
WORD_PATTERN = re.compile(
    r"[^\W_](?:[\w\u0300-\u036f\u064b-\u065f\u0670]|[.'’](?=[^\W_])|[+#]+(?![\w]))*", re.UNICODE
)
# The zero-width non-joiner (U+200C) sits inside Persian words, and people type it, a space or
# nothing: "صفحه‌کلید", "صفحه کلید", "صفحهکلید". A word written with it is read as its parts
# ("صفحه", "کلید": the spaced spelling finds it) and, for the word fields, also as the parts
# joined ("صفحهکلید": the spelling without it finds it).
ZWNJ = "\u200c"
_JOINED_WORD = re.compile(rf"(?:{WORD_PATTERN.pattern})(?:{ZWNJ}(?:{WORD_PATTERN.pattern}))*", re.UNICODE)

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
_greek = Stemmer.Stemmer("greek").stemWord
_persian = Stemmer.Stemmer("persian").stemWord
_GREEK_WORD = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")
_ARABIC_SCRIPT_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff0-9]+")


@lru_cache(maxsize=200_000)
def index_term(word: str) -> str:
    """The index term of one token: folded, then stemmed by its script.

    The stemmer is chosen by the word's letters, not by the post's language, so a
    query (whose language nobody states) stems a word exactly as the index did:
    Greek letters take Snowball's Greek stemmer ("λογαριασμός", "λογαριασμού" are one
    term), Arabic-script letters its Persian one ("کتابها", "کتاب"), plain Latin
    words the English one. Czech and Slovak share the Latin script with English and
    with each other, so their words are folded but get no stemmer of their own: a
    Czech stemmer would cut Slovak words wrongly, and the same word meets the same
    rule in the index and in a query, so it still finds itself.
    """
    folded = fold(word)
    if folded.isascii():
        return _stem(folded) if folded.isalpha() else folded
    if _GREEK_WORD.fullmatch(folded):
        return _greek(folded)
    if _ARABIC_SCRIPT_WORD.fullmatch(folded) and not folded.isdigit():
        return _persian(folded)
    return folded


class TermFilter(Filter):
    """Replaces each token's text with its index term; positions and offsets stay."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = index_term(token.text)
            if token.text:
                yield token


class JoinedStartFilter(Filter):
    """Gives a word written with ZWNJ, which the tokenizer places at its last part, a second
    position at its first part, so a phrase typed without the ZWNJ finds it next to the word
    before it as well as the word after it ("x صفحهکلید", "صفحهکلید y")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            yield token
            parts = getattr(token, "parts", 0)
            if parts and token.positions:
                token.pos -= parts - 1
                yield token


def words(text: str, *, joined: bool = True, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` (up to `end`) with its span; a word written with ZWNJ gives its parts,
    then (with `joined`) the parts joined, spanning them all."""
    for match in _JOINED_WORD.finditer(text, 0, len(text) if end is None else end):
        whole = match.group()
        if ZWNJ not in whole:
            yield whole, match.start(), match.end()
            continue
        begin = match.start()
        for part in whole.split(ZWNJ):
            yield part, begin, begin + len(part)
            begin += len(part) + 1
        if joined:
            yield whole.replace(ZWNJ, ""), match.start(), match.end()


class WordTokenizer(Tokenizer):
    """Whoosh's tokenizer over `words`: positions count the parts, a joined word shares its last
    part's, and tells how many parts it joins in `token.parts` (0 for any other token)."""

    def __init__(self, joined: bool) -> None:
        self.joined = joined

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.joined == self.joined

    def __call__(  # Whoosh's tokenizer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        found = words(value, joined=self.joined) if tokenize else iter([(value, 0, len(value))])
        pos = start_pos - 1
        last_end = -1
        for text, begin, end in found:
            token.parts = 0
            if end > last_end:  # a word or a part, not a joined word over the parts just read
                pos += 1
                last_end = end
            else:
                token.parts = value.count(ZWNJ, begin, end) + 1
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + begin
                token.endchar = start_char + end
            yield token


def forum_analyzer():
    """The analyzer of the title and body fields (a fresh chain: Whoosh pickles it)."""
    return WordTokenizer(joined=True) | TermFilter()


def content_analyzer():
    """The analyzer of the `content` field, which keeps positions for phrases."""
    return WordTokenizer(joined=True) | TermFilter() | JoinedStartFilter()


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order, ZWNJ words by their parts (what a phrase must match)."""
    return [token.text for token in _PARTS(text)]


def spellings(text: str) -> list[list[str]]:
    """The ways `text` may be written in the index: its terms, and when it has a word written with
    ZWNJ, also its terms with such words joined ("صفحه‌کلید": ["صفحه", "کلید"], ["صفحهکلید"])."""
    spelled = [terms(text)]
    if ZWNJ in text:
        joined = terms(text.replace(ZWNJ, ""))
        if joined != spelled[0]:
            spelled.append(joined)
    return spelled


_PARTS = WordTokenizer(joined=False) | TermFilter()
