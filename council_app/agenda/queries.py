"""Read-only questions about agenda items: lists with filters, yearly counts, timelines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from sqlalchemy import ColumnElement, Select, extract, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.commands import spec
from ..council.models import Body, BodyKind, Term
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.services import details_shown_to, details_visible_to
from ..minutes import queries as minutes_queries
from ..sessions.models import CouncilSession, SessionKind, SessionStatus
from .models import AgendaEntry, AgendaItem, ItemKind, ItemStatus, Outcome, ProposerKind, Referral


def _one_of(name: str, enum_cls) -> str:
    return f"{name}는 다음 중 하나여야 합니다: {', '.join(m.value for m in enum_cls)}"


@dataclass(frozen=True)
class ItemFilter:
    """The filters of the public list and the API, all optional; read with ``read_command``.

    The messages name the query-string argument, as the API's clients write it.
    """

    term: int | None = spec("대수", default=None, minimum=0, invalid="term에는 숫자를 적어 주세요.")
    session: int | None = spec(
        "회기", default=None, minimum=0, invalid="session에는 숫자를 적어 주세요."
    )
    year: int | None = spec("연도", default=None, minimum=0, invalid="year에는 숫자를 적어 주세요.")
    kind: ItemKind | None = spec("종류", default=None, invalid=_one_of("kind", ItemKind))
    status: ItemStatus | None = spec("상태", default=None, invalid=_one_of("status", ItemStatus))
    proposer: ProposerKind | None = spec(
        "제출자", default=None, invalid=_one_of("proposer", ProposerKind)
    )
    committee: str | None = spec("위원회", default=None)
    #: Words of the title, or the bill number (``제11호``, ``11``, ``의안번호 11``).
    q: str | None = spec("제목·번호", default=None, max_length=100)

    def as_args(self) -> dict[str, str]:
        """Return the filters that are set, for links that keep them."""
        return {
            name: getattr(value, "value", value)
            for name, value in vars(self).items()
            if value is not None
        }


def filtered_items(filters: ItemFilter, viewer) -> Select:
    """Return the query for items matching ``filters``, newest first.

    A session or a year finds an item through the meetings that dealt with it, a closed
    meeting only for staff: its order of business is not public.
    """
    query = select(AgendaItem)
    if filters.term is not None:
        query = query.where(AgendaItem.term.has(Term.number == filters.term))
    if filters.kind is not None:
        query = query.where(AgendaItem.kind == filters.kind)
    if filters.status is not None:
        query = query.where(AgendaItem.status == filters.status)
    if filters.proposer is not None:
        query = query.where(AgendaItem.proposer_kind == filters.proposer)
    if filters.committee:
        query = query.where(
            AgendaItem.referrals.any(Referral.body.has(Body.slug == filters.committee))
        )
    if filters.q:
        query = query.where(*title_or_number(filters.q))
    # An item belongs to a session or a year through the meetings that dealt with it.
    if filters.session is not None or filters.year is not None:
        on_meeting = (
            select(AgendaEntry.item_id)
            .join(Meeting, AgendaEntry.meeting_id == Meeting.id)
            .where(details_shown_to(viewer))
        )
        if filters.session is not None:
            on_meeting = on_meeting.join(CouncilSession).where(
                CouncilSession.number == filters.session
            )
        if filters.year is not None:
            on_meeting = on_meeting.where(extract("year", Meeting.date) == filters.year)
        query = query.where(AgendaItem.id.in_(on_meeting))
    return query.order_by(AgendaItem.submitted_on.desc(), AgendaItem.id.desc()).options(
        # Each line names its proposer (``proposer_label``): a query per list, not per item.
        joinedload(AgendaItem.lead_member),
        joinedload(AgendaItem.proposer_body),
        selectinload(AgendaItem.co_sponsors),
    )


#: What people put before a bill number and what is no word of any title.
_NUMBER = re.compile(r"^(?:의안번호)?제?(\d{1,6})호?$")
_NOT_WORDS = {"의안번호", "의안", "번호"}
_MAX_WORDS = 8


def title_or_number(q: str) -> list[ColumnElement[bool]]:
    """Return one condition per word of ``q``: in the title, or the bill number it names.

    ``제11호``, ``11호`` and ``의안번호 11`` find bill 11; other words are found anywhere in
    the title (Korean titles run words together: 주차 is inside 주차장). The words are
    matched literally: ``%`` and ``_`` are no wildcards here.
    """
    conditions = []
    for word in [w for w in q.split() if w not in _NOT_WORDS][:_MAX_WORDS]:
        literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        in_title = AgendaItem.title.ilike(f"%{literal}%", escape="\\")
        number = _NUMBER.match(word)
        if number:
            conditions.append(in_title | (AgendaItem.bill_number == int(number[1])))
        else:
            conditions.append(in_title)
    return conditions


@dataclass
class YearCount:
    """One line of the council's report: ``2020년 6회 90건: 정례회 48건, 임시회 42건``."""

    year: int
    sessions: dict[SessionKind, int] = field(default_factory=dict)
    items: dict[SessionKind, int] = field(default_factory=dict)

    @property
    def total_sessions(self) -> int:
        return sum(self.sessions.values())

    @property
    def total_items(self) -> int:
        return sum(self.items.values())

    def sentence(self) -> str:
        """Write the count the way the council's reports do."""
        regular, extra = SessionKind.REGULAR, SessionKind.EXTRAORDINARY
        return (
            f"{self.year}년 {self.total_sessions}회 {self.total_items}건: "
            f"정례회 {self.items.get(regular, 0)}건, 임시회 {self.items.get(extra, 0)}건"
        )


def yearly_counts() -> list[YearCount]:
    """Count sessions and items per year, split by regular and extraordinary sessions.

    An item counts once, in the session of the first meeting that had it on its order of
    business; items never scheduled are not counted, as the reports count what was handled.
    """
    counts: dict[int, YearCount] = {}
    session_rows = db.session.execute(
        select(CouncilSession.start, CouncilSession.kind).where(
            CouncilSession.status != SessionStatus.CANCELLED
        )
    )
    for start, kind in session_rows:
        line = counts.setdefault(start.year, YearCount(start.year))
        line.sessions[kind] = line.sessions.get(kind, 0) + 1

    # Counted by the database: ten years hold thousands of entries, and the list page
    # would read them all on every visit.
    handled = (
        select(
            Meeting.date,
            CouncilSession.kind,
            func.row_number()
            .over(partition_by=AgendaEntry.item_id, order_by=(Meeting.date, Meeting.id))
            .label("nth"),
        )
        .select_from(AgendaEntry)
        .join(Meeting, AgendaEntry.meeting_id == Meeting.id)
        .join(CouncilSession, Meeting.session_id == CouncilSession.id)
        .where(Meeting.status != MeetingStatus.CANCELLED)
        .subquery()
    )
    year = extract("year", handled.c.date)
    rows = db.session.execute(
        select(year, handled.c.kind, func.count())
        .where(handled.c.nth == 1)
        .group_by(year, handled.c.kind)
    )
    for year_number, kind, items in rows:
        line = counts.setdefault(int(year_number), YearCount(int(year_number)))
        line.items[kind] = items
    return [counts[year] for year in sorted(counts, reverse=True)]


@dataclass
class TimelineStep:
    """One step of an item's way: submitted, referred, scheduled or decided."""

    #: ``submitted``, ``referred``, ``scheduled``, ``committee_decision`` or ``plenary_decision``.
    kind: str
    day: date
    #: Who or where: the proposer, the committee referred to, or the meeting's name.
    subject: str
    meeting: Meeting | None = None
    outcome: Outcome | None = None
    #: The place in the minutes where the item was discussed; the minutes issue fills it in.
    minutes_url: str | None = None

    @property
    def title(self) -> str:
        """Return the step in Korean, e.g. ``행정재경위원회 회부``; pages translate their own."""
        if self.kind == "submitted":
            return f"접수 ({self.subject})"
        if self.kind == "referred":
            return f"{self.subject} 회부"
        if self.outcome is None:
            return f"{self.subject} 상정"
        return f"{self.subject} {self.outcome.result.label}"


#: Same-day steps in the order they happen.
_STEP_ORDER = ("submitted", "referred", "scheduled", "committee_decision", "plenary_decision")


def timeline(item: AgendaItem, viewer) -> list[TimelineStep]:
    """Return the item's way from submission to its last decision, oldest first.

    A closed meeting's steps only for staff: its order of business and what it decided
    are not public (its own page says so).
    """
    steps = [TimelineStep("submitted", item.submitted_on, item.proposer_label)]
    steps += [TimelineStep("referred", r.referred_on, r.body.name) for r in item.referrals]
    decided = {o.meeting_id: o for o in item.outcomes}
    for entry in item.entries:
        meeting = entry.meeting
        if meeting.status is MeetingStatus.CANCELLED or not details_visible_to(meeting, viewer):
            continue
        outcome = decided.get(meeting.id)
        if outcome is None:
            steps.append(TimelineStep("scheduled", meeting.date, meeting.name, meeting))
            continue
        kind = "plenary_decision" if meeting.body.kind is BodyKind.PLENARY else "committee_decision"
        steps.append(TimelineStep(kind, meeting.date, meeting.name, meeting, outcome))
    places = minutes_queries.places_of_item(
        [step.meeting for step in steps if step.meeting is not None], item.title
    )
    for step in steps:
        if step.meeting is not None and step.meeting.id in places:
            minutes_id, order = places[step.meeting.id]
            step.minutes_url = url_for("minutes.show", minutes_id=minutes_id, _anchor=f"u-{order}")
    return sorted(steps, key=lambda s: (s.day, _STEP_ORDER.index(s.kind)))


def outcomes_shown_to(item: AgendaItem, viewer) -> list[Outcome]:
    """Return what meetings decided about the item, oldest first; a closed meeting's
    decision only for staff, as on the item's page (``timeline``)."""
    shown = [o for o in item.outcomes if details_visible_to(o.meeting, viewer)]
    return sorted(shown, key=lambda o: (o.meeting.date, o.meeting.start_time))


def item_in_full(item_id: int) -> AgendaItem:
    """Return an item with all its page and the API show, loaded at once; 404 if none.

    The way through the council names each meeting (its session and body): loaded with the
    item, the page sends the same few queries however many meetings dealt with it.
    """
    named = (joinedload(Meeting.council_session), joinedload(Meeting.body))
    return db.first_or_404(
        select(AgendaItem)
        .where(AgendaItem.id == item_id)
        .options(
            joinedload(AgendaItem.term),
            joinedload(AgendaItem.lead_member),
            joinedload(AgendaItem.proposer_body),
            selectinload(AgendaItem.co_sponsors),
            selectinload(AgendaItem.attachments),
            selectinload(AgendaItem.referrals).joinedload(Referral.body),
            selectinload(AgendaItem.outcomes).joinedload(Outcome.meeting).options(*named),
            selectinload(AgendaItem.entries).joinedload(AgendaEntry.meeting).options(*named),
        )
    )


def entries_of(meeting: Meeting) -> list[AgendaEntry]:
    """Return the meeting's order of business as entries, first to last."""
    return list(
        db.session.scalars(
            select(AgendaEntry)
            .where(AgendaEntry.meeting_id == meeting.id)
            .order_by(AgendaEntry.position, AgendaEntry.id)
            .options(joinedload(AgendaEntry.item))
        )
    )


def items_in_order(meeting: Meeting) -> list[AgendaItem]:
    """Return the items on the meeting's order of business, first to last."""
    return [e.item for e in entries_of(meeting)]


def order_of_business(meeting: Meeting) -> list[tuple[AgendaEntry, Outcome | None]]:
    """Return the meeting's order of business with the outcome of each line, if recorded."""
    entries = entries_of(meeting)
    outcomes = {
        o.item_id: o
        for o in db.session.scalars(select(Outcome).where(Outcome.meeting_id == meeting.id))
    }
    return [(entry, outcomes.get(entry.item_id)) for entry in entries]


def titles_by_meeting(meeting_ids: list[int]) -> dict[int, list[str]]:
    """Return each meeting's order-of-business titles, in order, in one query."""
    titles: dict[int, list[str]] = {}
    if not meeting_ids:
        return titles
    rows = db.session.execute(
        select(AgendaEntry.meeting_id, AgendaItem.title)
        .join(AgendaEntry.item)
        .where(AgendaEntry.meeting_id.in_(meeting_ids))
        .order_by(AgendaEntry.meeting_id, AgendaEntry.position, AgendaEntry.id)
    )
    for meeting_id, title in rows:
        titles.setdefault(meeting_id, []).append(title)
    return titles
