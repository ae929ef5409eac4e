"""Admin settings reach every process: the web worker that saved them at once, and any other
process (another worker, a `flask forum ...` command such as the mirror) within CACHE_SECONDS.
A second app on the same database stands for the other process."""

from __future__ import annotations

import click
import pytest

from forum import create_app
from forum.services import site_settings
from forum.services.permissions import has_privilege, thresholds
from tests.web.conftest import login, text_of


@pytest.fixture
def other_process(app):
    """Another process of the same forum: its own app, its own cache, the same database."""
    return create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INDEX_DIR": app.config["INDEX_DIR"],
        },
    )


def save_flag_threshold(app, session, admin, value: int) -> None:
    site_settings.set_thresholds(session, admin, {"flag": value}, site_settings.config_defaults(app))
    session.commit()


def test_settings_page_after_admin_change_shows_it_at_once_in_the_saving_process(
    app, client, admin, make_user, answered_question
):
    flagger = make_user("member", 20)
    assert thresholds()["flag"] == 15  # read, so the process holds the old value
    login(client, admin)
    client.post("/admin/settings", data={**site_settings.config_defaults(app), "flag": "30"})
    assert thresholds()["flag"] == 30
    client.post("/logout")
    login(client, flagger)
    page = client.get(f"/questions/{answered_question.id}", follow_redirects=True)
    assert "You need 30 reputation to flag posts; you have 20." in text_of(page.text)


def test_cli_command_after_admin_change_reads_the_new_threshold(
    app, session, admin, make_user, other_process
):
    flagger = make_user("member", 20)
    save_flag_threshold(app, session, admin, 30)
    flagger_id = flagger.id

    @other_process.cli.command("flag-threshold")
    def flag_threshold() -> None:
        from forum.extensions import db
        from forum.models import User

        user = db.session.get(User, flagger_id)
        click.echo(f"flag needs {thresholds()['flag']}; may flag: {has_privilege(user, 'flag')}")

    result = other_process.test_cli_runner().invoke(args=["flag-threshold"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "flag needs 30; may flag: False"


def test_other_process_after_admin_change_reads_it_within_cache_seconds(
    app, session, admin, other_process, monkeypatch
):
    with other_process.app_context():
        assert thresholds()["flag"] == 15
    save_flag_threshold(app, session, admin, 30)
    with other_process.app_context():
        assert thresholds()["flag"] == 15  # its copy is younger than CACHE_SECONDS
    monkeypatch.setattr(site_settings, "CACHE_SECONDS", 0.0)  # time passes
    with other_process.app_context():
        assert thresholds()["flag"] == 30


def test_admin_change_rolled_back_is_never_read(app, session, admin):
    site_settings.set_thresholds(session, admin, {"flag": 30}, site_settings.config_defaults(app))
    assert thresholds()["flag"] == 15
    session.rollback()
    site_settings.forget_cached()
    assert thresholds()["flag"] == 15
