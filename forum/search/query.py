"""The search box's language, parsed by hand into a ranking plan (ranking.py).

Free words, "exact phrase", [tag], user:NAME, is:question|answer,
isaccepted:yes, hasaccepted:yes, answers:N, score:N, staff:yes,
source:twitter|web (questions from there; with is:answer, the answers in
their threads), lang:el (posts written in that language, each by its own
Post.language) and -negation.
The user's text never reaches Whoosh's own query parser, so nothing typed
can name another field, start a wildcard or fuzzy expansion, or fail to
parse: whatever is not an operator is read as words, and each word becomes
literal index terms. Only the narrowing operators become Whoosh queries,
built here from validated values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from forum.i18n import LANGUAGES
from forum.search.analysis import index_term, spellings
from forum.search.ranking import Clause, Plan
from forum.search.schema import TITLE_BOOST

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 24

_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:
        "(?P<phrase>[^"]*)"?            # "exact phrase"; an unclosed quote runs to the end
      | \[(?P<tag>[^\]\s]*)\]           # [tag]
      | (?P<key>[A-Za-z]+):(?P<value>[^\s"\[\]]+)
      | (?P<word>[^\s"]+)
    )""",
    re.VERBOSE,
)
_TAG = re.compile(r"^[a-z0-9.+#-]{1,35}$")
# Words too common to narrow anything: required, they would make a query read most of the
# index for nothing, so beside other words they only add to the score.
COMMON_WORDS = frozenset(index_term(word) for word in (
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could", "do",
    "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its",
    "me", "my", "no", "not", "of", "on", "or", "our", "so", "some", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your",
))  # fmt: skip
# Where a question came from, as Post.source stores it.
SOURCES = ("web", "twitter")
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n"}


@dataclass
class ParsedQuery:
    """What the user asked for, operator by operator (also shown back on the results page)."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excluded_words: list[str] = field(default_factory=list)
    excluded_phrases: list[str] = field(default_factory=list)
    excluded_tags: list[str] = field(default_factory=list)
    user: str | None = None
    kind: str | None = None
    is_accepted: bool | None = None
    has_accepted: bool | None = None
    answers: int | None = None
    min_score: int | None = None
    staff: bool | None = None
    source: str | None = None
    language: str | None = None

    def highlight_terms(self) -> frozenset[str]:
        """The analysed terms a snippet should mark (never the excluded ones), in every spelling."""
        found: set[str] = set()
        for text in (*self.words, *self.phrases):
            for spelled in spellings(text):
                found.update(spelled)
        return frozenset(found)

    def typed_words(self) -> str:
        """The words and phrases searched for, without operators (what "Ask this as a question" carries)."""
        return " ".join((*self.words, *self.phrases))

    def plan(self) -> tuple[Plan, wq.Query | None] | None:
        """What ranking.rank runs (words, phrases, tags, exclusions), and the operators that only narrow.

        The narrowing operators stay a Whoosh query, matched once into a set of
        documents and remembered (a `score:` range reads every posting of every
        score). None when nothing searchable was given.
        """
        wanted: list[Clause] = []
        common: list[Clause] = []
        alternatives: list[tuple[Clause, ...]] = []
        for text, is_word in (*((w, True) for w in self.words), *((p, False) for p in self.phrases)):
            found = _clauses(text)
            if len(found) > 1:
                alternatives.append(found)  # written with ZWNJ: joined or not, either will do
            elif found and is_word and found[0].term in COMMON_WORDS:
                common.append(found[0])
            else:
                wanted += found
        wanted += [Clause("tags", tag) for tag in self.tags]
        excluded = [c for text in (*self.excluded_words, *self.excluded_phrases) for c in _clauses(text)]
        excluded += [Clause("tags", tag) for tag in self.excluded_tags]
        filters = self._filters()
        if not wanted and not alternatives and not filters:
            wanted, common = common, []  # only common words: then they are what was asked
        if not (wanted or alternatives or filters):
            return None  # a query of only exclusions would list the whole forum
        narrowing = None if not filters else filters[0] if len(filters) == 1 else wq.And(filters)
        # Title words and common words only add to the score of what the rest matched.
        in_title = sorted(self.highlight_terms() - COMMON_WORDS)
        optional = [Clause("title", term, boost=TITLE_BOOST) for term in in_title] + common
        plan = Plan(required=wanted, optional=optional, excluded=excluded, alternatives=alternatives)
        return plan, narrowing

    def _filters(self) -> list[wq.Query]:
        filters: list[wq.Query] = []
        kind = self.kind
        if self.is_accepted is not None:
            kind = kind or "answer"
            filters.append(wq.Term("accepted", self.is_accepted))
        if self.has_accepted is not None or self.answers is not None or self.source is not None:
            kind = kind or "question"
        if self.has_accepted is not None:
            filters.append(wq.Term("has_accepted", self.has_accepted))
        if self.answers is not None:
            end = 0 if self.answers == 0 else None  # answers:0 is "unanswered", answers:3 "at least 3"
            filters.append(wq.NumericRange("answer_count", self.answers, end))
        if kind:
            filters.append(wq.Term("kind", kind))
        if self.user:
            filters.append(wq.Term("author", self.user.lower()))
        if self.min_score is not None:
            filters.append(wq.NumericRange("score", self.min_score, None))
        if self.staff is not None:
            filters.append(wq.Term("staff", self.staff))
        if self.source is not None:
            filters.append(wq.Term("source", self.source))
        if self.language is not None:
            filters.append(wq.Term("language", self.language))
        return filters


def _clauses(text: str) -> tuple[Clause, ...]:
    """A word or phrase as clauses, one per spelling (analysis.spellings): each is one term, or
    (for "foo/bar" too) its terms in a row. Empty when `text` has no word."""
    found = []
    for spelled in spellings(text):
        if len(spelled) == 1:
            found.append(Clause("content", spelled[0]))
        elif spelled:
            found.append(Clause("content", phrase=tuple(spelled)))
    return tuple(found)


def _flag(value: str) -> bool | None:
    value = value.lower()
    return True if value in _YES else False if value in _NO else None


def _integer(value: str, low: int) -> int | None:
    if not re.fullmatch(r"-?\d{1,7}", value):
        return None
    number = int(value)
    return number if number >= low else None


def _apply_operator(parsed: ParsedQuery, key: str, value: str, negated: bool) -> bool:
    """Set `key:value` on `parsed`; False when it is no operator of ours (then it is words)."""
    key = key.lower()
    if key == "user" and 1 <= len(value) <= 30 and not negated:
        parsed.user = value
    elif key == "is" and value.lower() in ("question", "answer") and not negated:
        parsed.kind = value.lower()
    elif key in ("isaccepted", "hasaccepted", "staff") and _flag(value) is not None:
        flag = _flag(value) != negated  # -staff:yes means staff:no
        setattr(parsed, {"isaccepted": "is_accepted", "hasaccepted": "has_accepted"}.get(key, key), flag)
    elif key == "answers" and _integer(value, 0) is not None and not negated:
        parsed.answers = _integer(value, 0)
    elif key == "source" and value.lower() in SOURCES and not negated:
        parsed.source = value.lower()
    elif key == "lang" and value.lower() in LANGUAGES and not negated:
        parsed.language = value.lower()
    elif key == "score" and _integer(value, -1_000_000) is not None and not negated:
        parsed.min_score = _integer(value, -1_000_000)
    else:
        return False
    return True


def parse(text: object) -> ParsedQuery:
    """Read the search box. Never raises: anything that is not an operator is words."""
    parsed = ParsedQuery()
    if not isinstance(text, str):
        return parsed
    for number, match in enumerate(_TOKEN.finditer(text[:MAX_QUERY_LENGTH])):
        if number >= MAX_CLAUSES:
            break
        negated = bool(match.group("neg"))
        phrase, tag, key, word = match.group("phrase", "tag", "key", "word")
        if phrase is not None:
            if phrase.strip():
                (parsed.excluded_phrases if negated else parsed.phrases).append(phrase.strip())
        elif tag is not None:
            if _TAG.match(tag.lower()):
                (parsed.excluded_tags if negated else parsed.tags).append(tag.lower())
            elif tag:
                (parsed.excluded_words if negated else parsed.words).append(tag)
        elif key is not None:
            if not _apply_operator(parsed, key, match.group("value"), negated):
                (parsed.excluded_words if negated else parsed.words).append(f"{key}:{match.group('value')}")
        elif word:
            (parsed.excluded_words if negated else parsed.words).append(word)
    return parsed
