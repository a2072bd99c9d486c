"""Verbs on sessions: create, change, move through their states. Every path goes through here.

Meetings build on sessions, so this module does not know them: a change announces itself
on :data:`session_changing`, and the meetings package checks and follows its meetings there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from blinker import Namespace
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import audit
from ..core.commands import given, spec
from ..core.errors import RuleViolation
from ..core.time import format_date
from ..council.models import Council
from ..council.services import term_on
from ..extensions import db
from . import rules
from .models import CouncilSession, SessionKind, SessionStatus

#: The longest the main items may be, all lines together.
MAIN_ITEMS_LENGTH = 2000


@dataclass(frozen=True)
class SessionCommand:
    """Create a session, or (read with ``partial=True``) change the fields the input names."""

    number: int = spec("회기 번호")
    kind: SessionKind = spec("회기 종류")
    start: date = spec("시작일")
    end: date = spec("종료일")
    status: SessionStatus | None = spec("상태", default=None)
    notice_date: date | None = spec("공고일", default=None)
    urgent: bool = spec("긴급 여부", default=False)
    convening_change_resolved: bool = spec("집회일 변경 의결", default=False)
    #: One item a line on a page, a list in JSON.
    main_items: tuple[str, ...] = spec("주요 안건", default=(), max_length=MAIN_ITEMS_LENGTH)
    note: str = spec("비고", default="")
    #: Why a session changes, for the audit log (a new session needs none).
    reason: str | None = spec("사유", default=None, max_length=500)


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

_signals = Namespace()

#: Sent with the changed session and ``before`` (its :func:`snapshot` before the change) once
#: the session's own rules pass; a receiver refuses by raising, and nothing is saved.
session_changing = _signals.signal("session-changing")


@dataclass
class Outcome:
    """A saved change and the warnings that go with it."""

    obj: Any
    warnings: list[str]


def rules_profile(council: Council):
    """Return the rules in force for ``council``."""
    return council.rules_profile(current_app.config.get("COUNCIL_RULES"))


def facts(council_session: CouncilSession) -> rules.SessionFacts:
    """Describe a stored session for the rules."""
    return rules.SessionFacts(
        number=council_session.number,
        regular=council_session.kind is SessionKind.REGULAR,
        start=council_session.start,
        end=council_session.end,
        cancelled=council_session.is_cancelled,
        notice_date=council_session.notice_date,
        urgent=council_session.urgent,
        convening_change_resolved=council_session.convening_change_resolved,
    )


def snapshot(council_session: CouncilSession) -> dict:
    """Return the session's fields as JSON-ready data, for the audit log."""
    return {
        "number": council_session.number,
        "kind": council_session.kind.value,
        "start": council_session.start.isoformat(),
        "end": council_session.end.isoformat(),
        "status": council_session.status.value,
        "notice_date": (
            council_session.notice_date.isoformat() if council_session.notice_date else None
        ),
        "urgent": council_session.urgent,
        "convening_change_resolved": council_session.convening_change_resolved,
        "main_items": council_session.main_items,
        "note": council_session.note,
    }


def _values(command: SessionCommand) -> dict:
    """Return the fields the command names, as the model keeps them."""
    values = given(command)
    values.pop("reason", None)
    if "main_items" in values:
        values["main_items"] = "\n".join(values["main_items"])
        if len(values["main_items"]) > MAIN_ITEMS_LENGTH:
            raise RuleViolation(
                f"주요 안건은(는) {MAIN_ITEMS_LENGTH}자 이내여야 합니다.", "main_items"
            )
    return values


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


def _term_on(council: Council, day: date):
    term = term_on(council, day)
    if term is None:
        raise RuleViolation(f"{format_date(day)}을 포함하는 대수(임기)가 없습니다.", "start")
    return term


def create_session(council: Council, command: SessionCommand) -> Outcome:
    """Add a session after checking it against the ordinance and the other sessions."""
    values = _values(command)
    values["status"] = values["status"] or SessionStatus.PLANNED
    if values["status"] not in (SessionStatus.PLANNED, SessionStatus.CONFIRMED):
        raise RuleViolation("새 회기는 '계획' 또는 '확정' 상태로만 만들 수 있습니다.", "status")
    council_session = CouncilSession(
        council=council, term=_term_on(council, values["start"]), **values
    )
    warnings = _check(facts(council_session), _others(council), rules_profile(council))
    db.session.add(council_session)
    audit.record("session.create", council_session, after=snapshot(council_session))
    return Outcome(council_session, warnings)


def update_session(council_session: CouncilSession, command: SessionCommand) -> Outcome:
    """Change the fields a (partial) command names; the session's meetings follow."""
    values = _values(command)
    before = snapshot(council_session)
    new_status = values.pop("status", None)
    if new_status is not None and new_status is not council_session.status:
        _check_transition(council_session, new_status)
    for name, value in values.items():
        setattr(council_session, name, value)
    if new_status is not None:
        council_session.status = new_status
    council = council_session.council
    council_session.term = _term_on(council, council_session.start)
    profile = rules_profile(council)
    warnings = _check(facts(council_session), _others(council, council_session), profile)
    session_changing.send(council_session, before=before)
    after = snapshot(council_session)
    if after != before:
        if any(before[k] != after[k] for k in CALENDAR_FIELDS):
            council_session.revision += 1
        audit.record(
            "session.update",
            council_session,
            before=before,
            after=after,
            reason=command.reason or None,
        )
    return Outcome(council_session, warnings)


def _check_transition(council_session: CouncilSession, new_status: SessionStatus) -> None:
    if new_status not in TRANSITIONS[council_session.status]:
        raise RuleViolation(
            f"회기 상태를 '{council_session.status.label}'에서 '{new_status.label}'(으)로 "
            "바꿀 수 없습니다.",
            "status",
        )


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


def sessions_changed_since(council: Council, since: datetime) -> list[CouncilSession]:
    """Return the sessions changed at or after ``since``, in date order (for syncing clients)."""
    stmt = (
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id, CouncilSession.updated_at >= since)
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


def session_with_meetings(council: Council, number: int) -> CouncilSession | None:
    """Return the session with its meetings and their bodies, as its page names them all.

    ``meetings`` is the backref meetings/models.py adds; its class is reached through the
    relationship, since this layer does not import the one above.
    """
    meetings = CouncilSession.meetings
    return db.session.scalar(
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id, CouncilSession.number == number)
        .options(selectinload(meetings).joinedload(meetings.property.mapper.class_.body))
    )


def all_sessions(council: Council) -> list[CouncilSession]:
    """Return every session of the council in date order."""
    stmt = (
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id)
        .order_by(CouncilSession.start)
    )
    return list(db.session.scalars(stmt))
