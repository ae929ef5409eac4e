"""`flask --app wsgi forum mirror ...`: run the Twitter mirror, deliver replies, claim a handle."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from forum.extensions import db
from forum.services.errors import DomainError

mirror_cli = AppGroup("mirror", help="The Twitter (X API v2) mirror.")


def _log_to_stderr() -> None:
    logger = logging.getLogger("forum.social")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


@mirror_cli.command("run")
@click.option("--once", is_flag=True, help="Poll once (waiting out a rate limit under 60 s), then stop.")
@click.option(
    "--source",
    "source_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Replay recorded X API v2 response pages (one JSON page a line) instead of polling.",
)
@click.option(
    "--pace",
    type=click.FloatRange(0, 60),
    default=0.0,
    help="With --source: seconds between tweets, so a replay can be watched arriving.",
)
def run_mirror(once: bool, source_file: Path | None, pace: float) -> None:
    """Mirror tweets matching FORUM_X_QUERY into forum threads."""
    from forum.social import brands, mirror

    _log_to_stderr()
    # The app itself, not the proxy, for the threads below; Flask types the proxy as Flask.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        brands.configured_ids(app)
    except brands.BrandSettingError as error:
        raise click.ClickException(str(error)) from error
    client = None
    if source_file is not None:
        source: mirror.Source = mirror.FileSource(source_file)
    else:
        if not app.config.get("X_BEARER_TOKEN"):
            raise click.ClickException("FORUM_X_BEARER_TOKEN is not set; the mirror cannot call the X API.")
        client = mirror.make_client(app)
        source = mirror.ApiSource(client, app.config["X_QUERY"])
    try:
        report = mirror.run(
            app,
            db.session,
            source,
            once=once or source_file is not None,
            client=client,
            pace=pace if source_file is not None else 0.0,
        )
    except mirror.StopMirror as stop:
        click.echo(f"mirror stopped: {stop}")
        return
    except KeyboardInterrupt:
        click.echo("mirror stopped")
        return
    click.echo(f"mirror: {report.summary()}")


@mirror_cli.command("claim")
@click.argument("handle")
@click.argument("username")
def claim(handle: str, username: str) -> None:
    """Give @HANDLE's mirrored posts to the forum user USERNAME (after checking they own it)."""
    from forum.services.accounts import find_user_by_name
    from forum.social import identities

    member = find_user_by_name(db.session, username)
    if member is None:
        raise click.ClickException(f"No user {username}.")
    try:
        identity = identities.claim_identity(db.session, member, identities.PROVIDER_TWITTER, handle)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"@{identity.handle} now belongs to {member.username}")
