"""Time in the council's zone (KST) and the way dates are written, Korean first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names

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


def format_date(day: date | datetime | None, *, year: bool = True, locale: str = "ko") -> str:
    """Write a date for ``locale``: ``2023. 6. 8.(목)``, in English ``Thu 8 June 2023``.

    Without the year: ``6. 8.(목)`` or ``Thu 8 June``. Korean is written by hand because
    CLDR's Korean pattern (``2023. 6. 8. (목)``) differs from the council's own notation.
    """
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = as_kst(day).date()
    if locale != "ko":
        return babel_format_date(day, "EEE d MMMM y" if year else "EEE d MMMM", locale=locale)
    weekday = WEEKDAYS_KO[day.weekday()]
    prefix = f"{day.year}. " if year else ""
    return f"{prefix}{day.month}. {day.day}.({weekday})"


def format_month(day: date, *, locale: str = "ko") -> str:
    """Write the month of ``day``: ``2023년 6월``, in English ``June 2023``."""
    if locale != "ko":
        return babel_format_date(day, "LLLL y", locale=locale)
    return f"{day.year}년 {day.month}월"


def weekday_names(locale: str = "ko") -> list[tuple[str, str]]:
    """Return (short, full) weekday names from Sunday, as a month grid's columns run."""
    short, full = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    # Babel numbers the days from Monday (0) to Sunday (6).
    return [(short[d], full[d]) for d in (6, 0, 1, 2, 3, 4, 5)]


def format_datetime(moment: datetime | None, *, locale: str = "ko") -> str:
    """Write an aware datetime in KST: ``2023. 6. 8.(목) 14:05`` or ``Thu 8 June 2023 14:05``."""
    if moment is None:
        return ""
    local = as_kst(moment)
    return f"{format_date(local.date(), locale=locale)} {local:%H:%M}"


def days_inclusive(start: date, end: date) -> int:
    """Count days from ``start`` to ``end``, both included, as the council counts 회기."""
    return (end - start).days + 1
