"""Build the demo council from the facts file; every step looks before it adds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from importlib import resources

from sqlalchemy import select

from ..auth import services as auth_services
from ..auth.models import User
from ..core.commands import read_command
from ..core.holidays import holidays_between, is_day_off
from ..core.time import today_kst
from ..council.models import (
    Body,
    BodyKind,
    Council,
    Member,
    Membership,
    MembershipRole,
    Term,
)
from ..council.services import term_on
from ..extensions import db
from ..meetings import services as meeting_services
from ..meetings.services import MeetingCommand
from ..sessions import services as session_services
from ..sessions.services import SessionCommand
from . import minutes_example
from .agenda import load_agenda

#: Demo logins, printed by ``demo load``; never use them outside a demo.
DEMO_USERS = (
    ("admin", "demo-admin-2023", "admin"),
    ("secretariat", "demo-secretariat-2023", "secretariat"),
    ("stenographer", "demo-steno-2023", "stenographer"),
)
DISPLAY_NAMES = {
    "admin": "관리자(예시)",
    "secretariat": "의사팀(예시)",
    "stenographer": "속기사(예시)",
}

#: URL names of Geumcheon's bodies, by their Korean names.
BODY_SLUGS = {
    "본회의": "plenary",
    "의회운영위원회": "steering",
    "행정재경위원회": "admin-finance",
    "복지건설위원회": "welfare-construction",
    "예산결산특별위원회": "budget",
    "윤리특별위원회": "ethics",
    "행정사무감사특별위원회": "audit",
}

#: The terms around the facts file's: the 2022 sessions 234–235 fall in the 8th; the 10th,
#: elected in June 2026, is the one sitting now.
OTHER_TERMS = (
    {"number": 8, "start": "2018-07-01", "end": "2022-06-30"},
    {"number": 10, "start": "2026-07-01", "end": "2030-06-30"},
)

#: Ten councillors with names that are plainly samples (가상 = "imaginary").
SAMPLE_MEMBERS = (
    "김가상",
    "이가상",
    "박가상",
    "최가상",
    "정가상",
    "강가상",
    "조가상",
    "윤가상",
    "장가상",
    "임가상",
)


@dataclass
class Report:
    """What the loader added, line by line."""

    lines: list[str] = field(default_factory=list)

    def add(self, what: str, count: int) -> None:
        self.lines.append(f"{what}: {count}건 추가" if count else f"{what}: 변경 없음")


def facts() -> dict:
    """Return the council's facts shipped with the package."""
    text = resources.files(__package__).joinpath("data/geumcheon_sessions.json").read_text("utf-8")
    return json.loads(text)


def load_all(*, example_session: bool = True) -> Report:
    """Load every part of the demo; ``example_session=False`` leaves out the made-up one."""
    report = Report()
    data = facts()
    council = load_council(data, report)
    load_users(report)
    db.session.flush()
    load_sessions(council, data, report)
    if example_session:
        load_example_session(council, report)
    load_agenda(council, data, report)
    load_minutes(council, report)
    report.lines.insert(0, f"{council.name} 예시 자료")
    return report


def load_council(data: dict, report: Report) -> Council:
    """Add the council, its term, bodies, sample members and memberships."""
    info = data["council"]
    council = db.session.scalar(select(Council).where(Council.name == info["name"]))
    added = 0
    if council is None:
        council = Council(
            name=info["name"], name_en=info["name_en"], timezone=info["timezone"], rules={}
        )
        db.session.add(council)
        added += 1
    term = None
    for term_info in sorted((*OTHER_TERMS, info["term"]), key=lambda t: t["number"]):
        term = db.session.scalar(
            select(Term).where(Term.council == council, Term.number == term_info["number"])
        )
        if term is None:
            term = Term(
                council=council,
                number=term_info["number"],
                start=date.fromisoformat(term_info["start"]),
                end=date.fromisoformat(term_info["end"]),
            )
            db.session.add(term)
            added += 1
    report.add("의회·대수", added)
    # The sample members and committees stand for the facts file's term.
    term = next(t for t in council.terms if t.number == info["term"]["number"])

    added = 0
    for entry in info["bodies"]:
        slug = BODY_SLUGS[entry["name"]]
        if db.session.scalar(select(Body).where(Body.council == council, Body.slug == slug)):
            continue
        db.session.add(
            Body(
                council=council,
                kind=BodyKind(entry["kind"]),
                name=entry["name"],
                short_name=entry.get("short"),
                slug=slug,
            )
        )
        added += 1
    report.add("본회의·위원회", added)
    db.session.flush()
    load_members(council, term, report)
    return council


def load_members(council: Council, term: Term, report: Report) -> None:
    """Add the ten sample members and seat them in the plenary and a standing committee."""
    bodies = {b.slug: b for b in council.bodies}
    standing = ["steering", "admin-finance", "welfare-construction"]
    added = 0
    for index, name in enumerate(SAMPLE_MEMBERS):
        if db.session.scalar(select(Member).where(Member.council == council, Member.name == name)):
            continue
        member = Member(council_id=council.id, name=name)
        db.session.add(member)
        plenary_role = (
            MembershipRole.CHAIR
            if index == 0
            else (MembershipRole.VICE_CHAIR if index == 1 else MembershipRole.MEMBER)
        )
        db.session.add(
            Membership(member=member, body=bodies["plenary"], role=plenary_role, start=term.start)
        )
        committee = bodies[standing[index % 3]]
        role = MembershipRole.CHAIR if index in (2, 3, 4) else MembershipRole.MEMBER
        db.session.add(Membership(member=member, body=committee, role=role, start=term.start))
        added += 1
    report.add("의원(예시)", added)


def load_users(report: Report) -> None:
    """Add one demo account per role."""
    added = 0
    for username, password, role in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        auth_services.create_user(username, password, role, DISPLAY_NAMES[role])
        added += 1
    report.add("예시 계정", added)


#: Regular sessions that opened on another day by a 집회일 변경 resolution.
CONVENING_CHANGED = {238, 246}
PLENARY_HOURS = (time(10, 0), time(12, 0))
COMMITTEE_HOURS = (time(10, 0), time(17, 0))
STANDING = ("steering", "admin-finance", "welfare-construction")


def _session_entries(data: dict) -> list[dict]:
    """Return the 2022 and 2023 sessions of the facts file, in date order."""
    return [*data["sessions_2022_actual"]["sessions"], *data["sessions_2023_plan"]["sessions"]]


def _agenda_titles(entry: dict) -> list[str]:
    return [a if isinstance(a, str) else a["title"] for a in entry.get("agenda", [])]


def load_sessions(council: Council, data: dict, report: Report) -> None:
    """Add the 2022–2023 sessions through the services, with plausible meetings.

    Sessions that ended before today are closed and their meetings held, as they were.
    """
    added_sessions = added_meetings = 0
    for entry in _session_entries(data):
        if session_services.find_session(council, entry["number"]):
            continue
        titles = _agenda_titles(entry)
        command = read_command(
            SessionCommand,
            {
                "number": entry["number"],
                "kind": entry["kind"],
                "start": entry["start"],
                "end": entry["end"],
                "status": "confirmed",
                "convening_change_resolved": entry["number"] in CONVENING_CHANGED,
                "main_items": titles,
            },
        )
        council_session = session_services.create_session(council, command).obj
        added_sessions += 1
        for body_slug, day, hours in _meeting_plan(council_session, titles):
            place = PLACES.get(body_slug, "위원회 회의실")
            _add_meeting(council, council_session, body_slug, day, hours, place)
            added_meetings += 1
        _settle(council_session, entry.get("status", "closed"))
    report.add("회기(2022–2023)", added_sessions)
    report.add("회의", added_meetings)


PLACES = {
    "plenary": "본회의장",
    "steering": "의회운영위원회 회의실",
    "admin-finance": "행정재경위원회 회의실",
    "welfare-construction": "복지건설위원회 회의실",
    "budget": "예산결산특별위원회 회의실",
    "ethics": "윤리특별위원회 회의실",
    "audit": "행정사무감사특별위원회 회의실",
}


def _add_meeting(council, council_session, body_slug: str, day: date, hours, place: str) -> None:
    """Schedule one demo meeting through the service, as the secretariat would."""
    fields = {"session": council_session.number, "body": body_slug, "date": day}
    fields |= {"start": hours[0], "end": hours[1], "place": place}
    meeting_services.create_meeting(council, read_command(MeetingCommand, fields))


def _change_session(council_session, **fields) -> None:
    command = read_command(SessionCommand, fields, partial=True)
    session_services.update_session(council_session, command)


def _hold(meeting) -> None:
    command = read_command(MeetingCommand, {"status": "held"}, partial=True)
    meeting_services.update_meeting(meeting, command)


def _meeting_plan(council_session, titles: list[str]) -> list[tuple[str, date, tuple[time, time]]]:
    """Lay out plausible meetings: the plenary first and last, committees between."""
    start, end = council_session.start, council_session.end
    working = _working_days(start, end, holidays_between(start, end))
    if not working:
        return []
    plan = [("plenary", working[0], PLENARY_HOURS)]
    between = working[1:-1]
    text = " ".join(titles)
    committees = list(STANDING)
    if "예산" in text or "결산" in text:
        committees.append("budget")
    if "행정사무감사" in text and council_session.kind.value == "regular":
        committees.append("audit")
    for index, slug in enumerate(committees):
        if between:
            plan.append((slug, between[min(index // 3, len(between) - 1)], COMMITTEE_HOURS))
    if len(working) > 1:
        plan.append(("plenary", working[-1], PLENARY_HOURS))
    return plan


def _settle(council_session, facts_status: str) -> None:
    """Bring a past session to its end (closed, meetings held); leave future ones as planned."""
    if council_session.end >= today_kst():
        if facts_status == "planned":
            _change_session(council_session, status="planned")
        return
    _change_session(council_session, status="in_session")
    for meeting in list(council_session.meetings):
        _hold(meeting)
    _change_session(council_session, status="closed")


#: Marks the one session the demo makes up around today; no real session carries it.
EXAMPLE_NOTE = "예시 회기: 시연을 위해 오늘 날짜를 기준으로 만든 일정입니다. 실제 회기가 아닙니다."
EXAMPLE_MEETINGS = ("plenary", "admin-finance", "welfare-construction", "steering", "plenary")


def load_example_session(council: Council, report: Report) -> None:
    """Add one extraordinary session around today (예시), so the demo has work due and ahead.

    It opens two working days ago: its first meetings are held and await minutes, the rest
    lie ahead for the home page and the calendar. Once made it is kept, whatever the date.
    """
    council_sessions = session_services.all_sessions(council)
    if any(s.note == EXAMPLE_NOTE for s in council_sessions):
        report.add("예시 회기(오늘 기준)", 0)
        return
    today = today_kst()
    days_off = holidays_between(today - timedelta(days=14), today + timedelta(days=30))
    working = _working_days(today - timedelta(days=14), today + timedelta(days=30), days_off)
    first = [d for d in working if d < today][-2]
    days = [d for d in working if d >= first][: len(EXAMPLE_MEETINGS)]
    if term_on(council, first) is None or term_on(council, days[-1]) is None:
        report.add("예시 회기(오늘 기준)", 0)
        return
    command = read_command(
        SessionCommand,
        {
            "number": max((s.number for s in council_sessions), default=0) + 1,
            "kind": "extraordinary",
            "start": first,
            "end": days[-1],
            "status": "confirmed",
            "notice_date": first - timedelta(days=7),
            "main_items": ["구정 현안 보고(예시)", "부의안건(예시)"],
            "note": EXAMPLE_NOTE,
        },
    )
    council_session = session_services.create_session(council, command).obj
    for slug, day in zip(EXAMPLE_MEETINGS, days, strict=True):
        hours = PLENARY_HOURS if slug == "plenary" else COMMITTEE_HOURS
        _add_meeting(council, council_session, slug, day, hours, PLACES[slug])
    _change_session(council_session, status="in_session")
    for meeting in list(council_session.meetings):
        if meeting.date < today:
            _hold(meeting)
    report.add("예시 회기(오늘 기준)", 1)


def _working_days(start: date, end: date, days_off: dict[date, str]) -> list[date]:
    """Return the working days from ``start`` to ``end`` inclusive."""
    span = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in span if not is_day_off(day, days_off)]


def load_minutes(council: Council, report: Report) -> None:
    """Add example minutes (예시) to the latest past meetings: on time, late, one still due."""
    report.add("회의록(예시)", minutes_example.load(council))
