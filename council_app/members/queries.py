"""What the member pages and the API read: seats over time, public speeches, bills, attendance.

Only what citizens may read is returned: turns and attendance of the version of public
minutes that was published last, of open meetings, never a closed passage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..agenda.models import AgendaItem, item_co_sponsor
from ..council.models import Council, Member, Membership, Term
from ..extensions import db
from ..meetings.models import Meeting
from ..minutes.attendance import AttendanceStatus
from ..minutes.models import Attendance, Minutes, MinutesStatus, MinutesVersion, Utterance

#: Turns on one page of a member's speeches (and the API's default).
SPEECHES_PER_PAGE = 50
MAX_SPEECHES_PER_PAGE = 200
#: Characters of a turn shown as its snippet.
SNIPPET_CHARS = 160
#: Bills listed on a page: a member proposes tens in a term, never thousands.
MAX_BILLS = 300


def members(council: Council) -> list[Member]:
    """Return the council's members by name, with their seats."""
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.council_id == council.id)
            .order_by(Member.name, Member.id)
            .options(selectinload(Member.memberships).joinedload(Membership.body))
        )
    )


def member_or_404(member_id: int) -> Member:
    """Return the member with their seats, or answer 404."""
    return db.first_or_404(
        select(Member)
        .where(Member.id == member_id)
        .options(selectinload(Member.memberships).joinedload(Membership.body))
    )


def seats_over_time(member: Member) -> list[Membership]:
    """Return the member's seats, the newest first."""
    return sorted(member.memberships, key=lambda m: (m.start, m.id), reverse=True)


def terms_of(member: Member, council: Council) -> list[Term]:
    """Return the terms in which the member held any seat."""
    return [
        term
        for term in council.terms
        if any(
            m.start <= term.end and (m.end is None or m.end >= term.start)
            for m in member.memberships
        )
    ]


def public_versions() -> Select:
    """Return the ids of the versions citizens read: each public minutes' last published one."""
    published = MinutesStatus.published()
    newest = (
        select(func.max(MinutesVersion.id))
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(
            MinutesVersion.published_at.is_not(None),
            Minutes.status.in_(published),
            Meeting.public.is_(True),
        )
        .group_by(MinutesVersion.minutes_id)
    )
    return newest


@dataclass
class Speech:
    """One public turn of the member, with where to read it."""

    minutes_id: int
    order: int
    speaker: str
    text: str
    agenda_heading: str | None

    @property
    def anchor(self) -> str:
        """Return the turn's anchor on the minutes page."""
        return f"u-{self.order}"

    @property
    def snippet(self) -> str:
        """Return the turn's opening words, at most SNIPPET_CHARS characters."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


@dataclass
class MeetingSpeeches:
    """A member's turns at one meeting, in the order they were said."""

    meeting: Meeting
    minutes_id: int
    speeches: list[Speech] = field(default_factory=list)


def _speech_rows(member_id: int) -> Select:
    return (
        select(Utterance)
        .join(MinutesVersion, MinutesVersion.id == Utterance.version_id)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(
            Utterance.member_id == member_id,
            Utterance.closed.is_(False),
            Utterance.version_id.in_(public_versions()),
        )
    )


def speech_count(member_id: int) -> int:
    """Count the member's public turns."""
    rows = _speech_rows(member_id).with_only_columns(func.count(Utterance.id))
    return db.session.scalar(rows) or 0


def speeches(member_id: int, page: int, per_page: int) -> list[MeetingSpeeches]:
    """Return one page of the member's public turns, grouped by meeting, newest meeting first."""
    rows = db.session.execute(
        _speech_rows(member_id)
        .with_only_columns(
            Meeting.id,
            Minutes.id,
            Utterance.order,
            Utterance.speaker,
            Utterance.text,
            Utterance.agenda_heading,
        )
        .order_by(Meeting.date.desc(), Meeting.id.desc(), Utterance.order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    meetings = _meetings({row[0] for row in rows})
    groups: dict[int, MeetingSpeeches] = {}
    for meeting_id, minutes_id, order, speaker, text, heading in rows:
        group = groups.setdefault(meeting_id, MeetingSpeeches(meetings[meeting_id], minutes_id))
        group.speeches.append(Speech(minutes_id, order, speaker, text, heading))
    return list(groups.values())


def _meetings(ids: set[int]) -> dict[int, Meeting]:
    """Return meetings by id with what their names need."""
    if not ids:
        return {}
    return {
        m.id: m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(ids))
            .options(joinedload(Meeting.council_session), joinedload(Meeting.body))
        )
    }


@dataclass
class Bill:
    """An item the member proposed (대표발의) or co-sponsored (공동발의)."""

    item: AgendaItem
    lead: bool


def bills(member_id: int) -> list[Bill]:
    """Return the items the member proposed or co-sponsored, the newest first."""
    co_sponsored = select(item_co_sponsor.c.item_id).where(item_co_sponsor.c.member_id == member_id)
    items = db.session.scalars(
        select(AgendaItem)
        .where(or_(AgendaItem.lead_member_id == member_id, AgendaItem.id.in_(co_sponsored)))
        .order_by(AgendaItem.submitted_on.desc(), AgendaItem.id.desc())
        .limit(MAX_BILLS)
        .options(joinedload(AgendaItem.term))
    )
    return [Bill(item, item.lead_member_id == member_id) for item in items]


@dataclass
class AttendanceLine:
    """The member's attendance at one meeting, as its published minutes list it."""

    meeting: Meeting
    minutes_id: int
    status: AttendanceStatus


@dataclass
class YearRate:
    """A year's attendance: meetings counted, attended, on leave, absent."""

    year: int
    counted: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def rate(self) -> float | None:
        """Return the share of counted meetings attended (0–1), or None if none counted."""
        return self.present / self.counted if self.counted else None


def attendance(member_id: int) -> list[AttendanceLine]:
    """Return the member's attendance per public meeting, the newest first."""
    rows = db.session.execute(
        select(Minutes.meeting_id, Minutes.id, Attendance.status)
        .join(MinutesVersion, MinutesVersion.id == Attendance.version_id)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .where(Attendance.member_id == member_id, Attendance.version_id.in_(public_versions()))
    ).all()
    meetings = _meetings({row[0] for row in rows})
    lines = [AttendanceLine(meetings[m], minutes_id, status) for m, minutes_id, status in rows]
    return sorted(lines, key=lambda line: (line.meeting.date, line.meeting.id), reverse=True)


def yearly_rates(lines: list[AttendanceLine]) -> list[YearRate]:
    """Count attendance per year, the newest year first; guests' visits are not counted."""
    years: dict[int, YearRate] = defaultdict(lambda: YearRate(0))
    for line in lines:
        year = years[line.meeting.date.year]
        year.year = line.meeting.date.year
        if not line.status.counts:
            continue
        year.counted += 1
        if line.status is AttendanceStatus.PRESENT:
            year.present += 1
        elif line.status is AttendanceStatus.LEAVE:
            year.leave += 1
        else:
            year.absent += 1
    return [years[y] for y in sorted(years, reverse=True)]


def today_seated(member: Member, day: date) -> list[Membership]:
    """Return the seats the member holds on ``day``."""
    return [m for m in member.memberships if m.start <= day and (m.end is None or m.end >= day)]
