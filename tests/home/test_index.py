"""The front page: what is on today and ahead, the newest minutes, search and subscribe."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import select

from council_app.core.time import format_date, kst_datetime, today_kst
from council_app.extensions import db
from council_app.minutes.models import Minutes


def _start():
    """Return a day well clear of the demo's example session, which lies around today."""
    return today_kst() + timedelta(days=120)


def _plan_session(client, make_user, login, start):
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={
            "number": "300",
            "kind": "extraordinary",
            "start": start.isoformat(),
            "end": (start + timedelta(days=4)).isoformat(),
        },
    )
    client.post(
        "/sessions/300/meetings/new",
        data={"body": "plenary", "date": start.isoformat(), "start": "10:00", "public": "y"},
    )
    client.post("/logout")


def test_front_page_shows_the_coming_session_and_meeting(client, demo, make_user, login, clock):
    start = _start()
    nine_days_before = start - timedelta(days=9)
    clock.move_to(kst_datetime(nine_days_before, time(9, 0)))
    _plan_session(client, make_user, login, start)

    page = client.get("/").get_data(as_text=True)

    assert f"오늘: <strong>{format_date(nine_days_before)}</strong>" in page
    assert '<a href="/sessions/300">제300회 임시회</a>' in page
    assert "제300회 임시회 제1차 본회의</a>" in page
    assert f"{format_date(start, year=False)} 10:00" in page


def test_front_page_lists_the_newest_published_minutes_first(client, demo):
    published = [
        m
        for m in db.session.scalars(select(Minutes))
        if m.published_at is not None and m.status.is_published and m.meeting.public
    ]
    newest = sorted(published, key=lambda m: (m.published_at, m.id), reverse=True)[:5]
    page = client.get("/").get_data(as_text=True)
    latest = page.split('id="minutes-title"')[1]
    listed = re.findall(r'href="/minutes/(\d+)"', latest.split("</ul>")[0])
    assert len(newest) == 5 and listed == [str(m.id) for m in newest]
    assert 'href="/minutes/' in latest


def test_front_page_offers_search_subscription_and_the_main_pages(client, demo):
    page = client.get("/").get_data(as_text=True)
    assert '<form method="get" action="/search" role="search"' in page
    assert '<label for="home-q" class="field-label">회의록 검색</label>' in page
    assert 'name="q"' in page
    assert 'href="webcal://localhost/calendar.ics"' in page
    for href in ("/sessions/plan", "/sessions", "/agenda", "/calendar", "/minutes/compliance"):
        assert f'href="{href}"' in page


def test_front_page_works_before_any_council_exists(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "예정된 회기가 없습니다." in response.get_data(as_text=True)
