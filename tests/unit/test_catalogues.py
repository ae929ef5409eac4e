"""The interface's catalogues (forum/translations): complete, settled and compilable.

Every string the code and templates mark for translation (what `make messages` extracts)
must be in each language's catalogue, translated, not fuzzy, with the same placeholders.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from forum.i18n import DEFAULT, LANGUAGES, TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = ["-k", "lazy_gettext", "-k", "_l", "-k", "lazy_ngettext:1,2"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The msgids of everything marked for translation, as `make messages` gathers them."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with pot.open("rb") as file:
        return {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(file)
            if message.id
        }


def catalogue(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=code)


TRANSLATED = [code for code in LANGUAGES.values if code != DEFAULT]


def test_marked_strings_exist_to_translate(extracted):
    assert len(extracted) > 20  # the extraction itself works (babel.cfg, keywords)


def translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_for_each_language_has_every_marked_string_translated(code, extracted):
    found = catalogue(code)
    missing = sorted(
        msgid for msgid in extracted if found.get(msgid) is None or not translated(found.get(msgid))
    )
    assert missing == [], f"{len(missing)} strings untranslated in {code}: {missing[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_for_each_language_is_settled_and_compiles(code):
    found = catalogue(code)
    assert not found.fuzzy, f"the {code} catalogue's header is marked fuzzy"
    assert [m.id for m in found if m.id and m.fuzzy] == []
    problems = [(message.id, [str(error) for error in errors]) for message, errors in found.check()]
    assert problems == []  # placeholders and plural forms agree with the source
    write_mo(io.BytesIO(), found)
