"""Verbs on sessions: create, change, move through their states. Every path goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..core import audit
from ..core.errors import NotFound, RuleViolation
from ..core.inputs import Reader
from ..core.time import format_date, now
from ..council.models import Council
from ..council.services import term_on
from ..extensions import db
from ..meetings.models import MeetingStatus
from ..meetings.state import change_state
from . import rules
from .models import CouncilSession, PublicHoliday, SessionKind, SessionStatus

LABELS = {
    "number": "회기 번호",
    "kind": "회기 종류",
    "start": "시작일",
    "end": "종료일",
    "status": "상태",
    "notice_date": "공고일",
    "urgent": "긴급 여부",
    "convening_change_resolved": "집회일 변경 의결",
    "main_items": "주요 안건",
    "note": "비고",
}

#: Fields whose change calendars must see (they raise the session span's SEQUENCE).
CALENDAR_FIELDS = ("number", "kind", "start", "end", "status")

#: Which states a session may move to from each state.
TRANSITIONS: dict[SessionStatus, set[SessionStatus]] = {
    SessionStatus.PLANNED: {SessionStatus.CONFIRMED, SessionStatus.CANCELLED},
    SessionStatus.CONFIRMED: {
        SessionStatus.PLANNED,
        SessionStatus.IN_SESSION,
        SessionStatus.CANCELLED,
    },
    SessionStatus.IN_SESSION: {SessionStatus.CLOSED},
    SessionStatus.CLOSED: set(),
    SessionStatus.CANCELLED: {SessionStatus.PLANNED},
}


@dataclass
class Outcome:
    """A saved change and the warnings that go with it."""

    obj: Any
    warnings: list[str]


def rules_profile(council: Council):
    """Return the rules in force for ``council``."""
    return council.rules_profile(current_app.config.get("COUNCIL_RULES"))


def facts(session: CouncilSession) -> rules.SessionFacts:
    """Describe a stored session for the rules."""
    return rules.SessionFacts(
        number=session.number,
        regular=session.kind is SessionKind.REGULAR,
        start=session.start,
        end=session.end,
        cancelled=session.is_cancelled,
        notice_date=session.notice_date,
        urgent=session.urgent,
        convening_change_resolved=session.convening_change_resolved,
    )


def snapshot(session: CouncilSession) -> dict:
    """Return the session's fields as JSON-ready data, for the audit log."""
    return {
        "number": session.number,
        "kind": session.kind.value,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "status": session.status.value,
        "notice_date": session.notice_date.isoformat() if session.notice_date else None,
        "urgent": session.urgent,
        "convening_change_resolved": session.convening_change_resolved,
        "main_items": session.main_items,
        "note": session.note,
    }


def _read(data: dict, *, creating: bool) -> dict:
    """Read the session fields in ``data``: all of them when creating, else those it names."""
    reader = Reader(data, LABELS)

    def needed(name: str) -> bool:
        return creating or reader.has(name)

    items = data.get("main_items")
    if isinstance(items, list):
        items = "\n".join(str(i) for i in items)
    values = {
        "number": reader.integer("number", required=needed("number")),
        "kind": reader.choice("kind", SessionKind, required=needed("kind")),
        "start": reader.date("start", required=needed("start")),
        "end": reader.date("end", required=needed("end")),
        "status": reader.choice("status", SessionStatus),
        "notice_date": reader.date("notice_date"),
        "urgent": reader.boolean("urgent", default=False),
        "convening_change_resolved": reader.boolean("convening_change_resolved", default=False),
        "note": reader.text("note", 2000) or "",
        "main_items": Reader({"main_items": items}, LABELS).text("main_items", 2000) or "",
    }
    reader.done()
    if creating:
        return values
    return {name: value for name, value in values.items() if name in data}


def _others(council: Council, exclude: CouncilSession | None = None) -> list[CouncilSession]:
    stmt = select(CouncilSession).where(CouncilSession.council_id == council.id)
    return [s for s in db.session.scalars(stmt) if s is not exclude]


def _check(candidate: rules.SessionFacts, others, profile) -> list[str]:
    found = rules.check_session(candidate, [facts(o) for o in others], profile)
    if any(o.number == candidate.number for o in others):
        found.error("number", f"제{candidate.number}회는 이미 있습니다.")
    if found.errors:
        raise RuleViolation(found.errors)
    return found.warnings


def create_session(council: Council, data: dict) -> Outcome:
    """Add a session after checking it against the ordinance and the other sessions."""
    values = _read(data, creating=True)
    values["status"] = values["status"] or SessionStatus.PLANNED
    if values["status"] not in (SessionStatus.PLANNED, SessionStatus.CONFIRMED):
        raise RuleViolation("새 회기는 '계획' 또는 '확정' 상태로만 만들 수 있습니다.", "status")
    term = term_on(council, values["start"])
    if term is None:
        raise RuleViolation(
            f"{format_date(values['start'])}을 포함하는 대수(임기)가 없습니다.", "start"
        )
    session = CouncilSession(
        council=council,
        term=term,
        **values,
    )
    warnings = _check(facts(session), _others(council), rules_profile(council))
    db.session.add(session)
    audit.record("session.create", session, after=snapshot(session))
    return Outcome(session, warnings)


def update_session(session: CouncilSession, data: dict, reason: str | None = None) -> Outcome:
    """Change a session's fields or state; its meetings follow where they must."""
    values = _read(data, creating=False)
    before = snapshot(session)
    new_status = values.pop("status", None)
    if new_status is not None and new_status is not session.status:
        _check_transition(session, new_status)
    for name, value in values.items():
        setattr(session, name, value)
    if new_status is not None:
        session.status = new_status
    council = session.council
    term = term_on(council, session.start)
    if term is None:
        raise RuleViolation(
            f"{format_date(session.start)}을 포함하는 대수(임기)가 없습니다.", "start"
        )
    session.term = term
    warnings = _check(facts(session), _others(council, session), rules_profile(council))
    _check_meetings_inside(session)
    after = snapshot(session)
    if after != before:
        if any(before[k] != after[k] for k in CALENDAR_FIELDS):
            session.revision += 1
        _follow_meetings(session, before)
        audit.record("session.update", session, before=before, after=after, reason=reason)
    return Outcome(session, warnings)


def _check_transition(session: CouncilSession, new_status: SessionStatus) -> None:
    if new_status not in TRANSITIONS[session.status]:
        raise RuleViolation(
            f"회기 상태를 '{session.status.label}'에서 '{new_status.label}'(으)로 바꿀 수 없습니다.",
            "status",
        )
    if new_status is SessionStatus.CANCELLED and any(
        m.status is MeetingStatus.HELD for m in session.meetings
    ):
        raise RuleViolation("이미 열린 회의가 있는 회기는 취소할 수 없습니다.", "status")


def _check_meetings_inside(session: CouncilSession) -> None:
    outside = [
        m
        for m in session.meetings
        if m.status is not MeetingStatus.CANCELLED and not session.start <= m.date <= session.end
    ]
    if outside:
        names = ", ".join(f"{m.body.name} 제{m.sitting}차({format_date(m.date)})" for m in outside)
        raise RuleViolation(
            f"새 회기 기간 밖에 회의가 있습니다: {names}. 먼저 회의 일정을 옮기세요.", "start"
        )


def _follow_meetings(session: CouncilSession, before: dict) -> None:
    """Cancel the meetings of a cancelled session; mark all as changed for the calendar."""
    moment = now()
    name_or_state_changed = any(
        before[k] != v for k, v in snapshot(session).items() if k in {"number", "kind", "status"}
    )
    for meeting in session.meetings:
        if session.is_cancelled and meeting.status is not MeetingStatus.CANCELLED:
            change_state(meeting, status=MeetingStatus.CANCELLED)
        elif not name_or_state_changed:
            continue
        meeting.revision += 1
        meeting.updated_at = moment


def sessions_in_year(council: Council, year: int) -> list[CouncilSession]:
    """Return the sessions that have at least one day in ``year``, in date order."""
    stmt = (
        select(CouncilSession)
        .where(
            CouncilSession.council_id == council.id,
            CouncilSession.start <= date(year, 12, 31),
            CouncilSession.end >= date(year, 1, 1),
        )
        .order_by(CouncilSession.start)
    )
    return list(db.session.scalars(stmt))


def find_session(council: Council, number: int) -> CouncilSession | None:
    """Return the council's session with this number."""
    return db.session.scalar(
        select(CouncilSession).where(
            CouncilSession.council_id == council.id, CouncilSession.number == number
        )
    )


def all_sessions(council: Council) -> list[CouncilSession]:
    """Return every session of the council in date order."""
    stmt = (
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id)
        .order_by(CouncilSession.start)
    )
    return list(db.session.scalars(stmt))


def public_holidays() -> list[PublicHoliday]:
    """Return the days off the secretariat added, newest first."""
    return list(db.session.scalars(select(PublicHoliday).order_by(PublicHoliday.day.desc())))


def add_public_holiday(data: dict) -> PublicHoliday:
    """Add a day off (임시공휴일) that the holiday calendar does not know."""
    reader = Reader(data, {"day": "날짜", "name": "이름"})
    day = reader.date("day", required=True)
    name = reader.text("name", 60, required=True)
    reader.done()
    if db.session.scalar(select(PublicHoliday.id).where(PublicHoliday.day == day)):
        raise RuleViolation(f"{format_date(day)}은 이미 휴일로 등록되어 있습니다.", "day")
    holiday = PublicHoliday(day=day, name=name)
    db.session.add(holiday)
    audit.record("holiday.add", holiday, after={"day": day.isoformat(), "name": name})
    return holiday


def remove_public_holiday(holiday_id: int) -> None:
    """Remove a day off the secretariat added."""
    holiday = db.session.get(PublicHoliday, holiday_id)
    if holiday is None:
        raise NotFound("그런 휴일이 없습니다.")
    audit.record("holiday.remove", holiday, before={"day": holiday.day.isoformat()})
    db.session.delete(holiday)
