"""Which agenda item an agenda heading of the minutes speaks of: pure, no database.

Headings carry their number (``1. 2023년도 제1회 추가경정예산안``), and extraction may break
or double the spaces of a title, so a heading names an item when it contains the item's
title with spaces evened out; failing every title, its number is the item's place in the
order of business. The minutes page (an item's place in the minutes) and the search index
(an utterance's item) both ask here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

K = TypeVar("K")

_NUMBER = re.compile(r"^\s*(\d+)\s*[.)]")


def _spaced(text: str) -> str:
    return " ".join(text.split())


def names_title(heading: str | None, title: str) -> bool:
    """Tell whether ``heading`` contains ``title``, spaces evened out (an empty title, never)."""
    wanted = _spaced(title)
    return bool(heading and wanted and wanted in _spaced(heading))


def heading_number(heading: str | None) -> int | None:
    """Return the number a heading starts with (``3.`` or ``3)``), or None."""
    found = _NUMBER.match(heading or "")
    return int(found[1]) if found else None


def item_for_heading(heading: str | None, items: Iterable[tuple[int, str, K]]) -> K | None:
    """Return the key of the item ``heading`` names among (position, title, key) entries.

    The first item whose title the heading contains wins; else the item at the heading's
    number; else None.
    """
    if not heading:
        return None
    items = list(items)
    for _, title, key in items:
        if names_title(heading, title):
            return key
    number = heading_number(heading)
    return next((key for position, _, key in items if position == number), None)
