"""Fixed vocabularies: roles, close reasons, audit actions and the like.

A term is stored and sent by its `value` and shown by its `label`. Each
vocabulary is one `Vocabulary` of terms, defined beside the rules that use
it, so adding a term or rewording a label is one line in one place.

Labels are marked for translation with Flask-Babel's `lazy_gettext`: the
vocabularies are built at import, and a lazy label is translated each time it
is shown, in the language of the request showing it (English outside one).
`label()` and `labels()` give plain strings; a template may show `term.label`
as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Label(Protocol):
    """A label as a term holds it: a str, or a lazy string (`lazy_gettext`) that becomes the
    reader's words when shown. Call `str()` on it before using it as a string."""

    def __str__(self) -> str: ...


@dataclass(frozen=True)
class Term:
    """One word of a vocabulary: `value` is what is stored and sent, `label` what people read."""

    value: str
    label: Label


TermT = TypeVar("TermT", bound=Term)


class Vocabulary(Generic[TermT]):
    """An ordered, fixed set of terms, looked up by value; `x in vocabulary` checks a value."""

    def __init__(self, *terms: TermT) -> None:
        self._terms = {term.value: term for term in terms}
        if len(self._terms) != len(terms):
            raise ValueError("a vocabulary lists each value once")

    def __iter__(self) -> Iterator[TermT]:
        return iter(self._terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._terms

    def __getitem__(self, value: str) -> TermT:
        return self._terms[value]

    def get(self, value: object) -> TermT | None:
        return self._terms.get(value) if isinstance(value, str) else None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._terms)

    def label(self, value: str) -> str:
        """The label of `value` in the reader's language; a value no longer listed reads as its words."""
        term = self._terms.get(value)
        return str(term.label) if term is not None else value.replace("_", " ")

    def labels(self) -> dict[str, str]:
        """Each value's label, in the reader's language (call it while handling the request)."""
        return {value: str(term.label) for value, term in self._terms.items()}

    def one_of(self) -> str:
        """The values for a "must be one of ..." message."""
        return ", ".join(self._terms)
