"""A meeting's order of business (의사일정): which items it takes up, in which order.

The verbs act on a meeting and items; the command forms (:class:`Scheduling`,
:class:`Addition`, :class:`NewOrder`) name them by id, as pages and the API send them, and
are looked up here. Like every service, these flush and audit but never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agenda.models import AgendaEntry, AgendaItem, Outcome
from ..agenda.queries import entries_of, items_in_order
from ..agenda.services import find_item
from ..core import audit
from ..core.commands import spec
from ..core.errors import NotFound, RuleViolation
from ..extensions import db
from . import order_rules
from .models import Meeting


@dataclass(frozen=True)
class OrderChange:
    """Why the order of business changes; required once the meeting was held."""

    reason: str = spec("변경 사유", default="", max_length=500)


@dataclass(frozen=True)
class Scheduling:
    """Put an item (known from the page) on a meeting's order of business."""

    meeting: int = spec("회의")
    reason: str = spec("변경 사유", default="", max_length=500)


@dataclass(frozen=True)
class Addition:
    """Put an item last on a meeting's order of business (the meeting known from the URL)."""

    item: int = spec("안건")
    reason: str = spec("변경 사유", default="", max_length=500)


@dataclass(frozen=True)
class NewOrder:
    """Replace a meeting's whole order of business."""

    # Repeats are kept so that the rule says an item stands only once.
    items: tuple[int, ...] = spec("안건", repeats=True)
    reason: str = spec("변경 사유", default="", max_length=500)


def schedule(item: AgendaItem, command: Scheduling) -> AgendaEntry:
    """Put ``item`` last on the order of business of the meeting the command names."""
    meeting = db.session.get(Meeting, command.meeting)
    if meeting is None:
        raise NotFound("찾는 회의가 없습니다.", field="meeting")
    return add_to_order(meeting, item, command.reason)


def add_named_item(meeting: Meeting, command: Addition) -> AgendaEntry:
    """Put the item the command names last on ``meeting``'s order of business."""
    return add_to_order(meeting, find_item(command.item), command.reason)


def replace_order(meeting: Meeting, command: NewOrder) -> None:
    """Make the items the command names, in its order, the meeting's order of business."""
    set_order(meeting, [find_item(i, "items") for i in command.items], command.reason)


def add_to_order(meeting: Meeting, item: AgendaItem, reason: str = "") -> AgendaEntry:
    """Put ``item`` last on the meeting's order of business."""
    current = items_in_order(meeting)
    if item in current:
        raise RuleViolation([("item", f"이미 {meeting.name}의 의사일정에 있는 안건입니다.")])
    set_order(meeting, [*current, item], reason)
    return next(e for e in entries_of(meeting) if e.item_id == item.id)


def remove_from_order(meeting: Meeting, item: AgendaItem, reason: str = "") -> None:
    """Take ``item`` off the meeting's order of business."""
    current = items_in_order(meeting)
    if item not in current:
        raise RuleViolation([("item", f"{meeting.name}의 의사일정에 없는 안건입니다.")])
    set_order(meeting, [i for i in current if i != item], reason)


def move_in_order(meeting: Meeting, item: AgendaItem, offset: int, reason: str = "") -> None:
    """Move ``item`` ``offset`` places up (negative) or down the order of business."""
    current = items_in_order(meeting)
    if item not in current:
        raise RuleViolation([("item", f"{meeting.name}의 의사일정에 없는 안건입니다.")])
    set_order(meeting, order_rules.moved(current, current.index(item), offset), reason)


def set_order(meeting: Meeting, items: Sequence[AgendaItem], reason: str = "") -> None:
    """Make ``items`` the meeting's whole order of business, in that order.

    Before the meeting this is free; once it was held the order is the record of what
    happened, so a change needs a reason and goes into the audit log.
    """
    current = items_in_order(meeting)
    wanted = list(items)
    if wanted == current:
        return
    reason = (reason or "").strip()
    errors = order_rules.change_problems(meeting.status, meeting.name, reason)
    errors += order_rules.duplicate_problems(wanted)
    term_id = meeting.council_session.term_id
    errors += [
        ("items", f"다른 대수의 안건은 이 회의에 올릴 수 없습니다: {i.title}")
        for i in wanted
        if i.term_id != term_id
    ]
    decided_here = {o.item_id for o in _outcomes_at(meeting)}
    errors += [
        ("items", f"결과를 기록한 안건은 의사일정에서 뺄 수 없습니다: {i.title}")
        for i in current
        if i not in wanted and i.id in decided_here
    ]
    if errors:
        raise RuleViolation(errors)

    entries = {e.item_id: e for e in entries_of(meeting)}
    for item in current:
        if item not in wanted:
            db.session.delete(entries[item.id])
    for position, item in enumerate(wanted, start=1):
        entry = entries.get(item.id) or AgendaEntry(meeting=meeting, item=item)
        entry.position = position
        db.session.add(entry)
    db.session.flush()
    audit.record(
        "agenda.order_change",
        meeting,
        before={"items": [i.id for i in current]},
        after={"items": [i.id for i in wanted]},
        reason=reason or None,
    )


def _outcomes_at(meeting: Meeting) -> list[Outcome]:
    """Return the outcomes recorded at ``meeting``."""
    return list(db.session.scalars(select(Outcome).where(Outcome.meeting_id == meeting.id)))


def titles_in_order(meeting: Meeting, session: Session | None = None) -> list[tuple[int, str, int]]:
    """Return the meeting's order of business as (position, title, item id).

    What a minutes heading is matched against (``minutes.headings.item_for_heading``), by
    the pages and by the index; ``session``: the caller's own, if not the request's.
    """
    rows = (session or db.session).execute(
        select(AgendaEntry.position, AgendaItem.title, AgendaItem.id)
        .join(AgendaItem, AgendaEntry.item_id == AgendaItem.id)
        .where(AgendaEntry.meeting_id == meeting.id)
        .order_by(AgendaEntry.position)
    )
    return [tuple(row) for row in rows]
