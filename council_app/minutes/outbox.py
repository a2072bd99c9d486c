"""The search index's outbox: a row for every change to what of some minutes is public.

Rows are written in the change's own transaction, so the index can never miss a change
that was committed. A row says only "look again": the index then holds what the minutes
are now, which is nothing for minutes that are not public (a closed or cancelled meeting,
withdrawn minutes).
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..meetings.models import Meeting
from . import events
from .models import IndexOutbox, Minutes, OutboxAction


def queue(minutes: Minutes, action: OutboxAction = OutboxAction.INDEX) -> None:
    """Write an outbox row for the minutes, announced to the index after the commit."""
    db.session.add(IndexOutbox(minutes_id=minutes.id, action=action))
    events.queue(minutes.id, action.value)


def queue_meeting(meeting: Meeting) -> None:
    """Write an outbox row for the meeting's minutes, if it has any."""
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    if minutes is not None:
        queue(minutes)
