"""The demo recording: a few Acme support conversations on X, replayed into the forum.

`replay_demo(session)` is what the demo loader calls so `make run` shows
mirrored Twitter threads; it goes through the same ingest as the mirror and
does nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from forum.social import mirror
from forum.social.conversations import collect

DEMO_PAGES = Path(__file__).with_name("demo_pages.jsonl")
DEMO_BRAND = "acmehelp"


def replay_demo(session: Session) -> mirror.PollReport:
    """Mirror the demo conversations (@AcmeHelp is the brand) and commit."""
    source = mirror.FileSource(DEMO_PAGES)
    batch = collect(source.pages(None, None))
    brands = mirror.brand_handles(current_app) | {DEMO_BRAND}
    return mirror.ingest(session, batch, source.key, brands)
