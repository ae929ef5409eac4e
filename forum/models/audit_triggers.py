"""The database half of the audit log's append-only rule: its triggers, per dialect.

Written once, here, and run by two callers: `forum.models.moderation` on the
table's `after_create` (so `create_all` builds them) and migration 0006 (so
`flask db upgrade` does). This module imports nothing: the migration takes
plain strings from it, never a model (the package it sits in is loaded
anyway wherever `flask db` runs). Changing a trigger takes a new migration
that replaces it on databases already upgraded; 0006 then creates the new
form on fresh ones.
"""

from __future__ import annotations

AUDIT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    ),
}

# What dropping the table leaves behind: the function PostgreSQL's trigger calls.
AUDIT_TRIGGERS_TEARDOWN: dict[str, tuple[str, ...]] = {
    "postgresql": ("DROP FUNCTION IF EXISTS audit_entries_append_only()",),
}
