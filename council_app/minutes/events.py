"""Tell listeners, such as the search index, about minutes changes once they are committed.

Services call `queue` next to the outbox row they write; the signal fires only after the
transaction commits, so a listener never sees a change that was rolled back. The outbox
row stays the source of truth: a listener that misses a signal catches up from it.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session

_signals = Namespace()

#: Sent with ``minutes_id`` and ``action`` ("index" or "delete") after the commit.
minutes_changed = _signals.signal("minutes-changed")

_PENDING = "minutes_changes"


def queue(minutes_id: int, action: str) -> None:
    """Remember a change of the current transaction, to announce after its commit."""
    from ..extensions import db

    db.session.info.setdefault(_PENDING, []).append((minutes_id, action))


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    for minutes_id, action in session.info.pop(_PENDING, []):
        minutes_changed.send(minutes_id, action=action)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
