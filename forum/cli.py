"""`flask --app wsgi forum ...` commands: users, demo data, and maintenance."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from forum.extensions import db
from forum.models.user import ROLES
from forum.search.cli import search_cli
from forum.services import accounts
from forum.services.errors import DomainError
from forum.social.commands import mirror_cli
from forum.wording import counted

forum_cli = AppGroup("forum", help="Manage the forum.")
users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
reputation_cli = AppGroup("reputation", help="The reputation ledger and its cached totals.")
counts_cli = AppGroup("counts", help="Scores, answer counts and tag counts.")
staff_cli = AppGroup("staff", help="The staff desk.")
live_cli = AppGroup("live", help="The stored live events behind the feed's catch-up.")
import_cli = AppGroup("import", help="Bring a community's history from elsewhere.")
searches_cli = AppGroup("searches", help="The search log behind the self-learning FAQ.")
faq_cli = AppGroup("faq", help="The self-learning FAQ.")
forum_cli.add_command(users_cli)
forum_cli.add_command(demo_cli)
forum_cli.add_command(reputation_cli)
forum_cli.add_command(counts_cli)
forum_cli.add_command(staff_cli)
forum_cli.add_command(live_cli)
forum_cli.add_command(mirror_cli)
forum_cli.add_command(search_cli)
forum_cli.add_command(import_cli)
forum_cli.add_command(searches_cli)
forum_cli.add_command(faq_cli)


@users_cli.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES.values), default="member")
def create_user(username: str, email: str, password: str, role: str) -> None:
    """Create a user with a role."""
    try:
        user = accounts.register_user(db.session, username, email, password, role)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"created {user.role} {user.username} (id {user.id})")


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo community, a replayed Twitter thread and moderation work (idempotent)."""
    from forum.demo import load_demo_data, load_moderation_demo
    from forum.demo.searches import load_search_demo
    from forum.services import faq
    from forum.social.demo import replay_demo

    created = load_demo_data(db.session, echo=click.echo)
    report = replay_demo(db.session)
    click.echo(
        f"replayed the demo Twitter conversations: {counted(report.fetched, 'tweet')},"
        f" mirrored {report.mirrored_words()}"
    )
    created = load_moderation_demo(db.session, echo=click.echo) or created
    created = load_search_demo(db.session, echo=click.echo) or created
    click.echo(f"faq: {counted(faq.refresh(db.session), 'entry', 'entries')}")
    db.session.commit()
    click.echo("demo data loaded" if created else "demo data already present; nothing to do")


def report_drift(lines: list[str], noun: str, fix: bool, mend) -> None:
    """Print up to 50 drifted items and `drift: N <noun>`; mend with --fix, else exit 1 on drift."""
    for line in lines[:50]:
        click.echo(f"  {line}")
    if len(lines) > 50:
        click.echo(f"  ... and {len(lines) - 50} more")
    click.echo(f"drift: {len(lines)} {noun}")
    if lines and fix:
        mend()
        db.session.commit()
        click.echo(f"fixed: {len(lines)} {noun}")
    elif lines:
        raise SystemExit(1)


@reputation_cli.command("recompute")
@click.option("--fix", is_flag=True, help="Mend the users whose cached reputation drifted.")
def recompute_reputation(fix: bool) -> None:
    """Compare each user's cached reputation with the ledger; exit 1 on drift unless --fix."""
    from sqlalchemy import func, select

    from forum.models import User
    from forum.services import reputation

    total = db.session.scalar(select(func.count()).select_from(User)) or 0
    with click.progressbar(length=total, label="checking users", file=sys.stderr) as bar:
        drift = reputation.find_drift(db.session, progress=bar.update)
    lines = [f"{d.username} (id {d.user_id}): cached {d.cached}, ledger says {d.ledger}" for d in drift]
    report_drift(lines, "users", fix, lambda: reputation.fix_drift(db.session, drift))


@counts_cli.command("recompute")
@click.option("--fix", is_flag=True, help="Mend the counters that drifted.")
def recompute_counts(fix: bool) -> None:
    """Compare scores, answer counts and tag counts with their rows; exit 1 on drift unless --fix."""
    from forum.services import recount

    drift = recount.find_counter_drift(db.session)
    lines = [f"{d.kind} of {d.row_id}: cached {d.cached}, actual {d.actual}" for d in drift]
    report_drift(lines, "counters", fix, lambda: recount.fix_counter_drift(db.session, drift))


@live_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="keep the events of this many days",
)
def prune_live_events(days: int) -> None:
    """Delete stored live events older than --days (catch-up only needs recent ones), for a cron job."""
    from forum.live import catchup

    pruned = catchup.prune(db.session, timedelta(days=days))
    db.session.commit()
    click.echo(f"pruned {pruned} live events older than {days} days")


@searches_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="keep the searches of this many days [default: FORUM_SEARCH_LOG_DAYS, 90]",
)
def prune_searches(days: int | None) -> None:
    """Forget logged searches (and their opened hits) past the retention period, for a cron job."""
    from flask import current_app

    from forum.services import search_log

    kept = days or current_app.config["SEARCH_LOG_DAYS"]
    pruned = search_log.prune(db.session, kept)
    db.session.commit()
    click.echo(f"pruned {pruned} searches older than {kept} days")


@faq_cli.command("refresh")
def refresh_faq() -> None:
    """Recompute the FAQ from recent demand (run it from cron)."""
    from forum.services import faq

    kept = faq.refresh(db.session)
    db.session.commit()
    click.echo(f"faq: {counted(kept, 'entry', 'entries')}")


@staff_cli.command("escalate")
def escalate_overdue() -> None:
    """Raise the questions unanswered past the target response time (each once), for a cron job."""
    from forum.services import staff

    raised = staff.escalate_overdue(db.session)
    db.session.commit()
    for question in raised:
        click.echo(f"  escalated {question.id}: {question.title}")
    click.echo(f"escalated: {len(raised)} questions")


@import_cli.command("stackexchange")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--site", help="The name the site's content is kept under (default: the directory's name).")
@click.option("--site-url", help="The site's address, e.g. https://quantumcomputing.stackexchange.com.")
@click.option(
    "--workers", type=click.IntRange(min=0),
    help="Processes converting bodies (0: none beside the importer; default: one per CPU for a big dump).",
)  # fmt: skip
def import_stackexchange(
    directory: Path, site: str | None, site_url: str | None, workers: int | None
) -> None:
    """Import a Stack Exchange data dump (idempotent: a second run adds nothing, a broken one resumes)."""
    from forum.importers import stackexchange

    def progress(label: str, total: int):
        return click.progressbar(length=total, label=f"reading {label}", file=sys.stderr)

    try:
        report = stackexchange.import_dump(
            db.session, directory, site, site_url, progress=progress, workers=workers
        )
    except stackexchange.DumpError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    for title, counts in (("imported", report.created), ("already there", report.existing)):
        counted = [f"{n} {what}" for what, n in sorted(counts.items()) if n]
        if counted:
            click.echo(f"{title}: " + ", ".join(counted))
    for reason, n in sorted(report.skipped.items()):
        click.echo(f"  skipped {n} {reason}")
    rate = report.posts / report.seconds if report.seconds else 0
    click.echo(f"site {report.site}: {report.posts} posts in {report.seconds:.1f}s ({rate:.0f} posts/s)")
    click.echo(f"search index: {report.search}")
