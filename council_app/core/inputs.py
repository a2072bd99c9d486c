"""Turn raw input (JSON values or form strings) into typed values, with Korean errors.

Services call these, so the pages, the API, the CLI and the demo loader read input the same way.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar

from werkzeug.routing import IntegerConverter

from .errors import CouncilError, RuleViolation
from .time import today_kst

E = TypeVar("E", bound=enum.Enum)

#: The largest id a URL or a request body may name: PostgreSQL's integer column holds no more.
MAX_ID = 2**31 - 1
#: The largest whole number a field accepts (counts, numbers, offsets).
MAX_NUMBER = 1_000_000
#: The largest page number a list accepts; no list of this system has that many pages.
MAX_PAGE = 10_000
#: The first year a date may fall in: 서울특별시 금천구 was formed in 1995 and the first
#: local councils sat in 1952, so 1949 (지방자치법) leaves room for every record.
FIRST_YEAR = 1949
#: How far ahead of today a date may lie: plans reach a few years, never decades.
YEARS_AHEAD = 10
#: The years a session plan may be asked for, on a page, in the API or on the command line.
PLAN_YEARS = range(1990, 2201)


def whole_number(raw: object, maximum: int) -> int | None:
    """Return ``raw`` as a whole number from 0 to ``maximum``, or None when it is not one.

    Only ASCII digits count: ``str.isdigit`` and ``int()`` accept other scripts' digits
    ('²', '٣') that a URL should not carry, and a huge number would overflow the database.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= maximum else None
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            return None
        return int(raw) if 0 <= raw <= maximum else None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


def page_number(args: Mapping[str, str], name: str = "page", maximum: int = MAX_PAGE) -> int:
    """Return the page a list is asked for (1 when absent), refusing one out of range."""
    raw = args.get(name)
    if raw in (None, ""):
        return 1
    number = whole_number(raw, maximum)
    if number is None or number < 1:
        raise CouncilError(f"쪽 번호는 1부터 {maximum}까지의 숫자입니다.", field=name)
    return number


def per_page_arg(args: Mapping[str, str], default: int, maximum: int) -> int:
    """Return how many rows a list page is asked to hold (``default`` when absent)."""
    raw = args.get("per_page")
    if raw in (None, ""):
        return default
    number = whole_number(raw, maximum)
    if number is None or number < 1:
        raise CouncilError(f"쪽당 개수는 1부터 {maximum}까지의 숫자입니다.", field="per_page")
    return number


#: The longest date-time a query string may carry (``2026-12-04T13:45:00.123456+09:00``).
MAX_MOMENT_LENGTH = 40


def moment_arg(args: Mapping[str, str], name: str) -> datetime | None:
    """Return an ISO 8601 date-time with its offset (``created_since`` …), or None when absent."""
    raw = args.get(name)
    if raw in (None, ""):
        return None
    moment = None
    if len(raw) <= MAX_MOMENT_LENGTH:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None or not FIRST_YEAR <= moment.year <= 9000:
        raise CouncilError(
            f"{name}에는 시간대가 있는 ISO 8601 일시를 적어 주세요 (예: 2026-01-01T00:00:00+09:00).",
            field=name,
        )
    return moment


def year_arg(args: Mapping[str, str], name: str = "year") -> int:
    """Return the plan year a query asks for (this year when absent), refusing one out of range."""
    raw = args.get(name)
    if raw is None:
        return today_kst().year
    year = whole_number(raw, PLAN_YEARS[-1])
    if year is None or year not in PLAN_YEARS:
        raise RuleViolation(
            f"{name}는 {PLAN_YEARS[0]}~{PLAN_YEARS[-1]} 사이의 연도여야 합니다.", name
        )
    return year


def date_range() -> tuple[date, date]:
    """Return the first and last day a date of this system may be (KST)."""
    today = today_kst()
    last = date(min(today.year + YEARS_AHEAD, 9999), 12, 31)
    return date(FIRST_YEAR, 1, 1), last


def date_problem(value: date, label: str) -> str | None:
    """Return why ``value`` lies outside the dates this system keeps, or None."""
    first, last = date_range()
    if first <= value <= last:
        return None
    return f"{label}은(는) {first.year}년부터 {last.year}년 사이의 날짜여야 합니다."


def _digits_up_to(limit: int) -> str:
    """Return a regex of the decimal numbers from 0 to ``limit`` (``[0-9]{1,9}|1[0-9]{9}|…``)."""
    digits = str(limit)
    parts = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for at, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - at - 1
            parts.append(f"{digits[:at]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    return "|".join([*parts, digits])


class IdConverter(IntegerConverter):
    """An ``<int:…>`` URL part: ASCII digits up to MAX_ID, so a huge id is 404, not a 500.

    The bound is in the regex, not only in ``to_python``: Werkzeug answers 405 for a path
    whose number fails conversion on a route of another method, and 404 is the truth.
    """

    regex = f"(?:{_digits_up_to(MAX_ID)})"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class Reader:
    """Read fields from a mapping, collecting every problem before raising once."""

    def __init__(self, data: dict[str, Any], labels: dict[str, str]):
        self.data = data
        self.labels = labels
        self.errors: list[tuple[str, str]] = []

    def has(self, name: str) -> bool:
        """Tell whether the input names the field at all."""
        return name in self.data

    def _raw(self, name: str, required: bool):
        value = self.data.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if required:
                self.errors.append((name, f"{self.labels.get(name, name)}을(를) 입력해 주세요."))
            return None
        return value

    def _bad(self, name: str, expected: str) -> None:
        self.errors.append(
            (name, f"{self.labels.get(name, name)}의 형식이 맞지 않습니다 ({expected}).")
        )

    def date(self, name: str, required: bool = False) -> date | None:
        """Read an ISO date (``2023-06-08``)."""
        value = self._raw(name, required)
        if value is None or isinstance(value, date):
            return value
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            self._bad(name, "예: 2023-06-08")
            return None
        if problem := date_problem(parsed, self.labels.get(name, name)):
            self.errors.append((name, problem))
            return None
        return parsed

    def time(self, name: str, required: bool = False) -> time | None:
        """Read a wall-clock time (``10:00``)."""
        value = self._raw(name, required)
        if value is None or isinstance(value, time):
            return value
        try:
            parsed = time.fromisoformat(str(value))
        except ValueError:
            self._bad(name, "예: 10:00")
            return None
        return parsed.replace(second=0, microsecond=0, tzinfo=None)

    def integer(self, name: str, required: bool = False, minimum: int = 1) -> int | None:
        """Read a whole number no smaller than ``minimum``."""
        value = self._raw(name, required)
        if value is None:
            return None
        number = whole_number(value, MAX_NUMBER)
        if number is None and not _signed_whole(value):
            self._bad(name, "숫자")
            return None
        if number is None or number < minimum:
            self._bad(name, f"{minimum}부터 {MAX_NUMBER}까지의 숫자")
            return None
        return number

    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        """Read true/false (also ``"on"``, ``"1"`` and ``"y"`` from forms)."""
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "on", "y", "yes"}:
            return True
        if text in {"false", "0", "off", "n", "no"}:
            return False
        self._bad(name, "true 또는 false")
        return default

    def choice(self, name: str, enum_cls: type[E], required: bool = False) -> E | None:
        """Read one of an enum's values."""
        value = self._raw(name, required)
        if value is None or isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(str(value))
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            self._bad(name, f"가능한 값: {allowed}")
            return None

    def text(self, name: str, max_length: int, required: bool = False) -> str | None:
        """Read text up to ``max_length`` characters."""
        value = self._raw(name, required)
        if value is None:
            return None
        value = str(value)
        if len(value) > max_length:
            self.errors.append(
                (name, f"{self.labels.get(name, name)}은(는) {max_length}자 이내여야 합니다.")
            )
            return None
        return value

    def done(self) -> None:
        """Raise every problem found so far at once."""
        if self.errors:
            raise RuleViolation(self.errors)


def _signed_whole(value: object) -> bool:
    """Tell whether ``value`` is a whole number, however large or negative."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    text = str(value).strip().removeprefix("-")
    return text.isascii() and text.isdigit()
