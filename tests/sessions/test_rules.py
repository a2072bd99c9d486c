"""The ordinance's checks at their edges, as pure functions."""

from __future__ import annotations

from datetime import date, time

import pytest

from council_app.config import RulesProfile
from council_app.core.holidays import holidays_between
from council_app.sessions import rules
from council_app.sessions.rules import MeetingFacts, SessionFacts

PROFILE = RulesProfile.from_mapping()


def extraordinary(number: int, start: date, end: date, **kw) -> SessionFacts:
    return SessionFacts(number=number, regular=False, start=start, end=end, **kw)


def regular(number: int, start: date, end: date, **kw) -> SessionFacts:
    return SessionFacts(number=number, regular=True, start=start, end=end, **kw)


def messages(found) -> list[str]:
    return [m for _, m in found.errors]


def test_extraordinary_session_of_15_days_passes_and_16_fails():
    ok = rules.check_session(extraordinary(250, date(2024, 3, 1), date(2024, 3, 15)), [], PROFILE)
    assert ok.errors == []
    too_long = rules.check_session(
        extraordinary(250, date(2024, 3, 1), date(2024, 3, 16)), [], PROFILE
    )
    assert messages(too_long) == ["임시회 회기는 15일 이내여야 합니다 (입력: 16일)"]


def test_the_limit_comes_from_the_profile():
    strict = RulesProfile.from_mapping({"extraordinary_session_days_max": 10})
    found = rules.check_session(extraordinary(250, date(2024, 3, 1), date(2024, 3, 11)), [], strict)
    assert messages(found) == ["임시회 회기는 10일 이내여야 합니다 (입력: 11일)"]


def test_regular_days_55_pass_and_56_fail():
    first = regular(250, date(2024, 6, 8), date(2024, 6, 30))  # 23 days
    fits = regular(251, date(2024, 11, 18), date(2024, 12, 19))  # 32 days: 55 in all
    assert rules.check_session(fits, [first], PROFILE).errors == []
    over = regular(251, date(2024, 11, 18), date(2024, 12, 20))  # 33 days: 56 in all
    assert messages(rules.check_session(over, [first], PROFILE)) == [
        "정례회 회기는 연간 55일 이내여야 합니다 (2024년 합계: 56일)"
    ]


def test_annual_days_110_pass_and_111_fail():
    others = [
        regular(250, date(2024, 6, 8), date(2024, 6, 30)),  # 23
        regular(251, date(2024, 11, 18), date(2024, 12, 19)),  # 32
        extraordinary(246, date(2024, 1, 10), date(2024, 1, 24)),  # 15
        extraordinary(247, date(2024, 2, 10), date(2024, 2, 24)),  # 15
        extraordinary(248, date(2024, 3, 10), date(2024, 3, 24)),  # 15
    ]  # 100 days so far
    ten = extraordinary(249, date(2024, 4, 1), date(2024, 4, 10))
    assert rules.check_session(ten, others, PROFILE).errors == []
    eleven = extraordinary(249, date(2024, 4, 1), date(2024, 4, 11))
    assert messages(rules.check_session(eleven, others, PROFILE)) == [
        "연간 회기 일수는 110일 이내여야 합니다 (2024년 합계: 111일)"
    ]


def test_a_third_regular_session_is_refused():
    others = [
        regular(250, date(2024, 6, 8), date(2024, 6, 10)),
        regular(251, date(2024, 11, 18), date(2024, 11, 20)),
    ]
    third = regular(252, date(2024, 12, 2), date(2024, 12, 3))
    assert "정례회는 연 2회 엽니다 (2024년: 3회)" in messages(
        rules.check_session(third, others, PROFILE)
    )


def test_overlap_by_one_day_is_refused_and_touching_is_fine():
    other = extraordinary(241, date(2022, 12, 29), date(2022, 12, 29))
    overlapping = extraordinary(242, date(2022, 12, 29), date(2023, 1, 5))
    assert messages(rules.check_session(overlapping, [other], PROFILE)) == [
        "회기가 제241회 임시회(2022. 12. 29.(목) ~ 2022. 12. 29.(목))와 겹칩니다."
    ]
    next_day = extraordinary(242, date(2022, 12, 30), date(2023, 1, 5))
    assert rules.check_session(next_day, [other], PROFILE).errors == []


def test_numbers_rise_with_dates():
    later = extraordinary(245, date(2023, 9, 13), date(2023, 9, 21))
    earlier_but_higher = extraordinary(246, date(2023, 3, 1), date(2023, 3, 2))
    found = rules.check_session(earlier_but_higher, [later], PROFILE)
    assert found.errors and found.errors[0][0] == "number"
    assert "245보다 작아야" in found.errors[0][1]


def test_cancelled_sessions_block_nothing():
    cancelled = extraordinary(241, date(2022, 12, 29), date(2022, 12, 29), cancelled=True)
    same_days = extraordinary(242, date(2022, 12, 29), date(2022, 12, 30))
    assert rules.check_session(same_days, [cancelled], PROFILE).errors == []


def test_end_before_start_is_refused():
    found = rules.check_session(extraordinary(1, date(2024, 3, 2), date(2024, 3, 1)), [], PROFILE)
    assert found.errors[0][0] == "end" and "보다 빠릅니다" in found.errors[0][1]


def test_regular_session_off_the_convening_date_warns_unless_resolved():
    off = regular(246, date(2023, 11, 23), date(2023, 12, 20))
    found = rules.check_session(off, [], PROFILE)
    assert found.errors == []
    assert found.warnings == [
        "정례회 집회일(2023. 11. 23.(목))이 조례에 정한 날(6월 8일, 11월 18일)이 아닙니다: "
        "집회일 변경 의결이 필요합니다."
    ]
    resolved = regular(246, date(2023, 11, 23), date(2023, 12, 20), convening_change_resolved=True)
    assert rules.check_session(resolved, [], PROFILE).warnings == []
    on_the_day = regular(244, date(2023, 6, 8), date(2023, 6, 30))
    assert rules.check_session(on_the_day, [], PROFILE).warnings == []


def test_late_notice_of_an_extraordinary_session_warns_unless_urgent():
    start = date(2023, 2, 14)
    assert rules.notice_deadline(start, PROFILE) == date(2023, 2, 10)  # D−4 by default
    on_time = extraordinary(242, start, date(2023, 2, 23), notice_date=date(2023, 2, 10))
    assert rules.check_session(on_time, [], PROFILE).warnings == []
    late = extraordinary(242, start, date(2023, 2, 23), notice_date=date(2023, 2, 11))
    (warning,) = rules.check_session(late, [], PROFILE).warnings
    assert "2023. 2. 10.(금)까지 공고해야 합니다" in warning
    urgent = extraordinary(
        242, start, date(2023, 2, 23), notice_date=date(2023, 2, 13), urgent=True
    )
    assert rules.check_session(urgent, [], PROFILE).warnings == []


def test_plain_d_minus_3_is_a_setting():
    lenient = RulesProfile.from_mapping({"extraordinary_notice_strict": False})
    assert rules.notice_deadline(date(2023, 2, 14), lenient) == date(2023, 2, 11)
    late_by_strict = extraordinary(
        242, date(2023, 2, 14), date(2023, 2, 15), notice_date=date(2023, 2, 11)
    )
    assert rules.check_session(late_by_strict, [], lenient).warnings == []


def test_days_in_year_splits_a_session_over_new_year():
    assert rules.days_in_year(date(2022, 12, 29), date(2023, 1, 2), 2022) == 3
    assert rules.days_in_year(date(2022, 12, 29), date(2023, 1, 2), 2023) == 2
    assert rules.days_in_year(date(2022, 12, 29), date(2023, 1, 2), 2024) == 0


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
