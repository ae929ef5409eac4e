"""How counts read in words: "1 question", "3 questions", "1 reply", "2 replies"."""

from __future__ import annotations

from flask_babel import ngettext


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, in the form the count takes: "1 reply", "2 replies".

    The plural is the noun plus "s" unless given ("reply" -> `plural="replies"`).
    The form is chosen by `ngettext` on the pair "%(num)d <noun>" / "%(num)d <plural>",
    so a language with more plural forms (Czech, Slovak) picks the right one once the
    pair is in its catalogue. Today's callers are the CLI and the mirror's report,
    which speak English (forum/i18n.py); text a person reads on a page marks its own
    `ngettext` pairs instead, where extraction finds them. Outside a request the
    English forms are used.
    """
    singular = "%(num)d " + noun.replace("%", "%%")
    several = "%(num)d " + (plural or noun + "s").replace("%", "%%")
    return ngettext(singular, several, count)
