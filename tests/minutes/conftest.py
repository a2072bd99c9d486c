"""Fixtures of the minutes tests: the shared corpus of real minutes, meetings to write up."""

from pathlib import Path

import pytest

from tests.corpus import require_corpus


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Return the corpus folder (COUNCIL_CORPUS_DIR or ../shared/corpus); see require_corpus."""
    return require_corpus()


@pytest.fixture
def council(app):
    """Load the demo council (bodies, sample members, accounts) without example minutes."""
    from council_app.demo import loader
    from council_app.extensions import db

    council = loader.load_council(loader.facts(), loader.Report())
    db.session.commit()
    return council


@pytest.fixture
def make_meeting(council):
    """Add a meeting of ``body`` (slug) on ``day``, held unless it lies ahead."""
    import datetime

    from council_app.core.time import today_kst
    from council_app.extensions import db
    from council_app.meetings.models import Meeting, MeetingStatus
    from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus

    def make(day: datetime.date, body: str = "plenary", public: bool = True, status=None):
        council_session = db.session.scalar(
            db.select(CouncilSession).where(CouncilSession.number == 300)
        ) or CouncilSession(
            council=council,
            term=council.terms[0],
            number=300,
            kind=SessionKind.EXTRAORDINARY,
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 1, 15),
            status=SessionStatus.CLOSED,
        )
        held = day <= today_kst()
        meeting = Meeting(
            council_session=council_session,
            body=next(b for b in council.bodies if b.slug == body),
            sitting=1 + len(council_session.meetings),
            date=day,
            start_time=datetime.time(10, 0),
            place="본회의장",
            public=public,
            status=status or (MeetingStatus.HELD if held else MeetingStatus.SCHEDULED),
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make
