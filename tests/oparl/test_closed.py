"""A meeting made closed (비공개) shows in OParl only what its public page shows."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from council_app.agenda.models import AgendaEntry
from council_app.core.commands import read_command
from council_app.core.time import now
from council_app.extensions import db
from council_app.meetings import services as meeting_services
from council_app.meetings.services import MeetingCommand
from tests.oparl.conftest import ROOT
from tests.oparl.test_sync import read_list


def test_a_closed_meeting_keeps_its_name_and_time_and_loses_the_rest(
    demo_files, client, oparl_get, clock
):
    (_withdrawn, minutes), _attachment = demo_files
    meeting = minutes.meeting
    entries = db.session.scalars(
        select(AgendaEntry).where(AgendaEntry.meeting_id == meeting.id)
    ).all()
    assert entries
    file_id = f"{ROOT}file/minutes-{minutes.files[-1].id}"
    assert "verbatimProtocol" in oparl_get(f"{ROOT}meeting/{meeting.id}")

    clock.shift(timedelta(minutes=5))
    since = quote(now().isoformat())
    clock.shift(timedelta(minutes=5))
    meeting_services.update_meeting(
        meeting, read_command(MeetingCommand, {"public": False}, partial=True)
    )
    db.session.commit()

    shown = oparl_get(f"{ROOT}meeting/{meeting.id}")
    assert shown["name"] == meeting.name and shown["start"].startswith(meeting.date.isoformat())
    for hidden in ("location", "agendaItem", "verbatimProtocol", "auxiliaryFile"):
        assert hidden not in shown
    assert shown["council:public"] is False
    lines = {o["id"] for o in read_list(oparl_get, f"{ROOT}body/1/agendaItem")}
    assert not lines & {f"{ROOT}agendaItem/{e.id}" for e in entries}
    oparl_get(f"{ROOT}agendaItem/{entries[0].id}", status=404)
    oparl_get(f"{ROOT}consultation/entry-{entries[0].id}", status=404)
    assert file_id not in {o["id"] for o in read_list(oparl_get, f"{ROOT}body/1/file")}
    changed = {
        o["id"]: o for o in read_list(oparl_get, f"{ROOT}body/1/file?modified_since={since}")
    }
    assert changed[file_id]["deleted"] is True
    assert client.get(f"/oparl/v1/location/{meeting.id}").status_code == 404
