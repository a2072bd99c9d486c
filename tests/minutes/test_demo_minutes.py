"""Example minutes in the demo: real format, labelled 예시, on time, late and still due.

The demo comes from the per-process template (see tests/demo_template.py); one test loads it a
second time to show that loading changes nothing.
"""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from council_app.agenda.models import AgendaEntry, AgendaItem
from council_app.core.time import today_kst
from council_app.demo import loader
from council_app.extensions import db
from council_app.minutes import compliance
from council_app.minutes.models import Minutes, MinutesStatus, MinutesVersion

HEADING_LINK = re.compile(r'<h3 class="agenda-heading"><a href="/agenda/(\d+)">([^<]+)</a></h3>')


def test_demo_minutes_cover_every_case_and_load_once(demo):
    examples = sorted(
        db.session.scalars(select(Minutes)), key=lambda m: (m.meeting.date, m.meeting.start_time)
    )
    history = [m for m in examples if m.meeting.council_session.end < today_kst()]
    current = [m for m in examples if m not in history]
    late = [m for m in examples if m.late]
    assert len(late) == 1 and late[0].late_reason.startswith("예시")
    assert late[0] is history[-1]  # the last meeting of the finished sessions
    assert all(m.status is MinutesStatus.PROVISIONAL for m in history)

    newest = current[-1]  # the example session around today: its newest minutes are due
    assert newest.status is MinutesStatus.DRAFT
    due = compliance.deadlines_list(status="due")
    assert newest.meeting in [d.meeting for d in due]
    assert compliance.deadlines_list(status="overdue") == []

    version = history[0].current_version
    assert version.text.startswith("[예시]")
    assert version.utterances[0].member_id is not None
    count = db.session.scalar(select(func.count()).select_from(MinutesVersion))
    loader.load_all()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MinutesVersion)) == count


def test_example_minutes_quote_the_meetings_own_agenda(demo):
    texts = [m.current_version.text for m in db.session.scalars(select(Minutes))]
    assert any("2023년도 제1회 추가경정예산안" in text for text in texts)


def test_example_session_around_today_has_meetings_ahead(demo):
    from council_app.council.services import current_council
    from council_app.sessions.services import all_sessions

    example = next(s for s in all_sessions(current_council()) if s.note == loader.EXAMPLE_NOTE)
    assert example.start < today_kst() <= example.end
    assert example.days <= 15
    assert any(m.date >= today_kst() for m in example.meetings)


def test_agenda_headings_in_the_minutes_link_to_their_items(client, demo):
    linked = 0
    for minutes in db.session.scalars(select(Minutes)):
        if not minutes.status.is_published or not minutes.meeting.public:
            continue
        page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
        for item_id, heading in HEADING_LINK.findall(page):
            item = db.session.get(AgendaItem, int(item_id))
            entry = db.session.scalar(
                select(AgendaEntry).where(
                    AgendaEntry.meeting_id == minutes.meeting_id, AgendaEntry.item_id == item.id
                )
            )
            # The item is on this meeting's order of business, and the heading names it.
            assert entry is not None, (heading, item.title)
            assert html.unescape(heading).split(". ", 1)[-1] in item.title or heading.startswith(
                f"{entry.position}."
            ), (heading, item.title)
            linked += 1
    assert linked >= 3, "the demo minutes take up several items of their order of business"
