"""The deadline clock of each meeting's minutes and the reports built on it.

The date arithmetic (civil or business days, the due day, D-day labels) is pure and lives in
``deadlines.py``; this module applies it to meetings in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, select

from ..core.holidays import holidays_between
from ..core.time import as_kst, now, today_kst
from ..council.models import Body, BodyKind, Council
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession
from ..sessions.services import rules_profile
from . import deadlines
from .models import Minutes
from .queries import has_happened


@dataclass
class Deadline:
    """A meeting's publication deadline and where its minutes stand against it."""

    meeting: Meeting
    minutes: Minutes | None
    due: date
    days_left: int

    @property
    def published(self) -> bool:
        """Tell whether provisional minutes are out."""
        return bool(self.minutes and self.minutes.published_at)

    @property
    def overdue(self) -> bool:
        """Tell whether the minutes are not out and the due day has passed."""
        return not self.published and self.days_left < 0

    @property
    def days_late(self) -> int:
        """Count the days the publication came after the due day (0 when on time)."""
        if not self.published:
            return max(0, -self.days_left)
        return deadlines.days_late(self.minutes.published_at, self.due)

    @property
    def d_day(self) -> str:
        """Return the countdown label, e.g. ``D-2`` or ``D+1``."""
        return deadlines.d_day(self.days_left)


def due_date(meeting: Meeting) -> date:
    """Return the last day to publish the meeting's provisional minutes."""
    profile = rules_profile(meeting.council_session.council)
    kind = "plenary" if meeting.body.kind is BodyKind.PLENARY else "committee"
    days_off = holidays_between(meeting.date, meeting.date + deadlines.LOOKAHEAD)
    return deadlines.due_date(
        meeting.date,
        profile.minutes_deadline_days[kind],
        profile.minutes_deadline_counting,
        days_off,
    )


def deadline(meeting: Meeting, minutes: Minutes | None = None, today: date | None = None):
    """Return the meeting's deadline with its countdown as of ``today`` (Seoul)."""
    due = due_date(meeting)
    return Deadline(meeting, minutes, due, deadlines.days_left(today or today_kst(), due))


def _meetings(council: Council | None, year: int | None = None, body: Body | None = None):
    """Return the open meetings that have taken place, oldest first."""
    stmt = (
        select(Meeting)
        .join(Meeting.council_session)
        .where(Meeting.public.is_(True), Meeting.date <= today_kst())
        .where(Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.SCHEDULED]))
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    if council is not None:
        stmt = stmt.where(CouncilSession.council_id == council.id)
    if year is not None:
        stmt = stmt.where(extract("year", Meeting.date) == year)
    if body is not None:
        stmt = stmt.where(Meeting.body_id == body.id)
    moment = now()
    return [m for m in db.session.scalars(stmt) if has_happened(m, moment)]


def _minutes_by_meeting(meetings: list[Meeting]) -> dict[int, Minutes]:
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.scalars(select(Minutes).where(Minutes.meeting_id.in_(ids)))
    return {m.meeting_id: m for m in rows}


def deadlines_list(council: Council | None = None, status: str | None = None) -> list[Deadline]:
    """Return meetings' deadlines: awaiting minutes (``due``, ``overdue``) or ``late`` ones.

    Without a status: every meeting still awaiting provisional minutes, soonest due first.
    Withdrawn minutes count as awaiting nothing: they were published once.
    """
    meetings = _meetings(council)
    found = _minutes_by_meeting(meetings)
    today = today_kst()
    entries = [deadline(m, found.get(m.id), today) for m in meetings]
    if status == "late":
        chosen = [e for e in entries if e.published and e.minutes.late]
    else:
        chosen = [e for e in entries if not e.published]
        if status == "overdue":
            chosen = [e for e in chosen if e.overdue]
        elif status == "due":
            chosen = [e for e in chosen if not e.overdue]
    return sorted(chosen, key=lambda e: (e.due, e.meeting.date, e.meeting.id))


@dataclass
class ComplianceRow:
    """How one body kept the deadline in a year."""

    body: Body
    meetings: int
    on_time: int
    late: int
    #: Past the due day with nothing published.
    missing: int
    #: Not yet published and not yet due.
    pending: int
    average_days: float | None


def compliance(council: Council, year: int) -> list[ComplianceRow]:
    """Count per body, for meetings in ``year``: on time, late, missing; average days taken."""
    meetings = _meetings(council, year)
    found = _minutes_by_meeting(meetings)
    today = today_kst()
    rows = []
    for body in council.bodies:
        entries = [deadline(m, found.get(m.id), today) for m in meetings if m.body_id == body.id]
        if not entries:
            continue
        published = [e for e in entries if e.published]
        late = sum(1 for e in published if e.minutes.late)
        missing = sum(1 for e in entries if e.overdue)
        days = [(as_kst(e.minutes.published_at).date() - e.meeting.date).days for e in published]
        rows.append(
            ComplianceRow(
                body=body,
                meetings=len(entries),
                on_time=len(published) - late,
                late=late,
                missing=missing,
                pending=len(entries) - len(published) - missing,
                average_days=round(sum(days) / len(days), 1) if days else None,
            )
        )
    return rows
