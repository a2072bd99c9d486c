"""Turn raw input (JSON values or form strings) into typed values, with Korean errors.

Services call these, so the pages, the API, the CLI and the demo loader read input the same way.
"""

from __future__ import annotations

import enum
from datetime import date, time
from typing import Any, TypeVar

from .errors import RuleViolation

E = TypeVar("E", bound=enum.Enum)


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
            return date.fromisoformat(str(value))
        except ValueError:
            self._bad(name, "예: 2023-06-08")
            return None

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
        if isinstance(value, bool):
            self._bad(name, "숫자")
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self._bad(name, "숫자")
            return None
        if number < minimum or number > 1_000_000:
            self._bad(name, f"{minimum} 이상의 숫자")
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
