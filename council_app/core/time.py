"""Time in the council's zone (KST) and the Korean way of writing dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")


def now() -> datetime:
    """Return the current time as an aware datetime in UTC."""
    return datetime.now(UTC)


def today_kst() -> date:
    """Return today's date in Seoul."""
    return now().astimezone(KST).date()


def as_kst(moment: datetime) -> datetime:
    """Return ``moment`` in KST; naive values are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(KST)


def kst_datetime(day: date, at: time) -> datetime:
    """Combine a date and a wall-clock time in Seoul into an aware datetime."""
    return datetime.combine(day, at, tzinfo=KST)


def format_date(day: date | datetime | None, *, year: bool = True) -> str:
    """Write a date the Korean way: ``2023. 6. 8.(목)``, or ``6. 8.(목)`` without the year."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = as_kst(day).date()
    weekday = WEEKDAYS_KO[day.weekday()]
    prefix = f"{day.year}. " if year else ""
    return f"{prefix}{day.month}. {day.day}.({weekday})"


def format_datetime(moment: datetime | None) -> str:
    """Write an aware datetime in KST: ``2023. 6. 8.(목) 14:05``."""
    if moment is None:
        return ""
    local = as_kst(moment)
    return f"{format_date(local.date())} {local:%H:%M}"


def days_inclusive(start: date, end: date) -> int:
    """Count days from ``start`` to ``end``, both included, as the council counts 회기."""
    return (end - start).days + 1
