"""The search box parser: operators, injection attempts and malformed input read as words."""

from __future__ import annotations

import pytest

from forum.search.query import MAX_CLAUSES, parse


def test_parse_operators_fill_their_fields():
    parsed = parse('router "reset button" [wifi] user:alice is:answer isaccepted:yes score:3 staff:yes -old')
    assert parsed.words == ["router"]
    assert parsed.phrases == ["reset button"]
    assert parsed.tags == ["wifi"]
    assert parsed.user == "alice"
    assert parsed.kind == "answer"
    assert parsed.is_accepted is True
    assert parsed.min_score == 3
    assert parsed.staff is True
    assert parsed.excluded_words == ["old"]


@pytest.mark.parametrize(
    "text",
    [
        "title:secret",
        "body:*",
        "id:1 OR kind:answer",
        "fingerprint:abc",
        "author:alice",
    ],
)
def test_parse_whoosh_field_names_are_read_as_words(text):
    parsed = parse(text)
    assert parsed.user is None and parsed.kind is None
    assert parsed.words == [text.split()[0]] + (text.split()[1:] if " " in text else [])


@pytest.mark.parametrize(
    "text", ["a*", "*", "te?t", "word~2", "[a TO z]", "(unbalanced", 'open "quote', "\\", "score:lots"]
)
def test_parse_malformed_or_wildcard_text_never_raises_and_expands_nothing(text):
    parts = parse(text).plan()
    if parts is not None:
        plan, narrowing = parts
        clauses = plan.required + plan.optional + plan.excluded
        # Each clause is one literal index term (or a run of them): nothing left to expand.
        for clause in clauses:
            for term in clause.phrase or (clause.term,):
                assert term and not set(term) & set('*?~[]()"\\:'), clause
        assert narrowing is None


def test_parse_unclosed_quote_runs_to_the_end():
    assert parse('printer "blank pages').phrases == ["blank pages"]


def test_parse_invalid_operator_values_are_words():
    parsed = parse("answers:many is:everything staff:maybe")
    assert parsed.answers is None and parsed.kind is None and parsed.staff is None
    assert parsed.words == ["answers:many", "is:everything", "staff:maybe"]


def test_parse_caps_the_number_of_clauses():
    parsed = parse(" ".join(f"w{i}" for i in range(200)))
    assert len(parsed.words) == MAX_CLAUSES


def test_parse_non_string_input_is_an_empty_query():
    assert parse(None).plan() is None
    assert parse(["a"]).plan() is None
