"""Tweet text -> forum text: unescaping, t.co expansion, Markdown-safe bodies and titles.

Tweets arrive HTML-escaped (`&amp;`) with links shortened to t.co; the
forum stores Markdown, so the words are escaped back into literal text and
links become autolinks. Pure functions, no database.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from forum.services.validation import COMMENT_MAX, TITLE_MAX, TITLE_MIN, storable

# t.co counts every link as 23 characters, whatever its length.
TCO_LENGTH = 23
TWEET_MAX = 280
TITLE_TARGET = 100

_URL_RE = re.compile(r"https?://[^\s<>\"]+")
_URL_TRAILING = ".,;:!?)]}'"
_LEADING_MENTIONS_RE = re.compile(r"^(?:\s*[@＠][A-Za-z0-9_]{1,50}\b[:,]?)+\s*")
_QUESTION_MARKS = "?？؟"
_CREDIT_RE = re.compile(r"\s*— @\S+ on X$")
_SENTENCE_END_RE = re.compile(r"[.!?…。！？](?=\s|$)|\n")
# Characters that mean something in Markdown wherever they appear.
_INLINE_SPECIAL = set("\\`*_[]<>|~&")


def expand_urls(text: str, entities: dict | None) -> str:
    """Replace each t.co link by the link it stands for (unwound, else expanded)."""
    for entity in (entities or {}).get("urls") or []:
        short = entity.get("url")
        target = entity.get("unwound_url") or entity.get("expanded_url")
        if short and target and _URL_RE.fullmatch(target):
            text = text.replace(short, target)
    return text


def tweet_plain_text(tweet: dict) -> str:
    """The tweet's words as a reader sees them: links expanded, entities unescaped."""
    return storable(html.unescape(expand_urls(tweet.get("text") or "", tweet.get("entities"))))


def _split_urls(text: str) -> list[tuple[bool, str]]:
    """(is_url, piece) pieces; a URL loses trailing punctuation a writer put after it."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _URL_RE.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(_URL_TRAILING)
        if match.start() > position:
            pieces.append((False, text[position : match.start()]))
        pieces.append((True, trimmed))
        position = match.start() + len(trimmed)
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _escape_words(words: str, line_start: bool) -> str:
    escaped = "".join("\\" + ch if ch in _INLINE_SPECIAL else ch for ch in words)
    if line_start:
        # A line starting with #, -, +, = or "1." would become a heading, a list or a rule.
        escaped = re.sub(r"^([#+=\-])", r"\\\1", escaped, count=1)
        escaped = re.sub(r"^(\d{1,9})([.)])", r"\1\\\2", escaped, count=1)
    return escaped


def markdown_literal(text: str) -> str:
    """Markdown that renders as exactly `text`: markup escaped, links as autolinks, line breaks kept."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    rendered: list[str] = []
    for line in lines:
        out = []
        for index, (is_url, piece) in enumerate(_split_urls(line)):
            out.append(f"<{piece}>" if is_url else _escape_words(piece, index == 0))
        rendered.append("".join(out))
    # Keep a tweet's single line breaks as hard breaks and blank lines as paragraphs.
    result: list[str] = []
    for index, line in enumerate(rendered):
        following = rendered[index + 1] if index + 1 < len(rendered) else ""
        result.append(line + "\\" if line and following else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(result)).strip()


def cut_at_word(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` shortened to at most `limit` characters, at a word boundary when there is one."""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    head = text[:room]
    space = head.rfind(" ")
    if space >= room // 2:
        head = head[:space]
    return head.rstrip(" ,;:-") + ellipsis


def title_words(tweet: dict) -> str:
    """The tweet's words for a title: no links, no leading @mentions, one line."""
    plain = tweet_plain_text(tweet)
    plain = _URL_RE.sub(" ", plain)
    plain = _LEADING_MENTIONS_RE.sub("", plain)
    return plain


def sentence_case(title: str) -> str:
    """`title` as a sentence: a shouted one lowered, then its first word capitalised.

    A first word with a capital inside ("iPhone", "eBay") is a name and stays as written;
    the rest of the words keep their case ("AX3000", "Wi-Fi").
    """
    cased = [ch for ch in title if ch.lower() != ch.upper()]
    if len(cased) >= 8 and all(ch.isupper() for ch in cased):
        title = title.lower()
    first_word = title.split(" ", 1)[0]
    if first_word == first_word.lower():
        for index, ch in enumerate(first_word):
            if ch.isalpha():
                return title[:index] + ch.upper() + title[index + 1 :] if ch.islower() else title
    return title


def question_title(tweet: dict, handle: str) -> str:
    """The first sentence in sentence case, cut at a word; padded from the following words if
    under 15 characters. The title is plain text: Markdown characters stay as the tweet had them."""
    words = title_words(tweet)
    match = _SENTENCE_END_RE.search(words)
    first = words[: match.end()] if match else words
    title = " ".join(first.split())
    if len(title) < TITLE_MIN:
        rest = words[len(first) :].split()
        for word in rest:
            if len(title) >= TITLE_MIN:
                break
            title = f"{title} {word}".strip()
    title = sentence_case(cut_at_word(title, TITLE_TARGET))
    if len(title) < TITLE_MIN:
        label = f"@{handle} on X"
        title = f"{title} ({label})" if title else f"Question from {label}"
        if len(title) < TITLE_MIN:
            title = f"Question from @{handle} on X: {title}"
    return cut_at_word(title, TITLE_MAX)


def tweet_words(plain: str) -> str:
    """A mirrored post's words (as `markup.plain_text` reads its body) without the leading
    @mentions and the closing "— @handle on X" that `post_body` adds."""
    return _LEADING_MENTIONS_RE.sub("", _CREDIT_RE.sub("", plain))


def tweet_url(handle: str, tweet_id: int | str) -> str:
    """The tweet on x.com; the handle is percent-encoded, as a payload may put anything in it."""
    return f"https://x.com/{quote(handle, safe='')}/status/{tweet_id}"


def status_url(tweet_id: int | str) -> str:
    """The tweet on x.com when its author's handle is not known."""
    return f"https://x.com/i/web/status/{tweet_id}"


def markdown_handle(handle: str) -> str:
    """@handle as Markdown that shows exactly that: a handle from a payload is not trusted."""
    return "@" + _escape_words(" ".join(handle.split()), line_start=False)


def post_body(tweet: dict, handle: str, extra: str = "") -> str:
    """A question or answer body: the tweet's words, then where it came from."""
    words = markdown_literal(tweet_plain_text(tweet))
    credit = f"— [{markdown_handle(handle)} on X]({tweet_url(handle, tweet['id'])})"
    parts = [part for part in (words, extra, credit) if part]
    return "\n\n".join(parts)


def asks_something(tweet: dict) -> bool:
    """Whether the tweet's words, links aside, hold a question mark (of any script)."""
    words = _URL_RE.sub(" ", tweet_plain_text(tweet))
    return any(mark in words for mark in _QUESTION_MARKS)


def comment_body(tweet: dict, handle: str, quoted_id: int | None = None) -> str:
    """A comment body within the comment length limit, with a link to the tweet.

    A quote tweet's link to the tweet it quotes (`quoted_id`) is dropped: the
    comment sits under that very post.
    """
    credit = f" — [on X]({tweet_url(handle, tweet['id'])})"
    plain = tweet_plain_text(tweet)
    if quoted_id is not None:
        plain = re.sub(rf"https?://\S+/status/{quoted_id}(?![0-9])\S*", " ", plain)
    words = markdown_literal(" ".join(plain.split()))
    room = COMMENT_MAX - len(credit)
    if len(words) > room:
        words = cut_at_word(words, room).rstrip("\\")
    return (words or markdown_handle(handle)) + credit


def reply_text(handle: str, excerpt: str, link: str) -> str:
    """A reply tweet: @asker, as much of the answer as fits, then the link (23 characters on X)."""
    prefix = f"@{handle} " if handle else ""
    room = TWEET_MAX - len(prefix) - 1 - TCO_LENGTH
    return f"{prefix}{cut_at_word(' '.join(excerpt.split()), room)} {link}"
