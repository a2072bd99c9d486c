"""The JSON API's lists answer "what changed since" and every object says when it changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import select

from council_app.core.commands import read_command
from council_app.core.time import now
from council_app.extensions import db
from council_app.meetings import services as meeting_services
from council_app.meetings.models import Meeting
from council_app.meetings.services import MeetingCommand
from council_app.minutes import publication
from council_app.minutes.models import Minutes, MinutesStatus


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_lists_keep_only_what_changed_since_the_moment_asked(demo, client, clock):
    everything = get(client, "/api/v1/meetings?per_page=500")
    assert everything["total"] > 10
    assert all(datetime.fromisoformat(m["modified"]).utcoffset() for m in everything["data"])

    clock.shift(timedelta(minutes=10))
    since = quote(now().isoformat())
    clock.shift(timedelta(minutes=10))
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id).limit(1)).one()
    meeting_services.update_meeting(
        meeting, read_command(MeetingCommand, {"place": "구민회관 2층"}, partial=True)
    )
    minutes = db.session.scalars(
        select(Minutes).where(Minutes.status == MinutesStatus.PROVISIONAL).limit(1)
    ).one()
    publication.finalize(minutes)
    db.session.commit()

    changed = get(client, f"/api/v1/meetings?modified_since={since}")
    assert [m["id"] for m in changed["data"]] == [meeting.id] and changed["total"] == 1
    assert changed["data"][0]["place"] == "구민회관 2층"
    finalized = get(client, f"/api/v1/minutes?modified_since={since}")
    assert [m["id"] for m in finalized["data"]] == [minutes.id]
    assert finalized["data"][0]["status"] == "final" and finalized["data"][0]["modified"]

    items = get(client, "/api/v1/agenda-items")
    assert items["total"] > 0 and all("modified" in i for i in items["data"])
    assert get(client, f"/api/v1/agenda-items?modified_since={since}")["total"] == 0
    assert get(client, f"/api/v1/sessions?modified_since={since}")["data"] == []
    old = quote("2000-01-01T00:00:00+09:00")
    assert get(client, f"/api/v1/sessions?modified_since={old}")["total"] > 0


def test_a_modified_since_that_is_not_a_date_time_answers_400(demo, client):
    response = client.get("/api/v1/meetings?modified_since=어제")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "modified_since"
