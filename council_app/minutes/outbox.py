"""The search index's outbox: a row for every change to what of some minutes is public.

Rows are written in the change's own transaction, so the index can never miss a change
that was committed. A row says only "look again": the index then holds what the minutes
are now, which is nothing for minutes that are not public (a closed or cancelled meeting,
withdrawn minutes).

Each node's index applies the rows in id order and remembers the last id it applied, so a
row must never become visible after a row with a higher id. PostgreSQL hands out ids when
rows are inserted, not when they commit; the writers of rows therefore take turns, from
the insert to their commit (an advisory lock, released by the commit). SQLite has one
writer at a time anyway.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, text

from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.state import meeting_changed
from . import events
from .models import IndexOutbox, Minutes, OutboxAction

#: The advisory lock's key: any number no other part of the app uses.
COMMIT_ORDER_LOCK = 0x0C0DE17


def init_app(app: Flask) -> None:
    """Queue a meeting's minutes whenever the meeting's status or public flag changes."""
    meeting_changed.connect(queue_meeting)


def queue(minutes: Minutes, action: OutboxAction = OutboxAction.INDEX) -> None:
    """Write an outbox row for the minutes, announced to the index after the commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COMMIT_ORDER_LOCK})
    db.session.add(IndexOutbox(minutes_id=minutes.id, action=action))
    events.queue(minutes.id, action.value)


def queue_meeting(meeting: Meeting) -> None:
    """Write an outbox row for the meeting's minutes, if it has any: whether they are
    public changed with the meeting's status or public flag."""
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    if minutes is not None:
        queue(minutes)
