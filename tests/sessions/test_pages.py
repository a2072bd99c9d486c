"""Session and meeting pages, public and for the secretariat."""

from __future__ import annotations

import re
from datetime import date, time

from sqlalchemy import select

from council_app.core.time import kst_datetime
from council_app.extensions import db
from council_app.meetings.models import Meeting


def test_plan_page_shows_the_councils_table(client, demo):
    page = client.get("/sessions/plan/2023").get_data(as_text=True)
    assert "총 5회 80일 [정례회 2회 51일 / 임시회 3회 29일]" in page
    assert "6. 8.(목) ~ 6. 30.(금)" in page and "제244회 정례회" in page
    assert "30일 남음" in page and "4일 남음" in page
    page_2022 = client.get("/sessions/plan/2022").get_data(as_text=True)
    assert "총 8회 75일 [정례회 2회 46일 / 임시회 6회 29일]" in page_2022


def test_session_and_meeting_pages(client, demo):
    page = client.get("/sessions/244").get_data(as_text=True)
    assert "제244회 정례회" in page and "2023. 6. 8.(목) ~ 2023. 6. 30.(금)" in page
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    meeting_page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert meeting.name in meeting_page
    assert "의사팀 관리" not in meeting_page  # citizens see no staff controls
    assert client.get("/sessions/999").status_code == 404
    assert client.get("/meetings/999999").status_code == 404


def test_index_lists_past_sessions(client, demo):
    page = client.get("/sessions").get_data(as_text=True)
    assert "제246회 정례회" in page and "제234회 임시회" in page


def test_secretariat_form_shows_korean_refusal_and_keeps_input(client, council, make_user, login):
    login(make_user("secretariat"))
    form = {"number": "247", "kind": "extraordinary", "start": "2024-03-04", "end": "2024-03-19"}
    response = client.post("/sessions/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "임시회 회기는 15일 이내여야 합니다 (입력: 16일)" in page
    assert 'value="2024-03-19"' in page  # what was typed is not lost
    response = client.post("/sessions/new", data=form | {"end": "2024-03-18"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sessions/247")


def test_warnings_are_flashed_after_saving(client, council, make_user, login):
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={"number": "247", "kind": "regular", "start": "2024-06-10", "end": "2024-06-20"},
    )
    page = client.get("/sessions/247").get_data(as_text=True)
    assert "주의: 정례회 집회일" in page


def test_secretariat_schedules_and_cancels_a_meeting(client, council, make_user, login):
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={"number": "247", "kind": "extraordinary", "start": "2024-02-13", "end": "2024-02-20"},
    )
    response = client.post(
        "/sessions/247/meetings/new",
        data={
            "body": "admin-finance",
            "date": "2024-02-14",
            "start": "10:00",
            "end": "12:00",
            "place": "행정재경위원회 회의실",
            "public": "y",
        },
    )
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.name == "제247회 임시회 제1차 행정재경위원회"
    client.post(
        f"/meetings/{meeting.id}/status", data={"status": "cancelled", "reason": "일정 조정"}
    )
    db.session.refresh(meeting)
    assert meeting.status.value == "cancelled" and meeting.revision == 1


def test_holiday_table_adds_a_day_off(client, council, make_user, login):
    login(make_user("secretariat"))
    response = client.post("/holidays", data={"day": "2024-10-01", "name": "임시공휴일(국군의 날)"})
    assert response.status_code == 302
    assert "임시공휴일(국군의 날)" in client.get("/holidays").get_data(as_text=True)
    duplicate = client.post("/holidays", data={"day": "2024-10-01", "name": "again"})
    assert duplicate.status_code == 422


def test_a_status_change_says_the_new_state_or_why_not(client, council, make_user, login):
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={"number": "247", "kind": "extraordinary", "start": "2024-02-13", "end": "2024-02-20"},
    )
    refused = client.post("/sessions/247/status", data={"status": "closed"}, follow_redirects=True)
    assert (
        "회기 상태를 &#39;계획&#39;에서 &#39;폐회&#39;(으)로 바꿀 수 없습니다."
        in refused.get_data(as_text=True)
    )
    moved = client.post("/sessions/247/status", data={"status": "confirmed"}, follow_redirects=True)
    assert "제247회 임시회 상태: 확정" in moved.get_data(as_text=True)
    unknown = client.post("/sessions/247/status", data={"status": "asleep"}, follow_redirects=True)
    assert "바꿀 상태를 목록에서 골라 주세요." in unknown.get_data(as_text=True)


def test_holiday_table_removes_a_day_off(client, council, make_user, login):
    from council_app.core.models import PublicHoliday

    login(make_user("secretariat"))
    client.post("/holidays", data={"day": "2024-10-01", "name": "임시공휴일"})
    holiday = db.session.scalar(select(PublicHoliday))
    assert client.post(f"/holidays/{holiday.id}/delete").status_code == 302
    assert db.session.scalar(select(PublicHoliday)) is None
    assert client.post(f"/holidays/{holiday.id}/delete").status_code == 404


def test_secretariat_dashboard_lists_what_is_ahead(client, council, make_user, login, clock):
    clock.move_to(kst_datetime(date(2026, 11, 22), time(9, 0)))
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={"number": "300", "kind": "extraordinary", "start": "2026-12-01", "end": "2026-12-05"},
    )
    client.post(
        "/sessions/300/meetings/new",
        data={"body": "plenary", "date": "2026-12-01", "start": "10:00", "public": "y"},
    )
    page = client.get("/dashboard").get_data(as_text=True)
    assert "제300회 임시회" in page
    assert "제300회 임시회 제1차 본회의" in page


def test_meeting_page_lists_its_order_of_business(client, demo):
    from council_app.agenda.models import AgendaEntry

    entry = db.session.scalar(select(AgendaEntry).order_by(AgendaEntry.id))
    page = client.get(f"/meetings/{entry.meeting_id}").get_data(as_text=True)
    assert "의사일정" in page and entry.item.title in page


def test_session_page_offers_its_calendar_feed(client, demo):
    page = client.get("/sessions/244").get_data(as_text=True)
    assert 'href="webcal://localhost/sessions/244.ics"' in page


def test_meeting_page_links_its_published_minutes(client, demo):
    from council_app.minutes.models import Minutes, MinutesStatus

    minutes = db.session.scalar(
        select(Minutes).where(Minutes.status == MinutesStatus.PROVISIONAL).order_by(Minutes.id)
    )
    page = client.get(f"/meetings/{minutes.meeting_id}").get_data(as_text=True)
    assert f'href="/minutes/{minutes.id}"' in page


def test_item_timeline_links_to_where_the_minutes_take_it_up(client, demo):
    from council_app.agenda.models import AgendaItem

    item = db.session.scalar(
        select(AgendaItem).where(AgendaItem.title == "2023년도 제1회 추가경정예산안")
    )
    page = client.get(f"/agenda/{item.id}").get_data(as_text=True)
    links = re.findall(r'href="(/minutes/\d+#u-\d+)">회의록에서 보기', page)
    assert links
    minutes_id, order = re.match(r"/minutes/(\d+)#u-(\d+)", links[0]).groups()
    minutes_page = client.get(f"/minutes/{minutes_id}").get_data(as_text=True)
    turn = minutes_page.split(f'id="u-{order}"', 1)[1][:2000]
    assert "추가경정예산안" in turn
