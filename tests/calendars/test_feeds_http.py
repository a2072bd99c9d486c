"""What a subscribed client sees over HTTP: caching, changes, windows, addresses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from council_app.core.time import today_kst
from council_app.extensions import db
from tests.calendars import factories

#: The whole calendar from 2023 on, where the June session lies.
FEED = "/calendar.ics?from=2023-01-01"


def uids(calendar) -> set[str]:
    return {str(e["UID"]) for e in calendar.walk("VEVENT")}


def test_feed_is_cacheable_calendar_text(client, june):
    factories.add_meeting(june)
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # Weak: the tag names the data version (core/caching.py), not the bytes.
    etag, weak = response.get_etag()
    assert etag and weak
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.last_modified is not None


def test_head_answers_headers_without_body(client, june):
    factories.add_meeting(june)
    get = client.get(FEED)
    head = client.head(FEED)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_unchanged_feed_answers_304_to_etag_and_to_date(client, june):
    factories.add_meeting(june)
    first = client.get(FEED)
    again = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_change_is_seen_as_new_sequence_and_cancelled_status(client, feed, june):
    meeting = factories.add_meeting(june)
    uid = f"meeting-{meeting.id}@localhost"
    first = client.get(FEED)

    factories.change_meeting(meeting, status="cancelled")

    changed = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    (event,) = [e for e in feed(FEED).walk("VEVENT") if e["UID"] == uid]
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CANCELLED"


def test_moving_a_meeting_keeps_its_uid_and_raises_sequence(feed, june):
    meeting = factories.add_meeting(june)
    before = feed(FEED)
    factories.change_meeting(meeting, date="2023-06-12", place="제1회의실")
    after = feed(FEED)

    assert uids(before) == uids(after)
    event = next(e for e in after.walk("VEVENT") if e["UID"] == f"meeting-{meeting.id}@localhost")
    assert event["SEQUENCE"] == 1 and event["LOCATION"] == "제1회의실"
    assert event.decoded("DTSTART").date() == date(2023, 6, 12)


def test_uids_and_bytes_are_stable_across_fetches(client, june):
    for sitting in (1, 2):
        factories.add_meeting(june, sitting=sitting, day=date(2023, 6, 7 + sitting))
    first, second = client.get(FEED), client.get(FEED)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_default_window_is_the_past_twelve_months_and_all_ahead(feed, app):
    factories.add_council()
    today = today_kst()
    window_start = date(today.year - 1, today.month, 1)
    old = factories.add_session(
        1, window_start - timedelta(days=3), window_start - timedelta(days=1)
    )
    recent = factories.add_session(2, window_start, window_start + timedelta(days=2))
    ahead = factories.add_session(3, today + timedelta(days=700), today + timedelta(days=705))
    meetings = {s.number: factories.add_meeting(s) for s in (old, recent, ahead)}

    shown = uids(feed("/calendar.ics"))
    assert f"meeting-{meetings[1].id}@localhost" not in shown
    assert f"session-{old.id}@localhost" not in shown
    assert {f"meeting-{meetings[n].id}@localhost" for n in (2, 3)} <= shown


def test_from_and_to_limit_the_window(feed, june):
    early = factories.add_meeting(june, day=date(2023, 6, 8))
    late = factories.add_meeting(june, sitting=2, day=date(2023, 6, 20))
    shown = uids(feed("/calendar.ics?from=2023-06-10&to=2023-06-30"))
    assert f"meeting-{late.id}@localhost" in shown
    assert f"meeting-{early.id}@localhost" not in shown
    assert f"session-{june.id}@localhost" in shown  # it overlaps the window
    assert uids(feed("/calendar.ics?from=2023-07-01")) == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2023-13-01", "from 값 &#39;2023-13-01&#39;은(는) 날짜가 아닙니다."),
        ("to=yesterday", "to 값 &#39;yesterday&#39;은(는) 날짜가 아닙니다."),
        ("from=2023-06-30&to=2023-06-01", "to(2023-06-01)가 from(2023-06-30)보다 앞섭니다."),
    ],
)
def test_bad_window_is_a_korean_400(client, june, query, message):
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_body_feed_holds_only_that_bodys_meetings(feed, june):
    plenary = factories.add_meeting(june)
    committee = factories.add_meeting(june, body="admin-finance", day=date(2023, 6, 9))
    calendar = feed("/calendar/admin-finance.ics?from=2023-01-01")
    assert uids(calendar) == {f"meeting-{committee.id}@localhost"}
    assert calendar["X-WR-CALNAME"] == "서울특별시 금천구의회 행정재경위원회 일정"
    assert f"meeting-{plenary.id}@localhost" in uids(feed("/calendar/plenary.ics?from=2023-01-01"))


def test_session_feed_holds_the_session_and_its_meetings(feed, june):
    meeting = factories.add_meeting(june)
    other = factories.add_session(245, date(2023, 9, 13), date(2023, 9, 21))
    factories.add_meeting(other)
    calendar = feed("/sessions/244.ics")
    assert uids(calendar) == {f"session-{june.id}@localhost", f"meeting-{meeting.id}@localhost"}
    assert calendar["X-WR-CALNAME"] == "서울특별시 금천구의회 제244회 정례회"


@pytest.mark.parametrize("url", ["/calendar/no-such-body.ics", "/sessions/999.ics"])
def test_unknown_body_or_session_is_404(client, june, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "찾는 페이지가 없습니다" in response.get_data(as_text=True)


def test_session_span_sequence_rises_when_the_session_moves(client, june):
    from council_app.sessions import services as session_services

    def span():
        data = client.get("/sessions/244.ics").data.decode()
        return data.split(f"UID:session-{june.id}@")[1].split("END:VEVENT")[0]

    assert "SEQUENCE:0" in span()
    session_services.update_session(june, factories.change_session(end="2023-06-29"))
    db.session.commit()
    assert "SEQUENCE:1" in span() and "DTEND;VALUE=DATE:20230630" in span()
