"""Verbs on meetings: schedule, change, hold, postpone, cancel; 차수 kept in date order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import contains_eager, joinedload

from ..core import audit
from ..core.commands import given, labels, spec
from ..core.errors import RuleViolation
from ..core.holidays import holidays_between
from ..core.time import format_date, now, today_kst
from ..council.models import Body, Council
from ..council.services import body_by_slug
from ..extensions import db
from ..sessions.models import CouncilSession, SessionStatus
from ..sessions.services import Outcome, find_session, session_changing
from ..sessions.services import facts as session_facts
from ..sessions.services import snapshot as session_snapshot
from . import rules
from .models import Meeting, MeetingStatus
from .state import change_state


@dataclass(frozen=True)
class MeetingCommand:
    """Schedule a meeting, or (read with ``partial=True``) change the fields the input names."""

    session: int = spec("회기")
    body: str = spec("회의체", max_length=40)
    date: date = spec("날짜")
    start: time = spec("시작 시각")
    end: time | None = spec("끝나는 시각", default=None)
    #: 차수: optional, and refused unless it is the one the date order gives.
    sitting: int | None = spec("차수", default=None)
    place: str = spec("장소", default="", max_length=100)
    status: MeetingStatus | None = spec("상태", default=None)
    public: bool = spec("공개 여부", default=True)
    video_url: str | None = spec("영상 주소", default=None, max_length=500)
    sign_language_video_url: str | None = spec("수어 영상 주소", default=None, max_length=500)
    #: The clock time at the videos' first second: time marks in the minutes become positions.
    video_start: time | None = spec("영상 시작 시각", default=None)
    note: str = spec("비고", default="")
    #: Why a meeting changes, for the audit log (a new meeting needs none).
    reason: str | None = spec("사유", default=None, max_length=500)


LABELS = labels(MeetingCommand)
#: The command's fields the model keeps under another name.
COLUMNS = {"start": "start_time", "end": "end_time"}

#: Which states a meeting may move to from each state.
TRANSITIONS: dict[MeetingStatus, set[MeetingStatus]] = {
    MeetingStatus.SCHEDULED: {MeetingStatus.HELD, MeetingStatus.POSTPONED, MeetingStatus.CANCELLED},
    MeetingStatus.POSTPONED: {MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED},
    MeetingStatus.CANCELLED: {MeetingStatus.SCHEDULED},
    MeetingStatus.HELD: set(),
}

#: Fields whose change calendars must see (they raise the SEQUENCE).
CALENDAR_FIELDS = ("date", "start", "end", "place", "status", "public", "sitting")


def facts(meeting: Meeting) -> rules.MeetingFacts:
    """Describe a stored meeting for the rules."""
    return rules.MeetingFacts(
        id=meeting.id,
        body_id=meeting.body_id,
        day=meeting.date,
        start=meeting.start_time,
        end=meeting.end_time,
        cancelled=meeting.status is MeetingStatus.CANCELLED,
        held=meeting.status is MeetingStatus.HELD,
        sitting=meeting.sitting,
    )


def details_visible_to(meeting: Meeting, user) -> bool:
    """Tell whether ``user`` may see a meeting's place, note, links and order of business.

    A closed meeting (비공개) shows the public its date, time and name only, as its iCal event
    and its API agenda do; staff see everything.
    """
    return meeting.public or bool(user is not None and user.is_authenticated)


def details_shown_to(user) -> ColumnElement[bool]:
    """Return :func:`details_visible_to` as a condition on ``Meeting`` for queries."""
    return true() if user is not None and user.is_authenticated else Meeting.public.is_(True)


def snapshot(meeting: Meeting) -> dict:
    """Return the meeting's fields as JSON-ready data, for the audit log."""
    return {
        "session": meeting.council_session.number,
        "body": meeting.body.slug,
        "sitting": meeting.sitting,
        "date": meeting.date.isoformat(),
        "start": meeting.start_time.strftime("%H:%M"),
        "end": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "place": meeting.place,
        "status": meeting.status.value,
        "public": meeting.public,
        "video_url": meeting.video_url,
        "sign_language_video_url": meeting.sign_language_video_url,
        "video_start": meeting.video_start.strftime("%H:%M") if meeting.video_start else None,
        "note": meeting.note,
    }


def _values(command: MeetingCommand) -> dict:
    """Return the fields the command names, as the model keeps them; links must be web links."""
    values = {COLUMNS.get(name, name): value for name, value in given(command).items()}
    values.pop("reason", None)
    errors = [
        (name, f"{LABELS[name]}는 http:// 또는 https://로 시작해야 합니다.")
        for name in ("video_url", "sign_language_video_url")
        if values.get(name) and not values[name].startswith(("https://", "http://"))
    ]
    if errors:
        raise RuleViolation(errors)
    return values


def _resolve(council: Council, number: int, slug: str) -> tuple[CouncilSession, Body]:
    council_session = find_session(council, number)
    body = body_by_slug(council, slug)
    errors = []
    if council_session is None:
        errors.append(("session", f"제{number}회 회기가 없습니다."))
    if body is None:
        errors.append(("body", f"'{slug}' 회의체가 없습니다."))
    if errors:
        raise RuleViolation(errors)
    return council_session, body


def _siblings(
    council_session: CouncilSession, body: Body, meeting: Meeting | None = None
) -> list[Meeting]:
    """Return the body's meetings in the session, other than ``meeting``."""
    return [m for m in council_session.meetings if m.body_id == body.id and m is not meeting]


def _check(
    candidate: rules.MeetingFacts,
    council_session: CouncilSession,
    body: Body,
    siblings: list[Meeting],
    status: MeetingStatus,
) -> list[str]:
    """Run the rules on a meeting as it would be; raise on errors, return the warnings."""
    found = rules.check_meeting(
        candidate,
        session_facts(council_session),
        body.name,
        body.is_active_on(candidate.day),
        [facts(m) for m in siblings],
        holidays_between(candidate.day, candidate.day),
    )
    if status is MeetingStatus.HELD and candidate.day > today_kst():
        found.error("status", f"{format_date(candidate.day)} 회의는 아직 열리지 않았습니다.")
    if found.errors:
        raise RuleViolation(found.errors)
    return found.warnings


def _renumber(meeting: Meeting) -> None:
    """Give the body's meetings in the session their 차수 in date order.

    Other meetings whose number moves count as changed for the calendar; the caller
    accounts for ``meeting`` itself.
    """
    group = [*_siblings(meeting.council_session, meeting.body, meeting), meeting]
    numbers = rules.sitting_numbers(facts(m) for m in group)
    moment = now()
    for member in group:
        wanted = numbers.get(member.id)
        if wanted is None or wanted == member.sitting:
            continue
        member.sitting = wanted
        if member is not meeting:
            member.revision += 1
            member.updated_at = moment


def create_meeting(council: Council, command: MeetingCommand) -> Outcome:
    """Schedule a meeting after checking it against its session and the body's other meetings."""
    values = _values(command)
    council_session, body = _resolve(council, values.pop("session"), values.pop("body"))
    asked_sitting = values.pop("sitting")
    values["status"] = values["status"] or MeetingStatus.SCHEDULED
    if values["status"] is not MeetingStatus.SCHEDULED:
        raise RuleViolation("새 회의는 '예정' 상태로 만듭니다.", "status")
    candidate = rules.MeetingFacts(
        id=None,
        body_id=body.id,
        day=values["date"],
        start=values["start_time"],
        end=values["end_time"],
        sitting=asked_sitting,
    )
    siblings = _siblings(council_session, body)
    warnings = _check(candidate, council_session, body, siblings, values["status"])
    meeting = Meeting(council_session=council_session, body=body, sitting=0, **values)
    db.session.add(meeting)
    db.session.flush()  # the new meeting needs its id to take its place in the numbering
    _renumber(meeting)
    audit.record("meeting.create", meeting, after=snapshot(meeting))
    return Outcome(meeting, warnings)


def update_meeting(meeting: Meeting, command: MeetingCommand) -> Outcome:
    """Change the fields a (partial) command names; a calendar change raises the SEQUENCE."""
    values = _values(command)
    before = snapshot(meeting)
    for name, label in (("session", meeting.council_session.number), ("body", meeting.body.slug)):
        if name in values and values.pop(name) != label:
            raise RuleViolation(
                "회의의 회기와 회의체는 바꿀 수 없습니다: 이 회의를 취소하고 새로 만드세요.", name
            )
    asked_sitting = values.pop("sitting", None)
    new_status = values.pop("status", None)
    moving = new_status is not None and new_status is not meeting.status
    if moving and new_status not in TRANSITIONS[meeting.status]:
        raise RuleViolation(
            f"회의 상태를 '{meeting.status.label}'에서 '{new_status.label}'(으)로 바꿀 수 없습니다.",
            "status",
        )
    # Status and public flag decide whether the minutes are public: the index must follow.
    change_state(meeting, status=new_status, public=values.pop("public", None))
    for name, value in values.items():
        setattr(meeting, name, value)
    candidate = rules.MeetingFacts(**{**facts(meeting).__dict__, "sitting": asked_sitting})
    council_session, body = meeting.council_session, meeting.body
    siblings = _siblings(council_session, body, meeting)
    warnings = _check(candidate, council_session, body, siblings, meeting.status)
    _renumber(meeting)
    after = snapshot(meeting)
    if after != before:
        if any(before[k] != after[k] for k in CALENDAR_FIELDS):
            meeting.revision += 1
        meeting.updated_at = now()
        audit.record(
            "meeting.update", meeting, before=before, after=after, reason=command.reason or None
        )
    return Outcome(meeting, warnings)


def meetings_between(
    council: Council, start: date | None, end: date | None, body: Body | None = None
) -> list[Meeting]:
    """Return the council's meetings in a date window, in time order."""
    return list(db.session.scalars(meetings_query(council, start, end, body)))


def meetings_query(
    council: Council,
    start: date | None,
    end: date | None,
    body: Body | None = None,
    council_session: CouncilSession | None = None,
) -> Select:
    """Select the council's meetings in a date window (of one body, one session), in time order."""
    stmt = (
        select(Meeting)
        .join(Meeting.council_session)
        .where(CouncilSession.council_id == council.id)
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
        # Each meeting is shown by name: its session's and body's, loaded with it.
        .options(contains_eager(Meeting.council_session), joinedload(Meeting.body))
    )
    if start:
        stmt = stmt.where(Meeting.date >= start)
    if end:
        stmt = stmt.where(Meeting.date <= end)
    if body:
        stmt = stmt.where(Meeting.body_id == body.id)
    if council_session:
        stmt = stmt.where(Meeting.session_id == council_session.id)
    return stmt


@session_changing.connect
def follow_session(council_session: CouncilSession, *, before: dict) -> None:
    """Keep a changed session's meetings inside it; cancelling it cancels them.

    A session with a meeting already held cannot be cancelled. When the session's name or
    state changes, every meeting counts as changed for the calendar.
    """
    meetings = council_session.meetings
    cancelling = council_session.is_cancelled and before["status"] != SessionStatus.CANCELLED.value
    if cancelling and any(m.status is MeetingStatus.HELD for m in meetings):
        raise RuleViolation("이미 열린 회의가 있는 회기는 취소할 수 없습니다.", "status")
    start, end = council_session.start, council_session.end
    outside = [
        m
        for m in meetings
        if m.status is not MeetingStatus.CANCELLED and not start <= m.date <= end
    ]
    if outside:
        names = ", ".join(f"{m.body.name} 제{m.sitting}차({format_date(m.date)})" for m in outside)
        raise RuleViolation(
            f"새 회기 기간 밖에 회의가 있습니다: {names}. 먼저 회의 일정을 옮기세요.", "start"
        )
    after = session_snapshot(council_session)
    if after == before:
        return
    moment = now()
    renamed = any(before[k] != after[k] for k in ("number", "kind", "status"))
    for meeting in meetings:
        if council_session.is_cancelled and meeting.status is not MeetingStatus.CANCELLED:
            change_state(meeting, status=MeetingStatus.CANCELLED)
        elif not renamed:
            continue
        meeting.revision += 1
        meeting.updated_at = moment
