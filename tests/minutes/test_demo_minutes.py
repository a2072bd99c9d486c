"""Example minutes in the demo: real format, labelled 예시, on time, late and still due."""

from __future__ import annotations

from sqlalchemy import func, select

from council_app.demo import loader
from council_app.extensions import db
from council_app.minutes import services
from council_app.minutes.models import Minutes, MinutesStatus, MinutesVersion


def test_demo_minutes_cover_every_case_and_load_once(app):
    report = loader.load_all()
    db.session.commit()
    assert "회의록(예시): 4건 추가" in report.lines
    examples = sorted(
        db.session.scalars(select(Minutes)), key=lambda m: (m.meeting.date, m.meeting.start_time)
    )
    *on_time, late, newest = examples
    assert newest.status is MinutesStatus.DRAFT
    assert newest.meeting in [e.meeting for e in services.deadlines_list()]
    assert late.late and late.late_reason.startswith("예시")
    assert all(m.status is MinutesStatus.PROVISIONAL and not m.late for m in on_time)
    version = on_time[0].current_version
    assert version.text.startswith("[예시]")
    assert version.utterances[0].member_id is not None
    count = db.session.scalar(select(func.count()).select_from(MinutesVersion))
    loader.load_all()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == count
