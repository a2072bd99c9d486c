"""The calendar page: a month grid with holidays, a list, a body filter and subscribe links."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from council_app.meetings.models import MeetingStatus
from tests.calendars import factories

JUNE = "/calendar?year=2023&month=6"


def test_month_grid_has_korean_weekday_headers_and_caption(client, june):
    page = client.get(JUNE).get_data(as_text=True)
    assert "<h1>2023년 6월 회의 일정</h1>" in page
    assert "<caption>2023년 6월 회의 일정, 일요일부터 토요일까지</caption>" in page
    head = page[page.index("<thead>") : page.index("</thead>")]
    names = re.findall(r'<span class="visually-hidden">(.요일)</span></th>', head)
    assert names == ["일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"]
    assert head.count('<th scope="col">') == 7


def test_month_marks_public_holidays(client, june):
    page = client.get(JUNE).get_data(as_text=True)
    assert '<span class="holiday">현충일</span>' in page


def test_month_links_each_public_meeting_and_lists_it(client, june):
    meeting = factories.add_meeting(june, day=date(2023, 6, 9), start=time(14))
    page = client.get(JUNE).get_data(as_text=True)
    link = f'<a href="/meetings/{meeting.id}">제244회 정례회 제1차 본회의</a>'
    assert page.count(link) == 2  # once in the grid, once in the list
    assert "<h3>2023. 6. 9.(금)</h3>" in page
    assert "14:00" in page and "본회의장" in page
    assert (
        '<a href="/sessions/244">제244회 정례회</a>: 2023. 6. 8.(목) ~ 2023. 6. 30.(금) (23일간) '
        '<span class="badge badge-confirmed">확정</span>'
    ) in page


def test_closed_and_cancelled_meetings_are_shown_as_such(client, june):
    closed = factories.add_meeting(june, body="ethics", public=False)
    factories.add_meeting(june, sitting=2, day=date(2023, 6, 12), status=MeetingStatus.CANCELLED)
    page = client.get(JUNE).get_data(as_text=True)
    assert "제244회 정례회 제1차 윤리특별위원회 (비공개)" in page
    assert f'href="/meetings/{closed.id}"' not in page
    assert '<span class="badge badge-cancelled">취소</span>' in page


def test_body_filter_keeps_one_body(client, june):
    factories.add_meeting(june)
    factories.add_meeting(june, body="admin-finance", day=date(2023, 6, 9))
    page = client.get(JUNE + "&body=admin-finance").get_data(as_text=True)
    assert "제244회 정례회 제1차 행정재경위원회" in page
    assert "제244회 정례회 제1차 본회의" not in page
    assert '<option value="admin-finance" selected>' in page
    assert '<label for="body-filter" class="field-label">회의체</label>' in page
    # Moving to the next month keeps the filter.
    assert "/calendar?year=2023&amp;month=7&amp;body=admin-finance" in page


def test_month_without_meetings_says_so(client, june):
    page = client.get("/calendar?year=2023&month=8").get_data(as_text=True)
    assert "이달에는 회의가 없습니다." in page


def test_page_offers_webcal_links_and_instructions(client, june):
    page = client.get(JUNE).get_data(as_text=True)
    assert 'href="webcal://localhost/calendar.ics"' in page
    assert 'href="webcal://localhost/calendar/plenary.ics"' in page
    assert 'value="http://localhost/calendar.ics"' in page
    for platform in ("아이폰", "안드로이드", "Outlook", "Thunderbird"):
        assert f"<dt>{platform}" in page


def test_calendar_defaults_to_this_month(client, june):
    assert client.get("/calendar").status_code == 200


@pytest.mark.parametrize(
    ("query", "status"),
    [("year=2023&month=13", 400), ("year=abc&month=6", 400), ("year=99999", 400)],
)
def test_bad_month_is_a_korean_400(client, june, query, status):
    response = client.get(f"/calendar?{query}")
    assert response.status_code == status
    assert "연도와 월을 확인해 주세요." in response.get_data(as_text=True)


def test_unknown_body_filter_is_404(client, june):
    assert client.get(JUNE + "&body=nobody").status_code == 404
