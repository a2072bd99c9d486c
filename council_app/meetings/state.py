"""The one place a meeting's status and public flag change, so that the search index follows.

Whether a meeting's minutes are public depends on the meeting; every path that changes
either field (the meeting forms and API, a cancelled session, published minutes) comes
through here and sends :data:`meeting_changed`, on which the minutes write their index
outbox row in the same transaction (``minutes/outbox.py``).
"""

from __future__ import annotations

from blinker import Namespace

from .models import Meeting, MeetingStatus

_signals = Namespace()

#: Sent with the meeting, inside the transaction, when its status or public flag changed.
meeting_changed = _signals.signal("meeting-changed")


def change_state(
    meeting: Meeting, *, status: MeetingStatus | None = None, public: bool | None = None
) -> bool:
    """Set the meeting's status and public flag; announce the change, if any."""
    changed = False
    if status is not None and status is not meeting.status:
        meeting.status, changed = status, True
    if public is not None and public != meeting.public:
        meeting.public, changed = public, True
    if changed:
        meeting_changed.send(meeting)
    return changed
