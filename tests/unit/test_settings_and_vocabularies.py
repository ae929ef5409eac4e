"""Settings are declared in config.py with FORUM_* overrides; each vocabulary is one catalogue."""

from __future__ import annotations

import pytest

from config import load_config
from forum.models.user import ROLES
from forum.services import moderation
from forum.services.errors import Invalid

DESK_SETTINGS = ("FLAGS_TO_HIDE", "STAFF_CLAIM_SECONDS", "CURATION_MIN_AGE_DAYS")


def test_load_config_with_forum_variables_overrides_desk_and_flag_settings(monkeypatch):
    for name, value in zip(DESK_SETTINGS, ("4", "900", "3"), strict=True):
        monkeypatch.setenv(f"FORUM_{name}", value)
    monkeypatch.setenv("FORUM_SEARCH_DRAIN_AFTER_COMMIT", "0")
    settings = load_config("testing")
    assert [settings[name] for name in DESK_SETTINGS] == [4, 900, 3]
    assert settings["SEARCH_DRAIN_AFTER_COMMIT"] is False


def test_load_config_without_variables_declares_the_documented_defaults(monkeypatch):
    for name in (*DESK_SETTINGS, "SEARCH_DRAIN_AFTER_COMMIT"):
        monkeypatch.delenv(f"FORUM_{name}", raising=False)
    settings = load_config("testing")
    assert [settings[name] for name in DESK_SETTINGS] == [6, 600, 7]
    assert settings["SEARCH_DRAIN_AFTER_COMMIT"] is True


@pytest.mark.parametrize("role", ROLES.values)
def test_make_user_with_each_role_is_staff_as_the_catalogue_says(make_user, role):
    user = make_user(role)
    assert user.is_staff == ROLES[role].is_staff
    assert user.is_moderator == ROLES[role].moderates


def test_create_user_cli_with_unknown_role_is_refused_naming_the_catalogue(runner):
    command = "forum users create newbie --email n@example.com --password long-enough --role owner"
    result = runner.invoke(args=command.split())
    assert result.exit_code == 2
    for role in ROLES:
        assert role.value in result.output


def test_close_with_unknown_reason_is_refused_naming_the_catalogue(session, moderator, question):
    with pytest.raises(Invalid) as refused:
        moderation.close_question(session, moderator, question.id, "boring")
    assert refused.value.fields["reason"] == f"must be one of {', '.join(moderation.CLOSE_REASONS.values)}"
