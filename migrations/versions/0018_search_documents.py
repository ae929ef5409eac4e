"""search_documents: the PostgreSQL search backend's documents (PostgreSQL only)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10 10:00:00.000000

The table holds one row per searchable post for FORUM_SEARCH_BACKEND=postgres
(forum/search/postgres.py); it is outside the models' metadata, and on SQLite
this migration does nothing (SQLite forums use the Whoosh backend).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("""
        CREATE TABLE search_documents (
            post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
            kind varchar(16) NOT NULL,
            question_id integer NOT NULL,
            content tsvector NOT NULL,
            title tsvector NOT NULL,
            tags text[] NOT NULL,
            author varchar(64) NOT NULL,
            author_id integer NOT NULL,
            staff boolean NOT NULL,
            accepted boolean NOT NULL,
            has_accepted boolean NOT NULL,
            source varchar(16) NOT NULL,
            language varchar(16) NOT NULL,
            score integer NOT NULL,
            answer_count integer NOT NULL,
            created_at timestamp NOT NULL,
            boost real NOT NULL,
            fingerprint varchar(32) NOT NULL
        )
    """)
    op.execute("CREATE INDEX ix_search_documents_content ON search_documents USING gin (content)")
    op.execute("CREATE INDEX ix_search_documents_title ON search_documents USING gin (title)")
    op.execute("CREATE INDEX ix_search_documents_tags ON search_documents USING gin (tags)")
    op.execute("CREATE INDEX ix_search_documents_author ON search_documents (author)")
    op.execute("CREATE INDEX ix_search_documents_created_at ON search_documents (created_at)")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TABLE search_documents")
