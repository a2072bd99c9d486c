"""The month page: weeks from Sunday, public holidays, the month's sessions and meetings."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..core.errors import CouncilError
from ..core.holidays import holidays_between
from ..council.models import Body
from ..meetings.models import Meeting
from ..sessions.models import CouncilSession
from .feeds import Window, meetings_in, sessions_in

#: Korean wall calendars start the week on Sunday.
WEEK = calendar.Calendar(firstweekday=calendar.SUNDAY)
#: The years the page can show; beyond them the previous and next links would overflow.
YEARS = (1900, 2100)


@dataclass(frozen=True)
class Day:
    """One cell of the month grid."""

    date: date
    in_month: bool
    holiday: str | None = None
    meetings: list[Meeting] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    """A month of the council's calendar, as the page shows it."""

    first: date
    weeks: list[list[Day]]
    council_sessions: list[CouncilSession]

    @property
    def days(self) -> list[Day]:
        """Return the days of the month itself, for the list view."""
        return [day for week in self.weeks for day in week if day.in_month]

    @property
    def previous(self) -> date:
        """Return the first day of the month before."""
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        """Return the first day of the month after."""
        return (self.first + timedelta(days=31)).replace(day=1)


def month_from_args(args: Mapping[str, str], today: date) -> date:
    """Return the first day of the month asked for by ``year`` and ``month``; this one if none."""
    try:
        year = int(args.get("year") or today.year)
        month = int(args.get("month") or today.month)
    except ValueError:
        year = month = 0
    if not (YEARS[0] <= year <= YEARS[1] and 1 <= month <= 12):
        raise CouncilError("연도와 월을 확인해 주세요. 예: ?year=2023&month=6")
    return date(year, month, 1)


def month_view(first: date, body: Body | None = None) -> Month:
    """Lay out the month starting ``first``, with the meetings of ``body`` or of all bodies."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    days_off = holidays_between(first, last)
    by_day: dict[date, list[Meeting]] = defaultdict(list)
    for meeting in meetings_in(Window(first, last), body):
        by_day[meeting.date].append(meeting)
    weeks = [
        [
            Day(d, True, days_off.get(d), by_day[d]) if d.month == first.month else Day(d, False)
            for d in week
        ]
        for week in WEEK.monthdatescalendar(first.year, first.month)
    ]
    return Month(first, weeks, sessions_in(Window(first, last)))
