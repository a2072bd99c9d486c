"""The ordinance's checks on meetings at their edges, as pure functions."""

from __future__ import annotations

from datetime import date, time

import pytest

from council_app.core.holidays import holidays_between
from council_app.meetings import rules
from council_app.meetings.rules import MeetingFacts
from council_app.sessions.rules import SessionFacts


def extraordinary(number: int, start: date, end: date) -> SessionFacts:
    return SessionFacts(number=number, regular=False, start=start, end=end)


SESSION = extraordinary(242, date(2023, 2, 14), date(2023, 2, 23))


def meeting(day: date, start: str = "10:00", end: str | None = "12:00", **kw) -> MeetingFacts:
    return MeetingFacts(
        id=kw.pop("id", None),
        body_id=1,
        day=day,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end) if end else None,
        **kw,
    )


def check(candidate, siblings=(), session=SESSION, active=True):
    days_off = holidays_between(candidate.day, candidate.day)
    return rules.check_meeting(candidate, session, "본회의", active, list(siblings), days_off)


def test_meeting_on_the_last_day_passes_and_one_day_outside_fails(app):
    assert check(meeting(date(2023, 2, 23))).errors == []
    found = check(meeting(date(2023, 2, 24)))
    assert found.errors == [
        (
            "date",
            "회의 날짜(2023. 2. 24.(금))가 제242회 임시회 회기(2023. 2. 14.(화) ~ 2023. 2. 23.(목)) 밖입니다.",
        )
    ]
    assert check(meeting(date(2023, 2, 13))).errors[0][0] == "date"


def test_a_body_cannot_meet_twice_at_overlapping_times(app):
    first = meeting(date(2023, 2, 15), "10:00", "12:00", id=1, sitting=1)
    clash = check(meeting(date(2023, 2, 15), "11:00", "13:00"), [first])
    assert clash.errors[0][0] == "start" and "시간이 겹칩니다" in clash.errors[0][1]
    back_to_back = check(meeting(date(2023, 2, 15), "12:00", "13:00"), [first])
    assert back_to_back.errors == []


def test_sitting_numbers_follow_the_dates(app):
    a = meeting(date(2023, 2, 16), id=1, sitting=1)
    b = meeting(date(2023, 2, 20), id=2, sitting=2)
    new = meeting(date(2023, 2, 14))
    assert rules.sitting_numbers([a, b, new]) == {None: 1, 1: 2, 2: 3}
    wrong = meeting(date(2023, 2, 22), sitting=2)
    assert check(wrong, [a, b]).errors == [
        ("sitting", "차수는 날짜 순으로 매깁니다: 이 회의는 제3차여야 합니다 (입력: 제2차)")
    ]


def test_cancelled_meetings_do_not_take_a_number(app):
    a = meeting(date(2023, 2, 16), id=1, sitting=1, cancelled=True)
    b = meeting(date(2023, 2, 20), id=2, sitting=2)
    assert rules.sitting_numbers([a, b]) == {2: 1}


def test_no_meeting_may_be_put_before_one_already_held(app):
    held = meeting(date(2023, 2, 16), id=1, sitting=1, held=True)
    found = check(meeting(date(2023, 2, 15)), [held])
    assert found.errors and "이미 열린 제1차 회의" in found.errors[0][1]


def test_an_inactive_committee_cannot_meet(app):
    found = check(meeting(date(2023, 2, 15)), active=False)
    assert found.errors == [("body", "본회의는 2023. 2. 15.(수)에 활동 기간이 아닙니다.")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 6, 6), "2023. 6. 6.(화)은 공휴일(현충일)입니다."),
        (date(2023, 5, 29), "2023. 5. 29.(월)은 공휴일(부처님오신날 대체 휴일)입니다."),
        (date(2024, 2, 12), "2024. 2. 12.(월)은 공휴일(설날 대체 휴일)입니다."),
        (date(2025, 10, 8), "2025. 10. 8.(수)은 공휴일(추석 대체 휴일)입니다."),
        (date(2026, 3, 2), "2026. 3. 2.(월)은 공휴일(삼일절 대체 휴일)입니다."),
        (date(2023, 6, 10), "2023. 6. 10.(토)은 토요일입니다."),
        (date(2024, 12, 1), "2024. 12. 1.(일)은 일요일입니다."),
    ],
)
def test_meetings_on_days_off_warn(app, day, expected):
    session = extraordinary(300, day, day)
    assert check(meeting(day), session=session).warnings == [expected]


def test_a_working_day_gives_no_warning(app):
    session = extraordinary(300, date(2023, 6, 7), date(2023, 6, 7))
    assert check(meeting(date(2023, 6, 7)), session=session).warnings == []
