"""The front page: what is on today and ahead, the newest minutes, search and subscribe."""

from __future__ import annotations

from datetime import date

from council_app.home import views


def _plan_session(client, make_user, login):
    login(make_user("secretariat"))
    client.post(
        "/sessions/new",
        data={"number": "300", "kind": "extraordinary", "start": "2026-12-01", "end": "2026-12-05"},
    )
    client.post(
        "/sessions/300/meetings/new",
        data={"body": "plenary", "date": "2026-12-01", "start": "10:00", "public": "y"},
    )
    client.post("/logout")


def test_front_page_shows_the_coming_session_and_meeting(
    client, demo, make_user, login, monkeypatch
):
    monkeypatch.setattr(views, "today_kst", lambda: date(2026, 11, 22))
    _plan_session(client, make_user, login)

    page = client.get("/").get_data(as_text=True)

    assert "오늘: <strong>2026. 11. 22.(일)</strong>" in page
    assert '<a href="/sessions/300">제300회 임시회</a>' in page
    assert "제300회 임시회 제1차 본회의</a>" in page
    assert "12. 1.(화) 10:00" in page


def test_front_page_lists_the_newest_published_minutes_first(client, demo):
    page = client.get("/").get_data(as_text=True)
    latest = page.split('id="minutes-title"')[1]
    assert latest.index("예산결산특별위원회") < latest.index("행정재경위원회")
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
