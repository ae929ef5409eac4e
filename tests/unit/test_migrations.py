"""The migrations build exactly the schema the models describe, and go back down cleanly.

This module runs on the schema `flask db upgrade` built, on SQLite and on
PostgreSQL (tests/conftest.py, MIGRATED_SCHEMA_TESTS). Alembic's comparison
covers tables, columns, types, keys and plain indexes; it cannot see SQLite's
expression indexes, nor triggers anywhere, so those are checked by name.
"""

from __future__ import annotations

import re
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from forum.extensions import include_object
from forum.models import Post, Tag
from forum.models.audit_triggers import AUDIT_TRIGGERS
from forum.services import posting
from forum.services.recount import find_counter_drift
from tests.conftest import LONG_BODY


def schema_drift(db) -> list:
    """What `flask db check` reports: the changes the models want that the database lacks."""
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes and says so; they are checked by name below.
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return compare_metadata(context, db.metadata)


def index_names(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        return set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))
    inspector = inspect(connection)
    return {index["name"] for table in inspector.get_table_names() for index in inspector.get_indexes(table)}


def trigger_names(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        return set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return set(connection.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))


def missing_indexes_and_triggers(db) -> set[str]:
    """The models' indexes and the audit log's triggers that the database lacks, by name."""
    with db.engine.connect() as connection:
        triggers = re.findall(r"CREATE TRIGGER (\w+)", " ".join(AUDIT_TRIGGERS[connection.dialect.name]))
        assert triggers
        wanted = {str(index.name) for table in db.metadata.tables.values() for index in table.indexes}
        return (wanted | set(triggers)) - index_names(connection) - trigger_names(connection)


def test_migrated_schema_matches_the_models(db):
    assert schema_drift(db) == []
    assert missing_indexes_and_triggers(db) == set()


@pytest.mark.slow
def test_migrations_go_down_to_nothing_and_up_again_to_the_models(db, flask_db):
    flask_db("downgrade", "base")
    assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
    flask_db("upgrade")
    assert schema_drift(db) == []
    assert missing_indexes_and_triggers(db) == set()


def ask_as_before_0011(db, asker, title: str, tags: list[str], source: str):
    """A question tagged as the mirror tagged its questions before migration 0011."""
    return posting.ask_question(db.session, asker, title, LONG_BODY, tags, source=source).id


def upgrade_over_0011(flask_db) -> None:
    flask_db("downgrade", "0010")
    flask_db("upgrade")


@pytest.mark.slow
def test_upgrade_over_mirrored_questions_takes_off_the_twitter_tag_and_keeps_counts_true(
    db, flask_db, make_user
):
    asker = make_user()
    mirrored = ask_as_before_0011(db, asker, "Router reboots every night", ["twitter", "router"], "twitter")
    only_tag = ask_as_before_0011(db, asker, "Order says delivered, no box", ["twitter"], "twitter")
    web = ask_as_before_0011(db, asker, "Can I log in with my Twitter account?", ["twitter"], "web")
    db.session.commit()

    upgrade_over_0011(flask_db)

    tags_of = {post_id: db.session.get(Post, post_id).tag_names for post_id in (mirrored, only_tag, web)}
    assert tags_of == {mirrored: ["router"], only_tag: [], web: ["twitter"]}
    assert db.session.scalar(select(Tag.question_count).where(Tag.name == "twitter")) == 1
    assert find_counter_drift(db.session) == []


@pytest.mark.slow
def test_upgrade_when_only_mirrored_questions_had_the_twitter_tag_drops_the_tag(db, flask_db, make_user):
    asker = make_user()
    ask_as_before_0011(db, asker, "Router reboots every night", ["twitter", "router"], "twitter")
    db.session.commit()

    upgrade_over_0011(flask_db)

    assert list(db.session.scalars(select(Tag.name))) == ["router"]
