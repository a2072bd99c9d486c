"""Incremental sync: a client that synced once learns exactly what changed since, removals too."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from council_app.core.commands import read_command
from council_app.core.time import now
from council_app.extensions import db
from council_app.meetings import services as meeting_services
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.meetings.services import MeetingCommand
from council_app.minutes import publication
from council_app.minutes.models import Minutes
from council_app.minutes.publication import WithdrawMinutes
from tests.oparl.conftest import ROOT, problems

LISTS = (
    "organization",
    "person",
    "membership",
    "legislativeTerm",
    "meeting",
    "agendaItem",
    "paper",
    "file",
)


def read_list(get, url: str) -> list[dict]:
    """Return every object of a list, following its next links."""
    objects = []
    while url:
        page = get(url)
        objects += page["data"]
        url = page["links"].get("next")
    return objects


def sync(get, since: str | None = None) -> dict[str, dict[str, dict]]:
    """Read every list of the body (changed since ``since``), by id."""
    query = f"?modified_since={quote(since)}" if since else ""
    return {
        name: {o["id"]: o for o in read_list(get, f"{ROOT}body/1/{name}{query}")} for name in LISTS
    }


def test_a_client_learns_of_a_withdrawn_minutes_and_a_cancelled_meeting(
    demo_files, oparl_get, clock
):
    (withdrawn, kept), _attachment = demo_files
    first = sync(oparl_get)
    file_ids = {f"{ROOT}file/minutes-{f.id}" for f in withdrawn.files}
    assert file_ids <= set(first["file"])
    assert not any(o.get("deleted") for objects in first.values() for o in objects.values())

    clock.shift(timedelta(minutes=10))
    since = now().isoformat()
    clock.shift(timedelta(minutes=10))
    publication.withdraw(withdrawn, WithdrawMinutes(reason="개인정보가 담겨 다시 올립니다."))
    ahead = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED, ~Meeting.id.in_(select(Minutes.meeting_id))
        )
        .order_by(Meeting.date.desc())
        .limit(1)
    ).one()
    meeting_services.update_meeting(
        ahead, read_command(MeetingCommand, {"status": "cancelled"}, partial=True)
    )
    db.session.commit()

    changes = sync(oparl_get, since)
    assert {k: set(v) for k, v in changes.items() if v} == {
        "meeting": {f"{ROOT}meeting/{withdrawn.meeting_id}", f"{ROOT}meeting/{ahead.id}"},
        "file": file_ids,
    }
    cancelled = changes["meeting"][f"{ROOT}meeting/{ahead.id}"]
    assert cancelled["cancelled"] is True and cancelled["meetingState"] == "취소"
    # The withdrawn minutes' meeting no longer offers the file.
    assert "verbatimProtocol" not in changes["meeting"][f"{ROOT}meeting/{withdrawn.meeting_id}"]
    for file_id in file_ids:
        tombstone = changes["file"][file_id]
        assert tombstone["deleted"] is True
        assert tombstone["modified"] >= since[:19]
        assert tombstone["created"] == first["file"][file_id]["created"]
        assert "text" not in tombstone and "name" not in tombstone

    # A full list shows no tombstones: the file is simply gone, the other minutes stay.
    again = sync(oparl_get)
    assert not file_ids & set(again["file"])
    assert {f"{ROOT}file/minutes-{f.id}" for f in kept.files} <= set(again["file"])
    assert oparl_get(next(iter(file_ids)))["deleted"] is True


def test_filters_bound_lists_by_creation_and_change(demo_files, oparl_get, clock):
    everything = read_list(oparl_get, f"{ROOT}body/1/meeting")
    clock.shift(timedelta(minutes=5))
    later = quote(now().isoformat())
    assert read_list(oparl_get, f"{ROOT}body/1/meeting?created_since={later}") == []
    until = read_list(oparl_get, f"{ROOT}body/1/meeting?created_until={later}&limit=7")
    assert [m["id"] for m in until] == [m["id"] for m in everything]
    assert (
        read_list(oparl_get, f"{ROOT}body/1/meeting?modified_until=2000-01-01T00:00:00%2B09:00")
        == []
    )


def test_omit_internal_leaves_out_embedded_lists_and_stays_valid(demo, oparl_get):
    full = read_list(oparl_get, f"{ROOT}body/1/meeting")
    assert any("agendaItem" in m for m in full)
    short = read_list(oparl_get, f"{ROOT}body/1/meeting?omit_internal=true&limit=30")
    assert [m["id"] for m in short] == [m["id"] for m in full]
    assert not any("agendaItem" in m for m in short)
    assert all(problems(m) == [] for m in short)
    persons = read_list(oparl_get, f"{ROOT}body/1/person?omit_internal=true")
    assert persons and not any("membership" in p for p in persons)


def test_a_filter_that_is_not_a_date_time_answers_400_in_korean(demo, oparl_get):
    answer = oparl_get(f"{ROOT}body/1/paper?modified_since=yesterday", status=400)
    assert answer["errors"][0]["field"] == "modified_since"
    assert "ISO 8601" in answer["errors"][0]["message"]
    naive = oparl_get(f"{ROOT}body/1/paper?modified_since=2024-01-01T00:00:00", status=400)
    assert naive["errors"][0]["field"] == "modified_since"


def test_a_page_kept_for_the_next_visitor_still_allows_any_origin(demo, client):
    first = client.get(f"{ROOT}body/1/organization")
    second = client.get(f"{ROOT}body/1/organization")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    assert second.get_json() == first.get_json()


def test_keys_past_the_largest_id_name_nothing(demo, oparl_get):
    for key in ("file/minutes-2147483648", "file/attachment-99999999999", "consultation/entry-x"):
        assert oparl_get(f"{ROOT}{key}", status=404)["errors"]
