"""The publication deadline of provisional minutes, as pure functions of dates.

Civil counting follows 민법 제157조 (the meeting day itself is not counted) and 제161조 (a
last day that falls on a Saturday, Sunday or public holiday moves to the next working day).
Business counting counts working days only. Either way the minutes are due by the end of
the due day in Seoul.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..core.holidays import next_working_day
from ..core.time import KST

CIVIL = "civil"
BUSINESS = "business"

#: The widest span a deadline can reach past the meeting: enough holidays to look up.
LOOKAHEAD = timedelta(days=60)


def due_date(meeting_day: date, days: int, counting: str, days_off: dict[date, str]) -> date:
    """Return the last day to publish minutes of a meeting held on ``meeting_day``."""
    if counting == BUSINESS:
        day = meeting_day
        for _ in range(days):
            day = next_working_day(day + timedelta(days=1), days_off)
        return day
    if counting != CIVIL:
        raise ValueError(f"unknown deadline counting: {counting!r}")
    return next_working_day(meeting_day + timedelta(days=days), days_off)


def due_at(due: date) -> datetime:
    """Return the moment the due day ends in Seoul (the first instant that is late)."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=KST)


def is_late(published_at: datetime, due: date) -> bool:
    """Tell whether a publication at ``published_at`` missed the due day."""
    return published_at >= due_at(due)


def days_left(today: date, due: date) -> int:
    """Count days from ``today`` to the due day: 0 on the day, negative once overdue."""
    return (due - today).days


def days_late(published_at: datetime, due: date) -> int:
    """Count the days between the due day and the (Seoul) day of publication, at least 0."""
    return max(0, (published_at.astimezone(KST).date() - due).days)


def d_day(left: int) -> str:
    """Write a countdown the Korean way: ``D-3``, ``D-day``, ``D+2``."""
    if left == 0:
        return "D-day"
    return f"D-{left}" if left > 0 else f"D+{-left}"
