"""The demo recording: a few Acme support conversations on X, replayed into the forum.

`replay_demo(session)` is what the demo loader calls so `make run` shows
mirrored Twitter threads; it goes through the same ingest as the mirror and
does nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from forum.social import brands, mirror
from forum.social.conversations import collect

DEMO_PAGES = Path(__file__).with_name("demo_pages.jsonl")
DEMO_BRAND = "acmehelp"


def replay_demo(session: Session) -> mirror.PollReport:
    """Mirror the demo conversations (@AcmeHelp is the brand, whatever the settings say) and commit."""
    source = mirror.FileSource(DEMO_PAGES)
    batch = collect(source.pages(None, None))
    found, _ = brands.ids_in_recording(batch.handles, [DEMO_BRAND])
    return mirror.ingest(session, batch, source.key, frozenset(str(user_id) for user_id in found.values()))
