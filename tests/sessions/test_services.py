"""Sessions and meetings through the services: rules hold on every path, nothing half-saved."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from council_app.core.commands import read_command
from council_app.core.errors import RuleViolation
from council_app.core.models import AuditEvent
from council_app.core.time import kst_datetime
from council_app.extensions import db
from council_app.meetings import services as meetings
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.meetings.services import MeetingCommand
from council_app.sessions import services as sessions
from council_app.sessions.models import CouncilSession, SessionStatus
from council_app.sessions.plan import annual_plan
from council_app.sessions.services import SessionCommand


def create_session(council, data):
    return sessions.create_session(council, read_command(SessionCommand, data))


def update_session(council_session, data, reason=None):
    data = data | ({"reason": reason} if reason else {})
    return sessions.update_session(
        council_session, read_command(SessionCommand, data, partial=True)
    )


def create_meeting(council, data):
    return meetings.create_meeting(council, read_command(MeetingCommand, data))


def update_meeting(meeting, data):
    return meetings.update_meeting(meeting, read_command(MeetingCommand, data, partial=True))


def new_session(council, number=247, kind="extraordinary", start="2024-02-13", end="2024-02-20"):
    outcome = create_session(council, {"number": number, "kind": kind, "start": start, "end": end})
    db.session.commit()
    return outcome.obj


def new_meeting(council, session, body="plenary", day="2024-02-13", start="10:00", end="12:00"):
    outcome = create_meeting(
        council, {"session": session.number, "body": body, "date": day, "start": start, "end": end}
    )
    db.session.commit()
    return outcome.obj


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_plans_add_up_as_the_council_reports(demo):
    from council_app.council.services import current_council

    council = current_council()
    plan_2023 = annual_plan(council, 2023)
    assert plan_2023.summary == "총 5회 80일 [정례회 2회 51일 / 임시회 3회 29일]"
    assert plan_2023.remaining == {"annual_days": 30, "regular_days": 4, "regular_count": 0}
    plan_2022 = annual_plan(council, 2022)
    assert plan_2022.summary == "총 8회 75일 [정례회 2회 46일 / 임시회 6회 29일]"
    assert [row.schedule for row in plan_2023.rows][2] == "6. 8.(목) ~ 6. 30.(금)"


def test_a_broken_rule_saves_nothing(council):
    with pytest.raises(RuleViolation) as caught:
        create_session(
            council,
            {"number": 247, "kind": "extraordinary", "start": "2024-03-01", "end": "2024-03-16"},
        )
    db.session.rollback()
    assert caught.value.errors == [("end", "임시회 회기는 15일 이내여야 합니다 (입력: 16일)")]
    assert count(CouncilSession) == 0 and count(AuditEvent) == 0


def test_bad_input_is_named_in_korean(council):
    with pytest.raises(RuleViolation) as caught:
        create_session(council, {"number": "두백", "kind": "weekly", "start": "2024-13-01"})
    fields = dict(caught.value.errors)
    assert fields["number"] == "회기 번호의 형식이 맞지 않습니다 (숫자)."
    assert fields["kind"].startswith("회기 종류의 형식이 맞지 않습니다")
    assert fields["start"] == "시작일의 형식이 맞지 않습니다 (예: 2023-06-08)."
    assert fields["end"] == "종료일을(를) 입력해 주세요."


def test_session_outside_every_term_is_refused(council):
    with pytest.raises(RuleViolation, match="대수"):
        create_session(
            council,
            {"number": 1, "kind": "extraordinary", "start": "2010-03-01", "end": "2010-03-02"},
        )


def test_duplicate_number_is_refused(council):
    new_session(council)
    with pytest.raises(RuleViolation, match="제247회는 이미 있습니다"):
        create_session(
            council,
            {"number": 247, "kind": "extraordinary", "start": "2024-04-01", "end": "2024-04-02"},
        )


def test_meetings_are_numbered_by_date_and_renumbered_on_insert(council):
    session = new_session(council)
    later = new_meeting(council, session, day="2024-02-16")
    earlier = new_meeting(council, session, day="2024-02-14")
    db.session.refresh(later)
    assert (earlier.sitting, later.sitting) == (1, 2)
    assert later.revision == 1  # its 차수 changed, so calendars must see it
    assert later.name == "제247회 임시회 제2차 본회의"
    committee = new_meeting(council, session, body="admin-finance", day="2024-02-15")
    assert committee.sitting == 1  # numbering is per body


def test_meeting_outside_its_session_is_refused(council):
    session = new_session(council)
    with pytest.raises(RuleViolation) as caught:
        create_meeting(
            council, {"session": 247, "body": "plenary", "date": "2024-02-21", "start": "10:00"}
        )
    assert caught.value.errors[0][0] == "date"
    db.session.rollback()
    assert count(Meeting) == 0
    assert session.meetings == []


def test_weekend_meeting_is_saved_with_a_warning(council):
    session = new_session(council)
    outcome = create_meeting(
        council,
        {"session": session.number, "body": "plenary", "date": "2024-02-17", "start": "10:00"},
    )
    assert outcome.warnings == ["2024. 2. 17.(토)은 토요일입니다."]


def test_changing_time_or_place_raises_the_revision(council):
    session = new_session(council)
    meeting = new_meeting(council, session)
    assert meeting.revision == 0
    update_meeting(meeting, {"place": "제2회의실"})
    assert meeting.revision == 1
    update_meeting(meeting, {"note": "메모"})
    assert meeting.revision == 1  # a note is not a calendar change
    update_meeting(meeting, {"start": "14:00", "end": "16:00"})
    assert meeting.revision == 2
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("meeting.update") == 3


def test_held_needs_the_day_to_have_come(council, clock):
    session = new_session(council)
    meeting = new_meeting(council, session)
    clock.move_to(kst_datetime(date(2024, 2, 12), time(23, 59)))
    with pytest.raises(RuleViolation, match="아직 열리지 않았습니다"):
        update_meeting(meeting, {"status": "held"})
    db.session.rollback()
    clock.move_to(kst_datetime(date(2024, 2, 13), time(0, 1)))
    update_meeting(meeting, {"status": "held"})
    assert meeting.status is MeetingStatus.HELD


def test_session_states_follow_their_order(council):
    session = new_session(council)
    with pytest.raises(RuleViolation, match="'계획'에서 '폐회'"):
        update_session(session, {"status": "closed"})
    db.session.rollback()
    for status in ("confirmed", "in_session", "closed"):
        update_session(session, {"status": status})
    assert session.status is SessionStatus.CLOSED


def test_cancelling_a_session_cancels_its_meetings_for_the_calendar(council):
    session = new_session(council)
    meeting = new_meeting(council, session)
    update_session(session, {"status": "cancelled"}, reason="의장 요청")
    db.session.commit()
    assert meeting.status is MeetingStatus.CANCELLED and meeting.revision == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.update"))
    assert event.reason == "의장 요청" and event.after["status"] == "cancelled"


def test_a_session_with_a_held_meeting_cannot_be_cancelled(council, clock):
    session = new_session(council)
    meeting = new_meeting(council, session)
    clock.move_to(kst_datetime(date(2024, 2, 13), time(12, 0)))
    update_meeting(meeting, {"status": "held"})
    db.session.commit()
    with pytest.raises(RuleViolation, match="이미 열린 회의가 있는 회기는 취소할 수 없습니다"):
        update_session(session, {"status": "cancelled"})
    db.session.rollback()
    assert session.status is SessionStatus.PLANNED and meeting.status is MeetingStatus.HELD


def test_rescheduling_may_not_leave_meetings_outside(council):
    session = new_session(council)
    new_meeting(council, session, day="2024-02-19")
    with pytest.raises(RuleViolation, match="새 회기 기간 밖에 회의가 있습니다"):
        update_session(session, {"end": "2024-02-16"})
    db.session.rollback()
    db.session.refresh(session)
    assert session.end == date(2024, 2, 20)


def test_shortening_to_15_days_is_accepted(council):
    with pytest.raises(RuleViolation):
        new_session(council, start="2024-03-04", end="2024-03-19")
    db.session.rollback()
    session = new_session(council, start="2024-03-04", end="2024-03-18")
    assert session.days == 15


def test_the_meetings_listen_to_every_session_change(app):
    from council_app.meetings.services import follow_session
    from council_app.sessions.services import session_changing

    assert [r() for r in session_changing.receivers.values()] == [follow_session]
