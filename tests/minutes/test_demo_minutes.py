"""Example minutes in the demo: real format, labelled 예시, on time, late and still due."""

from __future__ import annotations

import datetime

from sqlalchemy import func, select

from council_app.demo import loader
from council_app.extensions import db
from council_app.minutes.models import Minutes, MinutesStatus, MinutesVersion


def test_demo_minutes_cover_every_case_and_load_once(app, make_meeting):
    days = [datetime.date(2023, 1, d) for d in (9, 10, 11, 12, 13)]
    meetings = [
        make_meeting(day, body=body)
        for day, body in zip(
            days, ["plenary", "steering", "plenary", "admin-finance", "plenary"], strict=True
        )
    ]
    loader.load_all()
    db.session.commit()
    by_meeting = {m.meeting_id: m for m in db.session.scalars(select(Minutes))}
    assert meetings[0].id not in by_meeting  # only the latest four get examples
    newest, late, *on_time = (by_meeting[m.id] for m in reversed(meetings[1:]))
    assert newest.status is MinutesStatus.DRAFT
    assert late.late and late.late_reason.startswith("예시")
    assert all(m.status is MinutesStatus.PROVISIONAL and not m.late for m in on_time)
    version = on_time[0].current_version
    assert version.text.startswith("[예시]")
    assert version.utterances[0].speaker == "의장 김가상" and version.utterances[0].member_id
    count = db.session.scalar(select(func.count()).select_from(MinutesVersion))
    loader.load_all()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == count
