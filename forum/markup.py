"""Markdown -> safe HTML, in one place.

markdown-it-py renders CommonMark (raw HTML is escaped, never passed
through), then nh3 (the Python binding of the Rust sanitizer ammonia, which
parses as a browser does with html5ever) cleans the result against an
allow-list. Link and image URLs are also checked here by `safe_url`, so the
rule for schemes (and for `javascript:123` or `host:8000`, which some
sanitizers read as a host and port) is ours and tested, not a library's
default. Every link gets rel="nofollow ugc noopener", replacing any it had.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
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
    if url.isascii() and url.isprintable() and " " not in url:
        compact = url  # nothing to remove: the common case, checked in C
    else:
        compact = "".join(ch for ch in url if not ch.isspace() and unicodedata.category(ch)[0] != "C")
    match = _SCHEME_RE.match(compact)
    if match:
        return match.group(1).lower() in schemes
    head = re.split(r"[/?#]", compact, maxsplit=1)[0]
    return ":" not in head and "\\" not in compact[:2]


def _allowed_attribute(tag: str, name: str, value: str) -> str | None:
    """The value to keep for an attribute the allow-list names, or None to drop it."""
    if tag == "a" and name == "href":
        return value if safe_url(value) else None
    if tag == "img" and name == "src":
        return value if safe_url(value, IMAGE_SCHEMES) else None
    if tag == "code" and name == "class":
        return value if _LANGUAGE_CLASS_RE.match(value) else None
    if name == "align":
        return value if value in _ALIGN_VALUES else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # Whatever a disallowed tag holds stays as text, except these, whose content is never text.
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "noembed", "noframes", "xmp"},
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "title"},
        "code": {"class"},
        "th": {"align"},
        "td": {"align"},
    },
    attribute_filter=_allowed_attribute,
    url_schemes=set(LINK_SCHEMES),
    strip_comments=True,
    link_rel=LINK_REL,
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
