"""How counts read in words: "1 question", "3 questions", "1 reply", "2 replies"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, with the noun in the plural unless the count is exactly one.

    The plural is the noun plus "s" unless given ("reply" -> `plural="replies"`).
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
