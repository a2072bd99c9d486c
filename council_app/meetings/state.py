"""The one place a meeting's status and public flag change, so that the search index follows.

Whether a meeting's minutes are public depends on the meeting; every path that changes
either field (the meeting forms and API, a cancelled session) comes through here, which
writes the index's outbox row in the same transaction.
"""

from __future__ import annotations

from ..minutes import outbox
from .models import Meeting, MeetingStatus


def change_state(
    meeting: Meeting, *, status: MeetingStatus | None = None, public: bool | None = None
) -> bool:
    """Set the meeting's status and public flag; queue its minutes for the index on change."""
    changed = False
    if status is not None and status is not meeting.status:
        meeting.status, changed = status, True
    if public is not None and public != meeting.public:
        meeting.public, changed = public, True
    if changed:
        outbox.queue_meeting(meeting)
    return changed
