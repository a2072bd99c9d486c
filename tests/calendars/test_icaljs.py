"""The feeds read by Mozilla's ical.js (Thunderbird's parser), on a machine set to New York."""

from __future__ import annotations

from datetime import date

from tests.calendars import factories

#: The whole calendar from 2023 on, where the June session lies.
FEED = "/calendar.ics?from=2023-01-01"


LONG_TITLE = "2023년도 서울특별시 금천구 일반회계 및 특별회계 제1회 추가경정예산안"


def by_uid(parsed: dict) -> dict:
    return {event["uid"]: event for event in parsed["events"]}


def test_icaljs_reads_one_calendar_in_seoul_time(client, icaljs, june):
    meeting = factories.add_meeting(june, day=date(2023, 6, 9))
    parsed = icaljs(client.get(FEED).data)

    assert parsed["calendars"] == 1
    assert parsed["name"] == "서울특별시 금천구의회 회의 일정"
    assert parsed["refresh"] == "PT1H"
    event = by_uid(parsed)[f"meeting-{meeting.id}@localhost"]
    assert event["zone"] == "Asia/Seoul"
    assert event["start"] == "2023-06-09T10:00:00"
    assert event["end"] == "2023-06-09T12:00:00"
    assert event["startUtc"] == "2023-06-09T01:00:00.000Z"  # 10:00 KST, wherever one reads it
    assert event["summary"] == "제244회 정례회 제1차 본회의"
    assert event["categories"] == ["본회의", "정례회"]
    assert event["status"] == "CONFIRMED" and event["sequence"] == 0


def test_icaljs_reads_the_session_as_all_day_days(client, icaljs, june):
    parsed = icaljs(client.get("/sessions/244.ics").data)
    span = by_uid(parsed)[f"session-{june.id}@localhost"]
    assert span["allDay"] is True
    assert (span["start"], span["end"]) == ("2023-06-08", "2023-07-01")


def test_icaljs_keeps_hangul_whole_across_folds(client, icaljs, june):
    meeting = factories.add_meeting(june, place="금천구청 종합청사 7층 " * 4)
    factories.add_agenda(meeting, [LONG_TITLE] * 3)
    event = by_uid(icaljs(client.get("/sessions/244.ics").data))[f"meeting-{meeting.id}@localhost"]
    assert event["location"] == "금천구청 종합청사 7층 " * 4
    assert event["description"] == "\n".join(
        ["의사일정", *(f"{n}. {LONG_TITLE}" for n in (1, 2, 3))]
        + [f"회의 페이지: http://localhost/meetings/{meeting.id}"]
    )


def test_icaljs_sees_the_cancellation_under_the_same_uid(client, icaljs, june):
    meeting = factories.add_meeting(june)
    uid = f"meeting-{meeting.id}@localhost"
    before = by_uid(icaljs(client.get(FEED).data))[uid]

    factories.change_meeting(meeting, status="cancelled")

    after = by_uid(icaljs(client.get(FEED).data))[uid]
    assert (before["status"], after["status"]) == ("CONFIRMED", "CANCELLED")
    assert after["sequence"] == before["sequence"] + 1
    assert after["summary"] == "[취소] 제244회 정례회 제1차 본회의"
