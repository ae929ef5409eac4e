"""The page forms: CSRF protection and field transport.

The rules for what a field may hold live in forum/services/validation.py;
these forms only carry the values (with the browser-side `maxlength` hints)
and receive the services' messages through `helpers.show_invalid`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from forum import i18n
from forum.services import validation as rules


def _limits(low: int, high: int) -> dict:
    return {"minlength": low, "maxlength": high}


class SignupForm(FlaskForm):
    username = StringField(
        _l("Username"),
        render_kw={**_limits(rules.USERNAME_MIN, rules.USERNAME_MAX), "autocomplete": "username"},
        description=_l("3 to 30 letters, digits, _ - or ."),
    )
    email = EmailField(
        _l("Email"),
        render_kw={"maxlength": rules.EMAIL_MAX, "autocomplete": "email"},
        description=_l("Never shown to other people."),
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"minlength": rules.PASSWORD_MIN, "autocomplete": "new-password"},
        description=lazy_ngettext(
            "At least %(num)d character.", "At least %(num)d characters.", rules.PASSWORD_MIN
        ),
    )
    next = HiddenField()


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


def _post_language() -> SelectField:
    """What a new post is written in: the interface's languages, each under its own name; the
    reader's interface language first chosen. An edit keeps the language the post has."""
    choices = [SelectChoice(term.value, str(term.label), {"lang": term.value}) for term in i18n.LANGUAGES]
    return SelectField(_l("Language"), choices=choices, default=i18n.language)


class AskForm(FlaskForm):
    title = StringField(
        _l("Title"),
        render_kw={**_limits(rules.TITLE_MIN, rules.TITLE_MAX), "autocomplete": "off"},
        description=_l("Say what you need in one sentence, as if asking a colleague."),
    )
    body = TextAreaField(
        _l("Body"),
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 12},
        description=_l(
            "What you tried and what happened. Markdown works: **bold**, `code`, "
            "[link](https://example.com), and code blocks indented by four spaces."
        ),
    )
    tags = StringField(
        _l("Tags"),
        render_kw={"maxlength": 200, "autocomplete": "off", "placeholder": _l("e.g. router wifi")},
        description=_l("1 to 5 tags separated by spaces: a-z, 0-9 and . + # -"),
    )
    language = _post_language()


class EditQuestionForm(AskForm):
    language = None  # type: ignore[assignment]
    summary = StringField(
        _l("Edit summary"),
        render_kw={"maxlength": 300},
        description=_l("Optional: what you changed and why."),
    )


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("Your answer"),
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 8},
        description=_l("Markdown works: **bold**, `code`, [link](https://example.com)."),
    )
    language = _post_language()


class EditAnswerForm(AnswerForm):
    language = None  # type: ignore[assignment]
    body = TextAreaField(
        _l("Answer"),
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 12},
        description=_l("Markdown works: **bold**, `code`, [link](https://example.com)."),
    )
    summary = StringField(
        _l("Edit summary"),
        render_kw={"maxlength": 300},
        description=_l("Optional: what you changed and why."),
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        render_kw={**_limits(rules.COMMENT_MIN, rules.COMMENT_MAX), "rows": 2},
        description=lazy_ngettext(
            "%(low)d to %(num)d character; ask for detail or suggest an improvement.",
            "%(low)d to %(num)d characters; ask for detail or suggest an improvement.",
            rules.COMMENT_MAX,
            low=rules.COMMENT_MIN,
        ),
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        render_kw={"maxlength": 80, "placeholder": _l("e.g. my laptop script")},
        description=_l("A note to help you recognise it later."),
    )


class RevokeForm(FlaskForm):
    pass
