"""Markdown -> safe HTML, in one place.

markdown-it-py renders CommonMark (raw HTML is escaped, never passed
through), then bleach cleans the result against an allow-list. Link and
image URLs are checked here rather than by bleach alone, because bleach
reads `javascript:123` or `host:8000` as a host and port and lets them pass.
Every link gets rel="nofollow ugc noopener".
"""

from __future__ import annotations

import html
import re
import unicodedata

import bleach
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # vendored html5lib's, not in the stubs
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "pre", "code", "blockquote", "em", "strong", "del", "s",
    "sup", "sub", "a", "img", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
    "h6", "table", "thead", "tbody", "tr", "th", "td", "kbd",
})  # fmt: skip
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener"

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_LANGUAGE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#\-]{1,30}$")
_ALIGN_VALUES = frozenset({"left", "right", "center"})

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])


def safe_url(url: str, schemes: frozenset[str] = LINK_SCHEMES) -> bool:
    """True when `url` is relative or uses one of `schemes`.

    Browsers ignore whitespace and control characters inside a scheme, so
    those are removed before looking; anything with a colon before the first
    slash, question mark or hash is a scheme and must be on the list.
    """
    compact = "".join(ch for ch in url if not ch.isspace() and unicodedata.category(ch)[0] != "C")
    match = _SCHEME_RE.match(compact)
    if match:
        return match.group(1).lower() in schemes
    head = re.split(r"[/?#]", compact, maxsplit=1)[0]
    return ":" not in head and "\\" not in compact[:2]


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        if name == "href":
            return safe_url(value)
        return name == "title"
    if tag == "img":
        if name == "src":
            return safe_url(value, IMAGE_SCHEMES)
        return name in ("alt", "title")
    if tag == "code" and name == "class":
        return bool(_LANGUAGE_CLASS_RE.match(value))
    if tag in ("th", "td") and name == "style":
        return False
    if tag in ("th", "td") and name == "align":
        return value in _ALIGN_VALUES
    return False


class _LinkRelFilter(Filter):
    """Sets rel on every link, replacing whatever came in."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token.get("data") or {})
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=LINK_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)


def _align_from_style(html: str) -> str:
    # markdown-it writes table alignment as style="text-align:x"; keep it as align.
    return re.sub(r'<(t[hd]) style="text-align:(left|right|center)">', r'<\1 align="\2">', html)


def clean_html(html: str) -> str:
    """Clean any HTML against the allow-list."""
    return _cleaner.clean(html)


def render(markdown_source: str) -> str:
    """Render a post or comment body to HTML that is safe to embed."""
    return clean_html(_align_from_style(_markdown.render(markdown_source)))


def plain_text(markdown_source: str) -> str:
    """The words of a body without markup, for snippets, titles and the index.

    Plain text, not HTML: entities are decoded, so escape it wherever it is embedded.
    """
    return text_of_html(render(markdown_source))


_TAG_RE = re.compile(r"</?([A-Za-z0-9]*)[^>]*>")
# An inline element's words run on into what follows ("a <a>link</a>." reads "a link."); every
# other tag (paragraph, list item, line break, cell) separates words.
_INLINE_TAGS = frozenset({"a", "code", "del", "em", "kbd", "s", "strong", "sub", "sup"})


def _tag_gap(match: re.Match[str]) -> str:
    return "" if match.group(1).lower() in _INLINE_TAGS else " "


def text_of_html(clean: str) -> str:
    """The words of HTML that `render` produced (clean, so its tags strip as plain text)."""
    return " ".join(html.unescape(_TAG_RE.sub(_tag_gap, clean or "")).split())
