"""`flask --app wsgi forum ...` commands: users, demo data, and maintenance."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.extensions import db
from forum.services import accounts
from forum.services.errors import DomainError

forum_cli = AppGroup("forum", help="Manage the forum.")
users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
forum_cli.add_command(users_cli)
forum_cli.add_command(demo_cli)


@users_cli.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["member", "staff", "moderator", "admin"]), default="member")
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
    """Load the demo community (idempotent: does nothing when it is already there)."""
    from forum.demo import load_demo_data

    created = load_demo_data(db.session, echo=click.echo)
    click.echo("demo data loaded" if created else "demo data already present; nothing to do")
