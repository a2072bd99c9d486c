"""The ordinance's checks on sessions at their edges, as pure functions."""

from __future__ import annotations

from datetime import date

from council_app.config import RulesProfile
from council_app.sessions import rules
from council_app.sessions.rules import SessionFacts

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
