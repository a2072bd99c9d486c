"""The publication deadline: civil-law and business-day counting at every edge."""

from datetime import UTC, date, datetime, timedelta

import pytest

from council_app.core.holidays import holidays_between
from council_app.minutes import deadlines


def due(day: date, days: int, counting: str = "civil") -> date:
    return deadlines.due_date(day, days, counting, holidays_between(day, day + timedelta(days=60)))


@pytest.mark.parametrize(
    ("meeting_day", "days", "counting", "expected", "why"),
    [
        (
            date(2025, 10, 1),
            2,
            "civil",
            date(2025, 10, 10),
            "개천절, 주말, 추석 연휴, 대체공휴일, 한글날",
        ),
        (date(2026, 2, 12), 5, "civil", date(2026, 2, 19), "설 연휴의 마지막 날 다음"),
        (date(2026, 2, 12), 5, "business", date(2026, 2, 24), "근무일 5일째"),
        (date(2023, 6, 8), 2, "civil", date(2023, 6, 12), "토요일에 끝나면 월요일로"),
        (date(2023, 6, 7), 2, "civil", date(2023, 6, 9), "평일: 회의일은 세지 않는다"),
        (date(2023, 6, 9), 5, "civil", date(2023, 6, 14), "주말이 끼어도 역일로 센다"),
        (date(2023, 6, 9), 5, "business", date(2023, 6, 16), "주말은 세지 않는다"),
        (date(2024, 2, 8), 2, "civil", date(2024, 2, 13), "설날 대체공휴일(2. 12.) 다음"),
        (date(2025, 12, 30), 2, "civil", date(2026, 1, 2), "연말: 1월 1일은 공휴일"),
        (date(2025, 12, 29), 5, "business", date(2026, 1, 6), "연말연시 근무일"),
        (date(2023, 6, 8), 0, "civil", date(2023, 6, 8), "0일: 그날"),
    ],
)
def test_due_date(app, meeting_day, days, counting, expected, why):
    assert due(meeting_day, days, counting) == expected, why


def test_due_at_is_the_end_of_the_day_in_seoul():
    day = date(2025, 10, 10)
    assert deadlines.due_at(day).isoformat() == "2025-10-11T00:00:00+09:00"
    last_second = datetime(2025, 10, 10, 14, 59, 59, tzinfo=UTC)  # 23:59:59 KST
    assert not deadlines.is_late(last_second, day)
    assert deadlines.is_late(last_second + timedelta(seconds=1), day)
    assert deadlines.days_late(datetime(2025, 10, 12, 1, 0, tzinfo=UTC), day) == 2


def test_countdown_labels():
    assert [deadlines.d_day(n) for n in (3, 0, -2)] == ["D-3", "D-day", "D+2"]
    assert deadlines.days_left(date(2025, 10, 8), date(2025, 10, 10)) == 2


def test_unknown_counting_is_a_programming_error():
    with pytest.raises(ValueError):
        deadlines.due_date(date(2025, 1, 6), 2, "lunar", {})
