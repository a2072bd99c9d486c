"""Korean public holidays: the ``holidays`` package plus days the secretariat adds (임시공휴일).

This is the only module that imports ``holidays``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from ..extensions import db


@lru_cache(maxsize=32)
def _statutory(year: int) -> dict[date, str]:
    """Return the statutory holidays of ``year`` (대체공휴일 included) with Korean names."""
    return dict(holidays.country_holidays("KR", years=year, language="ko").items())


def _added(start: date, end: date) -> dict[date, str]:
    """Return the holidays the secretariat added between ``start`` and ``end``."""
    from ..sessions.models import PublicHoliday

    rows = db.session.execute(
        select(PublicHoliday.day, PublicHoliday.name).where(
            PublicHoliday.day >= start, PublicHoliday.day <= end
        )
    )
    return {day: name for day, name in rows}


def holidays_between(start: date, end: date) -> dict[date, str]:
    """Return every public holiday from ``start`` to ``end`` inclusive, with its name."""
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update({d: n for d, n in _statutory(year).items() if start <= d <= end})
    found.update(_added(start, end))
    return dict(sorted(found.items()))


def holiday_name(day: date) -> str | None:
    """Return the name of the holiday on ``day``, or None on an ordinary day."""
    return holidays_between(day, day).get(day)


def is_day_off(day: date, days_off: dict[date, str]) -> bool:
    """Tell whether ``day`` is a Saturday, Sunday or one of ``days_off``."""
    return day.weekday() >= 5 or day in days_off


def next_working_day(day: date, days_off: dict[date, str]) -> date:
    """Return ``day`` itself or the first working day after it."""
    while is_day_off(day, days_off):
        day += timedelta(days=1)
    return day
