"""Pure rules of a meeting's order of business (의사일정): no database, no Flask.

Each check returns ``(field, message)`` pairs; ``meetings.order`` gathers them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date

from .models import MeetingStatus

Problems = list[tuple[str, str]]

#: A meeting in these states keeps the order it had; nothing is taken up there.
CLOSED = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


def change_problems(status: MeetingStatus, meeting_name: str, reason: str) -> Problems:
    """Refuse a change to a called-off meeting's order, or to a held one's without a reason.

    Once a meeting was held its order is the record of what happened, so a change says why.
    """
    problems = []
    if status in CLOSED:
        problems.append(("meeting", f"{status.label}된 회의의 의사일정은 바꿀 수 없습니다."))
    if status is MeetingStatus.HELD and not reason.strip():
        problems.append(
            (
                "reason",
                f"{meeting_name}는 이미 열렸습니다. 의사일정을 바꾸려면 변경 사유를 적어 주세요.",
            )
        )
    return problems


def duplicate_problems(items: Sequence[Hashable]) -> Problems:
    """An item stands once on an order of business."""
    if len(set(items)) != len(items):
        return [("items", "같은 안건을 의사일정에 두 번 올릴 수 없습니다.")]
    return []


def moved(items: Sequence, index: int, offset: int) -> list:
    """Return ``items`` with the one at ``index`` moved ``offset`` places, kept in bounds."""
    result = list(items)
    target = min(max(index + offset, 0), len(result) - 1)
    result.insert(target, result.pop(index))
    return result


def outcomes_open(meeting_day: date, status: MeetingStatus, today: date) -> bool:
    """Tell whether outcomes may be recorded: from the meeting's day on, unless called off."""
    return meeting_day <= today and status not in CLOSED
