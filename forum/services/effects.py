"""Side effects that must wait for the commit (live events, search, tweets).

`after_commit(session, fn)` queues `fn`; it runs once the session's
transaction commits and is dropped if it rolls back, so nothing outside the
database ever sees a change that did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "forum_after_commit"


def after_commit(session: Session, effect: Callable[[], None]) -> None:
    session.info.setdefault(_KEY, []).append(effect)


@event.listens_for(Session, "after_commit")
def _run_effects(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    effects = session.info.pop(_KEY, [])
    for effect in effects:
        try:
            effect()
        except Exception:  # an effect failing must not undo a committed change
            log.exception("after-commit effect failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_effects(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
