"""Who a speaker label or an attendance list names: members by name, role and seat dates.

Pure functions over :class:`Seat` rows, so the rules read (and test) without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Titles a councillor speaks under; any other (구청장, 과장, 전문위원 …) is no member's turn.
MEMBER_TITLES = ("의장", "부의장", "위원장", "부위원장", "위원", "의원", "간사", "직무대리")
#: Titles that hold the chair of the plenary (의장) or of a committee (위원장).
CHAIR_TITLES = {
    "의장": "chair",
    "위원장": "chair",
    "부의장": "vice_chair",
    "부위원장": "vice_chair",
}


@dataclass(frozen=True)
class Seat:
    """One membership as matching needs it: whose, in which body, as what, from when to when."""

    member_id: int
    name: str
    body_id: int | None
    role: str | None
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        """Tell whether the seat is held on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def is_member_title(title: str | None) -> bool:
    """Tell whether a label's title is one a councillor speaks under (or there is none)."""
    if not title:
        return True
    words = title.replace(" ", "")
    if words.startswith(("전문위원", "수석전문위원")):
        return False
    return any(words.endswith(t) or t in words for t in MEMBER_TITLES)


def match_member(
    name: str | None, title: str | None, seats: list[Seat], day: date, body_id: int | None
) -> int | None:
    """Return the member a label names on ``day`` in the body sitting, or None.

    Among members of that name, those seated on the day win; where several are, the one
    whose seat fits the title (위원장 → the body's chair) or the body. A name held by one
    member only, who has no seat recorded that day, still matches: rosters are often kept
    for the current term alone, and a councillor's title with the name is strong evidence.
    """
    if not name:
        return None
    # A label that lost its spaces (위원장김가상) is all title to the parser: the name goes.
    if title and name in title:
        title = title.replace(name, "").strip()
    if not is_member_title(title):
        return None
    named = [s for s in seats if s.name == name]
    if not named:
        return None
    seated = [s for s in named if s.covers(day)]
    people = {s.member_id for s in seated}
    if len(people) == 1:
        return people.pop()
    if len(people) > 1:
        return _best_fit(seated, title, body_id)
    everyone = {s.member_id for s in named}
    return everyone.pop() if len(everyone) == 1 else None


def _best_fit(seated: list[Seat], title: str | None, body_id: int | None) -> int | None:
    """Choose among same-named members seated the same day by role, then by body."""
    role = CHAIR_TITLES.get((title or "").replace(" ", ""))
    for fits in (
        lambda s: role is not None and s.role == role and s.body_id == body_id,
        lambda s: s.body_id == body_id,
    ):
        people = {s.member_id for s in seated if fits(s)}
        if len(people) == 1:
            return people.pop()
    return None


def names_in(text: str, names: list[str]) -> list[str]:
    """Return the roster names found in a list as minutes print it, in order, each once.

    Lists run names together (``임정수이한국김완식``) or space them; at each place the
    longest roster name that starts there is taken, so 김가 never hides inside 김가상.
    """
    compact = "".join(text.split())
    by_length = sorted({n for n in names if n}, key=len, reverse=True)
    found: list[str] = []
    index = 0
    while index < len(compact):
        name = next((n for n in by_length if compact.startswith(n, index)), None)
        if name is None:
            index += 1
            continue
        if name not in found:
            found.append(name)
        index += len(name)
    return found


def person_of(label: str, names: set[str]) -> str | None:
    """Return the member's name a speaker label carries (``위원장 김가상`` → 김가상), or None
    when it names no member or its title is no councillor's (``과장 김가상``)."""
    words = label.split("(", 1)[0].split()
    found = [w for w in words if w in names]
    if len(found) != 1:
        return None
    title = " ".join(w for w in words if w != found[0])
    return found[0] if is_member_title(title) else None
