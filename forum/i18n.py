"""The interface's languages, through Flask-Babel: which one a request gets, and its direction.

The forum speaks English (the source), Greek, Czech, Slovak and Persian. A
request gets, in this order (DESIGN.md, Languages): the signed-in user's saved
`language`, the `lang` cookie that the footer's switcher sets, the browser's
`Accept-Language`, English. Persian reads right to left: `<html dir="rtl">`.

Catalogues live in forum/translations/<code>/LC_MESSAGES/messages.po; `make
install` compiles them (`pybabel compile`), and tests/unit/test_catalogues.py
fails when any string the code or templates use is missing from one, or is
fuzzy. README, "Adding a language", says how to add a sixth.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from forum.vocabulary import Term, Vocabulary

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DEFAULT = "en"
# Each language under its own name, as a reader looks for it in a switcher.
LANGUAGES = Vocabulary(
    Term("en", "English"),
    Term("el", "Ελληνικά"),
    Term("cs", "Čeština"),
    Term("sk", "Slovenčina"),
    Term("fa", "فارسی"),
)
RIGHT_TO_LEFT = frozenset({"fa"})
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600

babel = Babel()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_language)
    # Flask-Babel keeps the chosen language on the app context; a request always chooses
    # afresh (a test or a command may hold one app context around many requests).
    app.before_request(refresh)
    app.add_template_global(language, "current_language")
    app.add_template_global(direction, "text_direction")
    app.jinja_env.globals["languages"] = LANGUAGES


def supported(code: object) -> str | None:
    """`code` when the interface speaks it ("el", or "el-GR" as "el"), else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def select_language() -> str:
    """The language of this request's interface (see the module's docstring for the order).

    Outside a request (CLI commands, the mirror worker) it is English.
    """
    if not has_request_context():
        return DEFAULT
    user = current_user
    if user is not None and user.is_authenticated and (saved := supported(getattr(user, "language", None))):
        return saved
    if chosen := supported(request.cookies.get(COOKIE)):
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES.values), default=DEFAULT) or DEFAULT


def language() -> str:
    """The code of the language this request is answered in."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def direction() -> str:
    return "rtl" if language() in RIGHT_TO_LEFT else "ltr"
