"""Verbs on meetings: schedule, change, hold, postpone, cancel; 차수 kept in date order."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import audit
from ..core.errors import RuleViolation
from ..core.holidays import holidays_between
from ..core.inputs import Reader
from ..core.time import format_date, now, today_kst
from ..council.models import Body, Council
from ..council.services import body_by_slug
from ..extensions import db
from ..sessions import rules
from ..sessions.models import CouncilSession
from ..sessions.services import Outcome, find_session
from ..sessions.services import facts as session_facts
from .models import Meeting, MeetingStatus
from .state import change_state

LABELS = {
    "session": "회기",
    "body": "회의체",
    "sitting": "차수",
    "date": "날짜",
    "start": "시작 시각",
    "end": "끝나는 시각",
    "place": "장소",
    "status": "상태",
    "public": "공개 여부",
    "video_url": "영상 주소",
    "sign_language_video_url": "수어 영상 주소",
    "note": "비고",
}

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
        "note": meeting.note,
    }


def _read(data: dict, *, creating: bool) -> dict:
    """Read the meeting fields in ``data``: all required ones when creating, else those named."""
    reader = Reader(data, LABELS)

    def needed(name: str) -> bool:
        return creating or reader.has(name)

    values = {
        "session": reader.integer("session", required=needed("session")),
        "body": reader.text("body", 40, required=needed("body")),
        "sitting": reader.integer("sitting"),
        "date": reader.date("date", required=needed("date")),
        "start_time": reader.time("start", required=needed("start")),
        "end_time": reader.time("end"),
        "place": reader.text("place", 100) or "",
        "status": reader.choice("status", MeetingStatus),
        "public": reader.boolean("public", default=True),
        "video_url": _url(reader, "video_url"),
        "sign_language_video_url": _url(reader, "sign_language_video_url"),
        "note": reader.text("note", 2000) or "",
    }
    reader.done()
    if creating:
        return values
    named = {"start_time": "start", "end_time": "end"}
    return {k: v for k, v in values.items() if named.get(k, k) in data}


def _url(reader: Reader, name: str) -> str | None:
    value = reader.text(name, 500)
    if value and not value.startswith(("https://", "http://")):
        reader.errors.append((name, f"{LABELS[name]}는 http:// 또는 https://로 시작해야 합니다."))
        return None
    return value


def _resolve(council: Council, values: dict) -> tuple[CouncilSession, Body]:
    session = find_session(council, values["session"])
    body = body_by_slug(council, values["body"])
    errors = []
    if session is None:
        errors.append(("session", f"제{values['session']}회 회기가 없습니다."))
    if body is None:
        errors.append(("body", f"'{values['body']}' 회의체가 없습니다."))
    if errors:
        raise RuleViolation(errors)
    return session, body


def _siblings(session: CouncilSession, body: Body, meeting: Meeting | None = None) -> list[Meeting]:
    """Return the body's meetings in the session, other than ``meeting``."""
    return [m for m in session.meetings if m.body_id == body.id and m is not meeting]


def _check(
    candidate: rules.MeetingFacts,
    session: CouncilSession,
    body: Body,
    siblings: list[Meeting],
    status: MeetingStatus,
) -> list[str]:
    """Run the rules on a meeting as it would be; raise on errors, return the warnings."""
    found = rules.check_meeting(
        candidate,
        session_facts(session),
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


def create_meeting(council: Council, data: dict) -> Outcome:
    """Schedule a meeting after checking it against its session and the body's other meetings."""
    values = _read(data, creating=True)
    session, body = _resolve(council, values)
    asked_sitting = values.pop("sitting")
    del values["session"], values["body"]
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
    warnings = _check(candidate, session, body, _siblings(session, body), values["status"])
    meeting = Meeting(council_session=session, body=body, sitting=0, **values)
    db.session.add(meeting)
    db.session.flush()  # the new meeting needs its id to take its place in the numbering
    _renumber(meeting)
    audit.record("meeting.create", meeting, after=snapshot(meeting))
    return Outcome(meeting, warnings)


def update_meeting(meeting: Meeting, data: dict, reason: str | None = None) -> Outcome:
    """Change a meeting; a change calendars must see raises its revision (SEQUENCE)."""
    values = _read(data, creating=False)
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
    session, body = meeting.council_session, meeting.body
    warnings = _check(candidate, session, body, _siblings(session, body, meeting), meeting.status)
    _renumber(meeting)
    after = snapshot(meeting)
    if after != before:
        if any(before[k] != after[k] for k in CALENDAR_FIELDS):
            meeting.revision += 1
        meeting.updated_at = now()
        audit.record("meeting.update", meeting, before=before, after=after, reason=reason)
    return Outcome(meeting, warnings)


def meetings_between(
    council: Council, start: date | None, end: date | None, body: Body | None = None
) -> list[Meeting]:
    """Return the council's meetings in a date window, in time order."""
    stmt = (
        select(Meeting)
        .join(Meeting.council_session)
        .where(CouncilSession.council_id == council.id)
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    if start:
        stmt = stmt.where(Meeting.date >= start)
    if end:
        stmt = stmt.where(Meeting.date <= end)
    if body:
        stmt = stmt.where(Meeting.body_id == body.id)
    return list(db.session.scalars(stmt))
