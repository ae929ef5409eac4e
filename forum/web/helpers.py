"""What pages share: template helpers, safe redirects, form errors.

Templates ask `may` / `why_not` (the one permission question, for the
signed-in viewer) and use `post_url`, `timeago` and `retry_after_seconds`;
forum/setup.py hands them to every template. Views use `safe_next`,
`login_redirect` and `show_invalid` so that refusals and bad input read
the same on every page.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal
from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import ValidationError

from forum import clock, markup
from forum.extensions import db, limiter
from forum.i18n import DEFAULT as DEFAULT_LANGUAGE
from forum.models import Comment, Post, PostRevision
from forum.pagecache import request_memo
from forum.services.errors import DomainError, Invalid
from forum.services.permissions import refusal
from forum.services.transactions import retrying
from forum.social.text import tweet_words

_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_JOIN = re.compile(r"[\s_-]+")


def slugify(text: str | None, max_length: int = 80) -> str:
    """A URL-friendly version of a title; keeps letters of every script."""
    normal = unicodedata.normalize("NFKC", text or "").lower()
    slug = _SLUG_JOIN.sub("-", _SLUG_DROP.sub("", normal)).strip("-")
    return slug[:max_length].rstrip("-") or "question"


def question_url(question: Post, **values) -> str:
    return url_for("questions.show", question_id=question.id, slug=slugify(question.title), **values)


def check_open_form() -> None:
    """A form anyone may send, signed in or not, on pages kept whole for anonymous readers:
    refuse a cross-site request (the browser's Origin and Sec-Fetch-Site say where the form
    came from), and for a signed-in user also check the CSRF token. A reader who is not signed
    in has no session to tie a token to, and kept pages carry none."""
    origin = request.headers.get("Origin")
    if (origin is not None and origin != request.host_url.rstrip("/")) or request.headers.get(
        "Sec-Fetch-Site"
    ) == "cross-site":
        abort(403)
    if current_user.is_authenticated:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as error:
            raise CSRFError(str(error)) from error  # the usual "form expired" page


def post_url(post: Post) -> str:
    """Where a post is read: a question's page, or an answer's place in its thread."""
    if post.is_question:
        return question_url(post)
    return question_url(post.thread, _anchor=f"answer-{post.id}")


# CLDR's default digits for the languages whose default is not Latin (Persian: arabext).
# Babel formats with Latin digits and says which system the locale prefers; browsers'
# Intl already writes these digits, so the server's text matches what app.js writes.
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def _locale() -> Locale:
    """The request's locale (English outside a request)."""
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def local_digits(text: str, locale: Locale | None = None) -> str:
    """`text` with its ASCII digits in the digits CLDR gives the locale by default."""
    digits = _DIGITS.get((locale or _locale()).default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def number(value: int | float | None) -> str:
    """A count as the reader's language writes it: 1,234 in English, 1.234 in Greek, ۱٬۲۳۴ in Persian.

    Babel directly rather than flask_babel.format_decimal, which cannot ask for the
    locale's own numbering system (its separators) and so would print "1,234" in Persian.
    """
    if value is None:
        return ""
    locale = _locale()
    return local_digits(format_decimal(value, locale=locale, numbering_system="default"), locale)


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """'just now', '3 minutes ago', '2 hours ago', '5 days ago', '2 weeks ago', then the date,
    in the request's language (CLDR's words through Babel, digits too).

    "just now" is the forum's own phrase, so it goes through the catalogue; CLDR has none.
    static/js/app.js applies the same steps in the browser every minute (Intl.RelativeTimeFormat).
    """
    locale = _locale()
    seconds = int(((now or clock.now()) - moment).total_seconds())
    if seconds < 45:
        return _("just now")
    minutes = max(1, seconds // 60)
    if minutes < 60:
        step = timedelta(minutes=minutes)
    elif seconds < 86400:
        step = timedelta(hours=seconds // 3600)
    elif seconds < 30 * 86400:
        step = timedelta(days=seconds // 86400)  # 7 days and more: Babel says weeks
    else:
        return local_digits(format_date(moment, "medium", locale=locale), locale)
    text = format_timedelta(-step, threshold=1, add_direction=True, format="long", locale=locale)
    return local_digits(text, locale)


def exact_time(moment: datetime) -> str:
    """'2024-05-01 08:30 UTC': the exact moment, written with the reader's digits."""
    locale = _locale()
    return local_digits(format_datetime(moment, "yyyy-MM-dd HH:mm 'UTC'", locale=locale), locale)


def timeago(moment: datetime | None) -> Markup:
    """A <time> element: machine-readable UTC, exact time on hover, relative text."""
    if moment is None:
        return Markup("")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        clock.iso(moment), exact_time(moment), relative_time(moment)
    )


def safe_next(target: object) -> str | None:
    """`target` when it is a path on this site, otherwise None.

    Browsers read a backslash as a slash and drop tabs and newlines, so
    `/\\host` and `/\\t/host` would leave the site: anything like that is refused.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def login_redirect(next_path: str, message: str | None = None) -> Response:
    """Send a signed-out visitor to log in, coming back to `next_path` afterwards."""
    flash(message or _("Log in to do that."), "info")
    return redirect(url_for("auth.login", next=safe_next(next_path) or "/"))


def field_message(label: str, message: str) -> str:
    """'Title' + 'must be at least 15 characters' -> a sentence a person reads."""
    if message.startswith(("is ", "must ", "are ", "and ", "may ")):
        sentence = f"{label} {message}"
    else:
        sentence = message[:1].upper() + message[1:]
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def show_invalid(form: FlaskForm, error: Invalid) -> None:
    """Put each of the service's field messages next to the matching form field."""
    unplaced = []
    for name, message in error.fields.items():
        field = form._fields.get(name)
        if field is None:
            unplaced.append(f"{name}: {message}")
        else:
            field.errors = [*field.errors, field_message(field.label.text, message)]
    form.form_errors = [*form.form_errors, *unplaced]


def retry_after_seconds() -> int | None:
    """Seconds until the rate limit that refused this request lets it through."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def excerpt(body: str, length: int = 180) -> str:
    """The first words of a Markdown body as plain text, cut at a word."""
    return _cut(markup.plain_text(body), length)


def question_excerpt(question: Post, length: int = 180) -> str:
    """What a list row shows under a question's title: the body's first words, never the title
    again (empty when the body says no more than the title). A mirrored tweet also loses its
    leading @mentions and its closing "— @handle on X": the row shows where it came from."""
    text = markup.plain_text(question.body)
    if question.source == "twitter":
        text = tweet_words(text)
    title = " ".join((question.title or "").split())
    head = title.removesuffix("…").rstrip()
    if head and text[: len(head)].casefold() == head.casefold():
        rest = text[len(head) :].lstrip(" .,;:!?")
        # A title cut short ends mid-sentence: the excerpt says it goes on.
        text = "…" + rest if rest and title.endswith("…") else rest
    return _cut(text, length)


def viewer_refusal(action: str, post: Post | Comment | None = None, reason: str | None = None):
    """`refusal` for the signed-in viewer, asked once per request and question: a thread page
    asks the same few things of each post from several templates."""
    memo = request_memo().setdefault("refusals", {})
    key = (action, type(post).__name__, post.id if post is not None else None, reason)
    if key not in memo:
        memo[key] = refusal(current_user, action, post, reason=reason)
    return memo[key]


def may(action: str, post: Post | Comment | None = None, reason: str | None = None) -> bool:
    """Whether the signed-in viewer may do `action` (on `post`): what the service would answer."""
    return viewer_refusal(action, post, reason) is None


def why_not(action: str, post: Post | Comment | None = None, reason: str | None = None) -> str | None:
    """The viewer's refusal for `action` in words (why, and what unlocks it), or None when they may."""
    error = viewer_refusal(action, post, reason)
    return None if error is None else error.message


def current_path() -> dict:
    """`here`, for "log in" links and the language switcher, which bring the visitor back where
    they were. A `next` in the address that would leave the site is left out, so no page ever
    repeats it."""
    if safe_next(request.args.get("next", "/")) is None:
        kept = [(key, value) for key, value in request.args.items(multi=True) if key != "next"]
        return {"here": request.path + (f"?{urlencode(kept)}" if kept else "")}
    return {"here": request.full_path.rstrip("?")}


def form_back(default: str) -> str:
    """Where a moderation or staff form returns to: its own `next` when local, else `default`."""
    return safe_next(request.form.get("next")) or default


def act_and_return(work: Callable[[], object], done: str, back: str) -> Response:
    """Run one service call and commit; say what happened (or why not) and go back.

    A refusal of who you are (401/403) is raised to become its own page rather
    than a note on the page the form came from.
    """
    try:
        retrying(db.session, work)
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(back)


# Summaries the forum writes on a revision itself (forum/services/posting.py, the demo's
# retag); any other summary is what the editor typed, shown as they wrote it.
AUTOMATIC_SUMMARIES = {
    "asked": _l("asked"),
    "answered": _l("answered"),
    "edited": _l("edited"),
    "retagged": _l("retagged"),
}


def revision_summary(revision: PostRevision) -> Markup:
    """A revision's summary for people: the forum's own words translated, an editor's kept."""
    if not revision.summary:
        return Markup.escape(_("original") if revision.number == 1 else _("edited"))
    if revision.summary in AUTOMATIC_SUMMARIES:
        return Markup.escape(str(AUTOMATIC_SUMMARIES[revision.summary]))
    return Markup('<span dir="auto">{}</span>').format(revision.summary)


def person(name: str) -> Markup:
    """A person's name inside a translated sentence: isolated, since it may run right to left."""
    return Markup('<bdi dir="auto">{}</bdi>').format(name)
