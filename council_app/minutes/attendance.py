"""Attendance read from the lists after the closing time mark (○출석 위원, ○청가 의원 …).

Pure: the parsed blocks and the seats go in, one status per member comes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.types import LabelledEnum
from ..council.roster import Seat, names_in
from ..i18n import N_
from .parse import Block


class AttendanceStatus(LabelledEnum):
    """How the minutes list a member: present, on leave, absent, or not listed at all."""

    PRESENT = "present", N_("출석")
    LEAVE = "leave", N_("청가")
    ABSENT = "absent", N_("결석")
    #: A member of another body who came (○위원 아닌 의원): attended, but not counted.
    GUEST = "guest", N_("위원 아닌 의원")
    #: Seated in the body, yet on no list of minutes that list the others.
    UNLISTED = "unlisted", N_("명단에 없음")

    @property
    def counts(self) -> bool:
        """Tell whether the meeting counts toward the member's attendance rate."""
        return self is not AttendanceStatus.GUEST

    @property
    def attended(self) -> bool:
        """Tell whether the member was there."""
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.GUEST)


@dataclass(frozen=True)
class ListedMember:
    """One member's attendance at one meeting."""

    member_id: int
    status: AttendanceStatus


def list_status(heading: str) -> AttendanceStatus | None:
    """Return what a closing list's heading says of the members on it, or None (officials,
    staff, votes, the 재석 counts at opening and closing)."""
    words = "".join(heading.split("(", 1)[0].split())
    if not words.endswith(("의원", "위원")) or words.endswith("전문위원"):
        return None
    if "아닌" in words:
        return AttendanceStatus.GUEST
    if words.startswith("출석"):
        return AttendanceStatus.PRESENT
    if words.startswith(("청가", "출장")):
        return AttendanceStatus.LEAVE
    if words.startswith(("결석", "불참")):
        return AttendanceStatus.ABSENT
    return None


#: Which status wins when a name is on two lists (출석 and 위원 아닌 의원 cannot both hold).
_RANK = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.GUEST,
    AttendanceStatus.LEAVE,
    AttendanceStatus.ABSENT,
]


def read_attendance(
    blocks: list, seats: list[Seat], day: date | None, body_id: int | None
) -> list[ListedMember]:
    """Return each member's status at the meeting, from the closing lists of ``blocks``.

    Members seated in the body that day and on no list are UNLISTED, but only when the
    minutes list anyone as present: minutes without lists say nothing of attendance.
    """
    found: dict[int, AttendanceStatus] = {}
    on_day = [s for s in seats if day is None or s.covers(day)]
    by_name: dict[str, set[int]] = {}
    for seat in on_day or seats:
        by_name.setdefault(seat.name, set()).add(seat.member_id)
    for block in blocks:
        if not isinstance(block, Block) or block.kind != "closing_list":
            continue
        heading, _, names = block.text.partition("\n")
        status = list_status(heading)
        if status is None:
            continue
        for name in names_in(names, list(by_name)):
            for member_id in by_name[name]:
                old = found.get(member_id)
                if old is None or _RANK.index(status) < _RANK.index(old):
                    found[member_id] = status
    if any(s is AttendanceStatus.PRESENT for s in found.values()) and day is not None:
        for seat in on_day:
            if seat.body_id == body_id and seat.member_id not in found:
                found[seat.member_id] = AttendanceStatus.UNLISTED
    return [ListedMember(member_id, status) for member_id, status in sorted(found.items())]
