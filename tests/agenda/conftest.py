"""A council with 제244회 정례회 and meetings made directly, and a factory for items."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from council_app.agenda import services
from council_app.agenda.commands import ItemCommand
from council_app.agenda.models import ItemKind, ProposerKind
from council_app.council.models import Council
from council_app.demo import loader
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus


@pytest.fixture
def council(app):
    """Geumcheon's council, term, bodies and sample members."""
    loader.load_council(loader.facts(), loader.Report())
    db.session.commit()
    return db.session.scalar(select(Council))


@pytest.fixture
def bodies(council):
    return {b.slug: b for b in council.bodies}


@pytest.fixture
def make_session(council):
    def make(number=244, kind=SessionKind.REGULAR, start=date(2023, 6, 8), end=date(2023, 6, 30)):
        council_session = CouncilSession(
            council=council,
            term=next(t for t in council.terms if t.covers(start)),
            number=number,
            kind=kind,
            start=start,
            end=end,
            status=SessionStatus.CONFIRMED,
        )
        db.session.add(council_session)
        db.session.commit()
        return council_session

    return make


@pytest.fixture
def council_session(make_session):
    return make_session()


@pytest.fixture
def make_meeting(council_session, bodies):
    """Add a meeting of the body named by slug; held unless told otherwise."""

    def make(slug, day, *, sitting=1, status=MeetingStatus.HELD, in_session=None):
        meeting = Meeting(
            council_session=in_session or council_session,
            body=bodies[slug],
            sitting=sitting,
            date=day,
            start_time=time(10),
            status=status,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_item(council):
    """Register an item through the service, the way every path does (members by id)."""

    def make(title="서울특별시 금천구 예시 조례 일부개정조례안", **overrides):
        command = ItemCommand(
            title=title,
            kind=overrides.pop("kind", ItemKind.ORDINANCE),
            proposer_kind=overrides.pop("proposer_kind", ProposerKind.DISTRICT_HEAD),
            submitted_on=overrides.pop("submitted_on", date(2023, 5, 30)),
            **overrides,
        )
        item = services.create_item(council, command)
        db.session.commit()
        return item

    return make
