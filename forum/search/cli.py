"""`flask forum search rebuild|check|drain`: maintain the index from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from forum import search
from forum.extensions import db
from forum.models import Post

search_cli = AppGroup("search", help="The full-text search index.")


def _post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post)) or 0


@search_cli.command("rebuild")
def rebuild_index() -> None:
    """Index every post into a new index and swap it in (the old one serves until then)."""
    with click.progressbar(length=_post_count(), label="indexing posts", file=sys.stderr) as bar:
        report = search.rebuild(db.session, progress=bar.update)
    rate = report.documents / report.seconds if report.seconds else 0
    click.echo(f"indexed {report.documents} documents in {report.seconds:.1f}s ({rate:.0f}/s)")


@search_cli.command("check")
def check_index() -> None:
    """Report documents missing from the index or stale in it; exit 1 if there are any."""
    try:
        with click.progressbar(length=_post_count(), label="checking posts", file=sys.stderr) as bar:
            report = search.check(db.session, progress=bar.update)
    except search.SearchUnavailable as error:
        click.echo(f"the search index is {error.reason}: run `flask forum search rebuild`")
        raise SystemExit(1) from error
    for label, ids in (("missing", report.missing), ("stale", report.stale), ("orphaned", report.orphaned)):
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")
            click.echo(f"  {label}: {shown}")
    click.echo(
        f"missing: {len(report.missing)}, stale: {len(report.stale)}, orphaned: {len(report.orphaned)} "
        f"({report.documents} documents indexed, {report.pending} changes queued)"
    )
    if not report.ok:
        raise SystemExit(1)


@search_cli.command("drain")
def drain_outbox() -> None:
    """Apply the queued changes now (they are normally applied after each commit)."""
    applied = search.catch_up(db.session)
    click.echo(f"applied {applied} queued changes")
