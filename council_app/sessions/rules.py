"""The ordinance's checks on sessions, as pure functions (the meetings' are in ``meetings.rules``).

Nothing here reads the database or the clock: the services pass in the candidate, its
neighbours, the rules profile and the days off, and get back errors (which stop the change)
and warnings (which are saved with it and shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..config import RulesProfile
from ..core.time import days_inclusive, format_date

Error = tuple[str | None, str]


@dataclass
class Findings:
    """What the checks found: errors stop the change, warnings go with it."""

    errors: list[Error] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, field_name: str | None, message: str) -> None:
        self.errors.append((field_name, message))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass(frozen=True)
class SessionFacts:
    """What the rules need to know of a session."""

    number: int
    regular: bool
    start: date
    end: date
    cancelled: bool = False
    notice_date: date | None = None
    urgent: bool = False
    convening_change_resolved: bool = False

    @property
    def label(self) -> str:
        return f"제{self.number}회 {'정례회' if self.regular else '임시회'}"

    @property
    def span(self) -> str:
        return f"{format_date(self.start)} ~ {format_date(self.end)}"


def days_in_year(start: date, end: date, year: int) -> int:
    """Count the days of ``start``..``end`` that fall in ``year``."""
    first = max(start, date(year, 1, 1))
    last = min(end, date(year, 12, 31))
    return days_inclusive(first, last) if first <= last else 0


def check_session(
    candidate: SessionFacts, others: Iterable[SessionFacts], profile: RulesProfile
) -> Findings:
    """Check a new or changed session against the other sessions of the council."""
    found = Findings()
    if candidate.end < candidate.start:
        found.error(
            "end",
            f"회기 종료일({format_date(candidate.end)})이 "
            f"시작일({format_date(candidate.start)})보다 빠릅니다.",
        )
        return found
    if candidate.cancelled:
        return found  # a cancelled session occupies no days and blocks nothing
    others = [o for o in others if not o.cancelled and o.number != candidate.number]
    _check_length(candidate, profile, found)
    _check_overlap_and_order(candidate, others, found)
    _check_yearly_totals(candidate, others, profile, found)
    _warn_convening(candidate, profile, found)
    return found


def _check_length(candidate: SessionFacts, profile: RulesProfile, found: Findings) -> None:
    limit = profile.extraordinary_session_days_max
    days = days_inclusive(candidate.start, candidate.end)
    if not candidate.regular and days > limit:
        found.error("end", f"임시회 회기는 {limit}일 이내여야 합니다 (입력: {days}일)")


def _check_overlap_and_order(
    candidate: SessionFacts, others: list[SessionFacts], found: Findings
) -> None:
    for other in others:
        if other.start <= candidate.end and candidate.start <= other.end:
            found.error("start", f"회기가 {other.label}({other.span})와 겹칩니다.")
        elif other.number < candidate.number and other.start > candidate.start:
            found.error(
                "number",
                f"회기 번호는 날짜 순으로 커져야 합니다: {other.label}"
                f"({format_date(other.start)})보다 먼저 시작하는 회기의 번호는 "
                f"{other.number}보다 작아야 합니다 (입력: 제{candidate.number}회)",
            )
        elif other.number > candidate.number and other.start < candidate.start:
            found.error(
                "number",
                f"회기 번호는 날짜 순으로 커져야 합니다: {other.label}"
                f"({format_date(other.start)})보다 늦게 시작하는 회기의 번호는 "
                f"{other.number}보다 커야 합니다 (입력: 제{candidate.number}회)",
            )


def _check_yearly_totals(
    candidate: SessionFacts, others: list[SessionFacts], profile: RulesProfile, found: Findings
) -> None:
    sessions = [*others, candidate]
    for year in range(candidate.start.year, candidate.end.year + 1):
        total = sum(days_in_year(s.start, s.end, year) for s in sessions)
        regular_days = sum(days_in_year(s.start, s.end, year) for s in sessions if s.regular)
        regular_count = sum(1 for s in sessions if s.regular and s.start.year == year)
        if candidate.regular and regular_days > profile.regular_session_days_max_per_year:
            found.error(
                "end",
                f"정례회 회기는 연간 {profile.regular_session_days_max_per_year}일 이내여야 "
                f"합니다 ({year}년 합계: {regular_days}일)",
            )
        if total > profile.annual_session_days_max:
            found.error(
                "end",
                f"연간 회기 일수는 {profile.annual_session_days_max}일 이내여야 합니다 "
                f"({year}년 합계: {total}일)",
            )
        if (
            candidate.regular
            and candidate.start.year == year
            and regular_count > profile.regular_sessions_per_year
        ):
            found.error(
                "kind",
                f"정례회는 연 {profile.regular_sessions_per_year}회 엽니다 "
                f"({year}년: {regular_count}회)",
            )


def convening_dates_text(profile: RulesProfile) -> str:
    """Write the ordinance's convening dates as ``6월 8일, 11월 18일``."""
    parts = []
    for month_day in profile.regular_convening_dates:
        month, day = (int(p) for p in month_day.split("-"))
        parts.append(f"{month}월 {day}일")
    return ", ".join(parts)


def notice_deadline(start: date, profile: RulesProfile) -> date:
    """Return the last day to announce an extraordinary session convening on ``start``.

    지방자치법 제54조제4항 asks for notice "집회일 3일 전"; read strictly (the default), three
    whole days must lie between the notice and the convening day.
    """
    days = profile.extraordinary_notice_days + (1 if profile.extraordinary_notice_strict else 0)
    return start - timedelta(days=days)


def _warn_convening(candidate: SessionFacts, profile: RulesProfile, found: Findings) -> None:
    if candidate.regular:
        if (
            f"{candidate.start:%m-%d}" not in profile.regular_convening_dates
            and not candidate.convening_change_resolved
        ):
            found.warn(
                f"정례회 집회일({format_date(candidate.start)})이 조례에 정한 날"
                f"({convening_dates_text(profile)})이 아닙니다: 집회일 변경 의결이 필요합니다."
            )
        return
    if candidate.notice_date and not candidate.urgent:
        deadline = notice_deadline(candidate.start, profile)
        if candidate.notice_date > deadline:
            found.warn(
                f"임시회 집회 공고가 늦습니다: 집회일 {profile.extraordinary_notice_days}일 전인 "
                f"{format_date(deadline)}까지 공고해야 합니다 "
                f"(공고일: {format_date(candidate.notice_date)}). "
                "긴급한 경우 '긴급'으로 표시하세요."
            )
