"""A closed meeting (비공개) tells the public when and what only: page, session, API and iCal agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.calendars import factories

PLACE = "제2소회의실"
NOTE = "징계 심사 관계자 출석"
TITLE = "김가상 의원 징계요구의 건"


@pytest.fixture
def closed(app):
    factories.add_council()
    june = factories.add_session()
    meeting = factories.add_meeting(
        june, body="ethics", public=False, place=PLACE, note=NOTE, video_url="https://v.example/1"
    )
    factories.add_agenda(meeting, [TITLE])
    return meeting


def test_public_meeting_page_shows_no_place_note_or_order_of_business(client, closed):
    response = client.get(f"/meetings/{closed.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert closed.name in page and "비공개" in page
    for hidden in (PLACE, NOTE, TITLE, 'id="agenda-title"', "https://v.example/1"):
        assert hidden not in page, hidden
    assert "비공개 회의입니다" in page


def test_staff_still_see_everything_on_the_meeting_page(client, closed, make_user, login):
    login(make_user("secretariat"))
    page = client.get(f"/meetings/{closed.id}").get_data(as_text=True)
    for shown in (PLACE, NOTE, TITLE, 'id="agenda-title"'):
        assert shown in page, shown


def test_session_page_leaves_the_closed_meetings_place_out(client, closed):
    page = client.get("/sessions/244").get_data(as_text=True)
    assert closed.body.name in page
    assert PLACE not in page


def test_api_and_ical_say_the_same(client, closed):
    assert client.get(f"/api/v1/meetings/{closed.id}/agenda").status_code == 404
    meeting = client.get(f"/api/v1/meetings/{closed.id}").get_json()
    assert meeting["public"] is False and meeting["date"] == "2023-06-08"
    assert meeting["place"] is None and meeting["note"] is None and meeting["video_url"] is None
    feed = client.get("/sessions/244.ics").get_data(as_text=True)
    assert "비공개 회의입니다." in feed
    assert PLACE not in feed and TITLE not in feed


def test_public_meeting_page_still_shows_its_details(client, app):
    factories.add_council()
    meeting = factories.add_meeting(factories.add_session(), place=PLACE, note=NOTE)
    factories.add_agenda(meeting, [TITLE])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for shown in (PLACE, NOTE, TITLE, 'id="agenda-title"'):
        assert shown in page, shown


@pytest.fixture
def decided_behind_closed_doors(closed):
    """The closed meeting's item, decided there: the only meeting that dealt with it."""
    from council_app.agenda.models import AgendaItem, Outcome, Result
    from council_app.extensions import db

    item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == TITLE))
    db.session.add(Outcome(item=item, meeting=closed, result=Result.PASSED, votes_yes=5))
    db.session.commit()
    return item


def test_an_items_way_leaves_out_what_a_closed_meeting_did_with_it(
    client, closed, decided_behind_closed_doors, make_user, login
):
    item = decided_behind_closed_doors
    page = client.get(f"/agenda/{item.id}").get_data(as_text=True)
    assert TITLE in page
    assert f"/meetings/{closed.id}" not in page and closed.name not in page
    api = client.get(f"/api/v1/agenda-items/{item.id}").get_json()
    assert api["outcomes"] == []
    # Nor does a session's list name it through the closed meeting.
    listed = client.get("/api/v1/agenda-items", query_string={"session": 244}).get_json()
    assert listed["total"] == 0
    assert TITLE not in client.get("/agenda?session=244").get_data(as_text=True)

    login(make_user("secretariat"))
    page = client.get(f"/agenda/{item.id}").get_data(as_text=True)
    assert f"/meetings/{closed.id}" in page
    assert TITLE in client.get("/agenda?session=244").get_data(as_text=True)
