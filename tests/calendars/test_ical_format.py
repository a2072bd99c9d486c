"""The feed's bytes follow RFC 5545 the way clients need: lines, folding, zones, fields."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from council_app.calendars import ical
from council_app.core.time import KST, today_kst
from council_app.extensions import db
from council_app.meetings.models import MeetingStatus
from council_app.sessions import services as session_services
from council_app.sessions.models import SessionStatus
from tests.calendars import factories

LONG_TITLE = "서울특별시 금천구 공동주택 관리 지원 조례 일부개정조례안(김가상 의원 대표발의)"
LONG_PLACE = "금천구의회 본회의장(서울특별시 금천구 시흥대로73길 70 금천구청 종합청사 7층 방청석)"


def events_by_uid(calendar) -> dict:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_lines_end_in_crlf_fit_75_octets_and_never_split_a_hangul_syllable(client, june):
    meeting = factories.add_meeting(june, place=LONG_PLACE)
    factories.add_agenda(meeting, [LONG_TITLE] * 3)
    data = client.get("/sessions/244.ics").data

    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a syllable cut in two would not decode
    assert data.count(b"BEGIN:VCALENDAR") == 1 and data.count(b"END:VCALENDAR") == 1


def test_hangul_is_intact_after_unfolding(client, june):
    meeting = factories.add_meeting(june, place=LONG_PLACE)
    factories.add_agenda(meeting, [LONG_TITLE, "구정질문"])
    unfolded = client.get("/sessions/244.ics").data.replace(b"\r\n ", b"").decode("utf-8")

    assert f"\r\nLOCATION:{LONG_PLACE}\r\n" in unfolded
    assert f"\\n1. {LONG_TITLE}\\n2. 구정질문\\n" in unfolded


def test_calendar_names_itself_and_asks_to_be_refreshed_hourly(client, june):
    factories.add_meeting(june)
    data = client.get("/calendar.ics?from=2023-01-01").data.decode("utf-8")
    for line in (
        "VERSION:2.0",
        "X-WR-CALNAME:서울특별시 금천구의회 회의 일정",
        "X-WR-TIMEZONE:Asia/Seoul",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "TZID:Asia/Seoul",
        "TZOFFSETTO:+0900",
        "DTSTART;TZID=Asia/Seoul:20230608T100000",
    ):
        assert f"\r\n{line}\r\n" in data, line
    assert "METHOD" not in data  # a published calendar, not an invitation


def test_meeting_event_carries_what_clients_show(feed, june):
    meeting = factories.add_meeting(june, sitting=2, day=date(2023, 6, 9), end=time(11, 30))
    factories.add_agenda(meeting, ["2022년 결산안", "구정질문"])
    event = events_by_uid(feed("/sessions/244.ics"))[f"meeting-{meeting.id}@localhost"]

    assert event["SUMMARY"] == "제244회 정례회 제2차 본회의"
    assert event.decoded("DTSTART") == datetime(2023, 6, 9, 10, 0, tzinfo=KST)
    assert event.decoded("DTEND") == datetime(2023, 6, 9, 11, 30, tzinfo=KST)
    assert event["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event["LOCATION"] == "본회의장"
    assert event["URL"] == f"http://localhost/meetings/{meeting.id}"
    assert event["DESCRIPTION"] == (
        f"의사일정\n1. 2022년 결산안\n2. 구정질문\n회의 페이지: http://localhost/meetings/{meeting.id}"
    )
    assert event.categories == ["본회의", "정례회"]
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED")
    assert event.decoded("LAST-MODIFIED").replace(microsecond=0) == meeting.updated_at.replace(
        microsecond=0
    )
    assert event["TRANSP"] == "TRANSPARENT"


def test_meeting_without_end_time_has_no_end(feed, june):
    factories.add_meeting(june, end=None)
    (event,) = [
        e for e in feed("/sessions/244.ics").walk("VEVENT") if str(e["UID"]).startswith("meeting-")
    ]
    assert "DTEND" not in event and "DURATION" not in event


def test_session_is_an_all_day_span_to_the_day_after_its_last(feed, june):
    june.main_items = "2022년 결산안\n구정질문"
    event = events_by_uid(feed("/sessions/244.ics"))[f"session-{june.id}@localhost"]

    assert event.decoded("DTSTART") == date(2023, 6, 8)
    assert event.decoded("DTEND") == date(2023, 7, 1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["SUMMARY"] == "제244회 정례회"
    assert event["STATUS"] == "CONFIRMED"
    assert event["DESCRIPTION"].startswith(
        "회기: 2023. 6. 8.(목) ~ 2023. 6. 30.(금) (23일간)\n"
        "주요 안건\n- 2022년 결산안\n- 구정질문\n"
    )
    assert event["URL"] == "http://localhost/sessions/244"
    assert event["DESCRIPTION"].endswith("\n회기 페이지: http://localhost/sessions/244")


def test_planned_session_makes_its_meetings_tentative(feed, june):
    planned = factories.add_session(
        245, date(2023, 9, 13), date(2023, 9, 21), status=SessionStatus.PLANNED
    )
    meeting = factories.add_meeting(planned)
    events = events_by_uid(feed("/calendar.ics?from=2023-01-01"))
    assert events[f"session-{planned.id}@localhost"]["STATUS"] == "TENTATIVE"
    assert events[f"meeting-{meeting.id}@localhost"]["STATUS"] == "TENTATIVE"
    assert events[f"session-{june.id}@localhost"]["STATUS"] == "CONFIRMED"


def test_cancelled_session_cancels_its_meetings_but_keeps_them(feed, june):
    meeting = factories.add_meeting(june)
    session_services.update_session(june, factories.change_session(status="cancelled"))
    db.session.commit()
    events = events_by_uid(feed("/sessions/244.ics"))
    assert events[f"session-{june.id}@localhost"]["SUMMARY"] == "[취소] 제244회 정례회"
    event = events[f"meeting-{meeting.id}@localhost"]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert event["SUMMARY"] == "[취소] 제244회 정례회 제1차 본회의"
    assert event["DESCRIPTION"].startswith("이 회의는 취소되었습니다.\n")


def test_postponed_meeting_is_tentative_and_says_so(feed, june):
    meeting = factories.add_meeting(june, status=MeetingStatus.POSTPONED)
    event = events_by_uid(feed("/sessions/244.ics"))[f"meeting-{meeting.id}@localhost"]
    assert event["STATUS"] == "TENTATIVE"
    assert event["SUMMARY"] == "[연기] 제244회 정례회 제1차 본회의"
    assert event["DESCRIPTION"].startswith("이 회의는 연기되었습니다.")


def test_closed_meeting_shows_only_when_and_what(feed, june):
    meeting = factories.add_meeting(june, body="ethics", public=False, place="소회의실")
    factories.add_agenda(meeting, ["징계요구의 건"])
    event = events_by_uid(feed("/sessions/244.ics"))[f"meeting-{meeting.id}@localhost"]
    assert event["SUMMARY"] == "제244회 정례회 제1차 윤리특별위원회 (비공개)"
    assert event["DESCRIPTION"] == "비공개 회의입니다."
    for hidden in ("LOCATION", "URL"):
        assert hidden not in event


def test_uid_domain_comes_from_the_setting(app, feed, june):
    meeting = factories.add_meeting(june)
    app.config["CALENDAR_UID_DOMAIN"] = "council.geumcheon.example"
    uids = set(events_by_uid(feed("/sessions/244.ics")))
    assert uids == {
        f"session-{june.id}@council.geumcheon.example",
        f"meeting-{meeting.id}@council.geumcheon.example",
    }


def test_empty_feed_is_still_one_valid_calendar(feed, app):
    factories.add_council()
    calendar = feed(f"/calendar.ics?from={today_kst() + timedelta(days=3650)}")
    assert calendar.name == "VCALENDAR" and calendar.walk("VEVENT") == []


@pytest.mark.parametrize("ascii_prefix", range(4))
def test_fold_cuts_between_hangul_syllables_at_every_offset(ascii_prefix):
    line = "DESCRIPTION:" + "x" * ascii_prefix + "가나다라마바사아자차" * 12
    physical = ical.fold(line).split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert [part.decode("utf-8") for part in physical]  # no syllable cut in two
    assert b"".join([physical[0], *(part[1:] for part in physical[1:])]).decode() == line


def test_fold_keeps_escapes_whole():
    line = "DESCRIPTION:" + "a" * 62 + "\\n" + "b" * 20
    first, second = ical.fold(line).split(b"\r\n")
    assert first.endswith(b"a") and second == b" \\n" + b"b" * 20


def test_control_characters_pasted_into_a_place_or_title_never_reach_the_feed(client, june):
    # RFC 5545 TEXT holds no control character but tab; a lone CR is a line end.
    meeting = factories.add_meeting(june, place="본회의장\x07(7층)\x1b")
    factories.add_agenda(meeting, ["조례안\x01 심사\r둘째 줄\x7f"])
    data = client.get("/sessions/244.ics").data
    body = data.replace(b"\r\n", b"")
    assert not any(byte < 0x20 and byte != 0x09 or byte == 0x7F for byte in body)
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "\r\nLOCATION:본회의장(7층)\r\n" in unfolded
    assert "1. 조례안 심사\\n둘째 줄\\n" in unfolded
