"""The page forms: CSRF protection and field transport.

The rules for what a field may hold live in forum/services/validation.py;
these forms only carry the values (with the browser-side `maxlength` hints)
and receive the services' messages through `helpers.show_invalid`.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TextAreaField

from forum.services import validation as rules


def _limits(low: int, high: int) -> dict:
    return {"minlength": low, "maxlength": high}


class SignupForm(FlaskForm):
    username = StringField(
        "Username",
        render_kw={**_limits(rules.USERNAME_MIN, rules.USERNAME_MAX), "autocomplete": "username"},
        description="3 to 30 letters, digits, _ - or .",
    )
    email = EmailField(
        "Email",
        render_kw={"maxlength": rules.EMAIL_MAX, "autocomplete": "email"},
        description="Never shown to other people.",
    )
    password = PasswordField(
        "Password",
        render_kw={"minlength": rules.PASSWORD_MIN, "autocomplete": "new-password"},
        description=f"At least {rules.PASSWORD_MIN} characters.",
    )
    next = HiddenField()


class LoginForm(FlaskForm):
    username = StringField("Username", render_kw={"autocomplete": "username"})
    password = PasswordField("Password", render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


class AskForm(FlaskForm):
    title = StringField(
        "Title",
        render_kw={**_limits(rules.TITLE_MIN, rules.TITLE_MAX), "autocomplete": "off"},
        description="Say what you need in one sentence, as if asking a colleague.",
    )
    body = TextAreaField(
        "Body",
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 12},
        description="What you tried and what happened. Markdown works: **bold**, `code`, "
        "[link](https://example.com), and code blocks indented by four spaces.",
    )
    tags = StringField(
        "Tags",
        render_kw={"maxlength": 200, "autocomplete": "off", "placeholder": "e.g. router wifi"},
        description="1 to 5 tags separated by spaces: a-z, 0-9 and . + # -",
    )


class EditQuestionForm(AskForm):
    summary = StringField(
        "Edit summary",
        render_kw={"maxlength": 300},
        description="Optional: what you changed and why.",
    )


class AnswerForm(FlaskForm):
    body = TextAreaField(
        "Your answer",
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 8},
        description="Markdown works: **bold**, `code`, [link](https://example.com).",
    )


class EditAnswerForm(AnswerForm):
    body = TextAreaField(
        "Answer",
        render_kw={**_limits(rules.BODY_MIN, rules.BODY_MAX), "rows": 12},
        description="Markdown works: **bold**, `code`, [link](https://example.com).",
    )
    summary = StringField(
        "Edit summary",
        render_kw={"maxlength": 300},
        description="Optional: what you changed and why.",
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        render_kw={**_limits(rules.COMMENT_MIN, rules.COMMENT_MAX), "rows": 2},
        description=f"{rules.COMMENT_MIN} to {rules.COMMENT_MAX} characters; "
        "ask for detail or suggest an improvement.",
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        render_kw={"maxlength": 80, "placeholder": "e.g. my laptop script"},
        description="A note to help you recognise it later.",
    )


class RevokeForm(FlaskForm):
    pass
