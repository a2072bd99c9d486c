"""Korean public holidays: the ``holidays`` package plus days the secretariat adds (임시공휴일).

This is the only module that imports ``holidays``. The secretariat's days off are added and
removed through :func:`add_public_holiday` and :func:`remove_public_holiday`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from ..extensions import db
from . import audit
from .commands import spec
from .errors import RuleViolation
from .models import PublicHoliday
from .time import format_date


@lru_cache(maxsize=32)
def _statutory(year: int) -> dict[date, str]:
    """Return the statutory holidays of ``year`` (대체공휴일 included) with Korean names."""
    return dict(holidays.country_holidays("KR", years=year, language="ko").items())


def _added(start: date, end: date) -> dict[date, str]:
    """Return the holidays the secretariat added between ``start`` and ``end``."""
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


@dataclass(frozen=True)
class HolidayCommand:
    """Add a day off that the holiday calendar does not know."""

    day: date = spec("날짜")
    name: str = spec("이름", max_length=60)


def public_holidays() -> list[PublicHoliday]:
    """Return the days off the secretariat added, newest first."""
    return list(db.session.scalars(select(PublicHoliday).order_by(PublicHoliday.day.desc())))


def add_public_holiday(command: HolidayCommand) -> PublicHoliday:
    """Add a day off (임시공휴일) that the holiday calendar does not know."""
    if db.session.scalar(select(PublicHoliday.id).where(PublicHoliday.day == command.day)):
        raise RuleViolation(f"{format_date(command.day)}은 이미 휴일로 등록되어 있습니다.", "day")
    holiday = PublicHoliday(day=command.day, name=command.name)
    db.session.add(holiday)
    audit.record(
        "holiday.add", holiday, after={"day": command.day.isoformat(), "name": command.name}
    )
    return holiday


def remove_public_holiday(holiday: PublicHoliday) -> None:
    """Remove a day off the secretariat added."""
    audit.record("holiday.remove", holiday, before={"day": holiday.day.isoformat()})
    db.session.delete(holiday)
