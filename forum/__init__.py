"""The forum: a Q&A community service. `create_app` wires it together."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application for `config_name` (default FORUM_ENV), with `overrides` on top."""
    from config import INSTANCE_DIR, load_config
    from forum import setup

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_mapping(load_config(config_name))
    app.config.from_mapping(overrides or {})
    setup.check_secret_key(app)
    setup.init_extensions(app)
    setup.register_blueprints(app)
    setup.register_live(app)
    setup.register_request_hooks(app)
    setup.register_template_helpers(app)
    setup.register_commands(app)
    subscribe_to_changes()
    return app


def subscribe_to_changes() -> None:
    """What happens after a post, comment, vote or acceptance changes (forum/changes.py)."""
    from forum import changes
    from forum.live.events import store_events
    from forum.pagecache import bump_generation
    from forum.search.outbox import record_changes
    from forum.social.replyback import queue_staff_answers

    changes.subscribe(
        as_written=[
            record_changes,  # the search outbox; the index catches up after the commit
        ],
        at_commit=[
            store_events,  # the live feed: stored events, sent to open browsers after the commit
            queue_staff_answers,  # reply-back: a staff answer on a mirrored thread becomes a tweet
            bump_generation,  # the page cache: every kept page is now older
        ],
    )
