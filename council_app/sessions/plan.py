"""The annual plan: the council's own table of a year's sessions, with totals and limits."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.time import format_date
from ..council.models import Council
from .models import CouncilSession, SessionKind
from .rules import days_in_year
from .services import rules_profile, sessions_in_year


@dataclass(frozen=True)
class PlanRow:
    """One session as the plan lists it."""

    council_session: CouncilSession
    days: int

    @property
    def schedule(self) -> str:
        """Return the dates as the council writes them: ``6. 8.(목) ~ 6. 30.(금)``."""
        start, end = self.council_session.start, self.council_session.end
        first = format_date(start, year=False)
        return first if start == end else f"{first} ~ {format_date(end, year=False)}"


@dataclass(frozen=True)
class Tally:
    """A count of sessions and their days."""

    count: int
    days: int


@dataclass(frozen=True)
class AnnualPlan:
    """A year's sessions, their totals and the days left under the ordinance's limits."""

    year: int
    rows: list[PlanRow]
    total: Tally
    regular: Tally
    extraordinary: Tally
    limits: dict
    remaining: dict

    @property
    def summary(self) -> str:
        """Return the totals line: ``총 5회 80일 [정례회 2회 51일 / 임시회 3회 29일]``."""
        return (
            f"총 {self.total.count}회 {self.total.days}일 "
            f"[정례회 {self.regular.count}회 {self.regular.days}일 / "
            f"임시회 {self.extraordinary.count}회 {self.extraordinary.days}일]"
        )


def annual_plan(council: Council, year: int) -> AnnualPlan:
    """Build the plan of ``year``: cancelled sessions are listed nowhere and count for nothing."""
    profile = rules_profile(council)
    rows = [
        PlanRow(s, days_in_year(s.start, s.end, year))
        for s in sessions_in_year(council, year)
        if not s.is_cancelled
    ]

    def tally(kind: SessionKind | None) -> Tally:
        chosen = [r for r in rows if kind is None or r.council_session.kind is kind]
        return Tally(len(chosen), sum(r.days for r in chosen))

    total, regular = tally(None), tally(SessionKind.REGULAR)
    limits = {
        "annual_days": profile.annual_session_days_max,
        "regular_days": profile.regular_session_days_max_per_year,
        "regular_count": profile.regular_sessions_per_year,
        "extraordinary_days_per_session": profile.extraordinary_session_days_max,
    }
    remaining = {
        "annual_days": limits["annual_days"] - total.days,
        "regular_days": limits["regular_days"] - regular.days,
        "regular_count": limits["regular_count"] - regular.count,
    }
    return AnnualPlan(
        year, rows, total, regular, tally(SessionKind.EXTRAORDINARY), limits, remaining
    )
