"""The ordinance's checks on meetings, as pure functions: 차수 in date order, no overlaps.

Like the session checks they build on (``sessions.rules``), nothing here reads the database
or the clock: the services pass in the candidate, its session, the body's other meetings
and the days off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from ..core.time import format_date
from ..sessions.rules import Findings, SessionFacts


@dataclass(frozen=True)
class MeetingFacts:
    """What the rules need to know of a meeting."""

    id: int | None
    body_id: int
    day: date
    start: time
    end: time | None
    cancelled: bool = False
    held: bool = False
    sitting: int | None = None


def sitting_numbers(meetings: Iterable[MeetingFacts]) -> dict[int | None, int]:
    """Number one body's meetings 1, 2, 3 … in date and time order; cancelled ones skip."""
    counted = sorted(
        (m for m in meetings if not m.cancelled),
        key=lambda m: (m.day, m.start, m.id if m.id is not None else 1 << 62),
    )
    return {m.id: n for n, m in enumerate(counted, start=1)}


def _overlaps(a: MeetingFacts, b: MeetingFacts) -> bool:
    """Tell whether two meetings on the same day overlap (an unknown end is the start itself)."""
    if a.day != b.day:
        return False
    if a.start == b.start:
        return True
    a_end = a.end or a.start
    b_end = b.end or b.start
    # Half-open spans: a meeting may start the minute the previous one ends.
    return a.start < b_end and b.start < a_end


def check_meeting(
    candidate: MeetingFacts,
    council_session: SessionFacts,
    body_name: str,
    body_active: bool,
    siblings: Iterable[MeetingFacts],
    days_off: dict[date, str],
) -> Findings:
    """Check a new or changed meeting against its session and the body's other meetings.

    ``siblings`` are the same body's other meetings in the session.
    """
    found = Findings()
    if council_session.cancelled:
        found.error("session", f"취소된 회기({council_session.label})에는 회의를 열 수 없습니다.")
        return found
    if not council_session.start <= candidate.day <= council_session.end:
        found.error(
            "date",
            f"회의 날짜({format_date(candidate.day)})가 {council_session.label} 회기"
            f"({council_session.span}) 밖입니다.",
        )
    if candidate.end is not None and candidate.end <= candidate.start:
        found.error(
            "end",
            f"끝나는 시각({candidate.end:%H:%M})이 시작 시각({candidate.start:%H:%M})보다 "
            "늦어야 합니다.",
        )
    if not body_active:
        found.error("body", f"{body_name}는 {format_date(candidate.day)}에 활동 기간이 아닙니다.")
    siblings = [m for m in siblings if m.id != candidate.id or candidate.id is None]
    if not candidate.cancelled:
        for other in siblings:
            if not other.cancelled and _overlaps(candidate, other):
                end = f"~{other.end:%H:%M}" if other.end else ""
                found.error(
                    "start",
                    f"{body_name}의 다른 회의(제{other.sitting}차, {format_date(other.day)} "
                    f"{other.start:%H:%M}{end})와 시간이 겹칩니다.",
                )
    _check_numbering(candidate, siblings, found)
    if candidate.day in days_off:
        found.warn(f"{format_date(candidate.day)}은 공휴일({days_off[candidate.day]})입니다.")
    elif candidate.day.weekday() >= 5:
        weekday = "토요일" if candidate.day.weekday() == 5 else "일요일"
        found.warn(f"{format_date(candidate.day)}은 {weekday}입니다.")
    return found


def _check_numbering(
    candidate: MeetingFacts, siblings: list[MeetingFacts], found: Findings
) -> None:
    """Refuse a wrong 차수, and a change that would renumber a meeting already held."""
    numbers = sitting_numbers([*siblings, candidate])
    wanted = numbers.get(candidate.id)
    if candidate.sitting is not None and wanted is not None and candidate.sitting != wanted:
        found.error(
            "sitting",
            f"차수는 날짜 순으로 매깁니다: 이 회의는 제{wanted}차여야 합니다 "
            f"(입력: 제{candidate.sitting}차)",
        )
    for other in siblings:
        if other.held and other.sitting is not None and numbers.get(other.id) != other.sitting:
            found.error(
                "date",
                f"이미 열린 제{other.sitting}차 회의({format_date(other.day)})의 차수가 "
                "바뀌게 됩니다: 그 앞에 회의를 넣거나 뺄 수 없습니다.",
            )
            break
