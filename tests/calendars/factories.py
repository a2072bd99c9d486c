"""Sessions and meetings made straight from the models, for the calendar tests."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from council_app.core.commands import read_command
from council_app.council.models import Body, Council
from council_app.demo import loader
from council_app.extensions import db
from council_app.meetings import services as meeting_services
from council_app.meetings.models import Meeting
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus
from council_app.sessions.services import SessionCommand


def add_council() -> Council:
    """Add Geumcheon's council, term and bodies (no people)."""
    council = loader.load_council(loader.facts(), loader.Report())
    db.session.commit()
    return council


def add_session(
    number: int = 244,
    start: date = date(2023, 6, 8),
    end: date = date(2023, 6, 30),
    kind: SessionKind = SessionKind.REGULAR,
    status: SessionStatus = SessionStatus.CONFIRMED,
    **fields,
) -> CouncilSession:
    """Add a session of the first council."""
    council = db.session.scalar(select(Council))
    council_session = CouncilSession(
        council=council,
        term=council.terms[0],
        number=number,
        kind=kind,
        start=start,
        end=end,
        status=status,
        **fields,
    )
    db.session.add(council_session)
    db.session.commit()
    return council_session


def add_meeting(
    council_session: CouncilSession,
    body: str = "plenary",
    sitting: int = 1,
    day: date | None = None,
    start: time = time(10),
    end: time | None = time(12),
    place: str = "본회의장",
    **fields,
) -> Meeting:
    """Add a meeting of the body with slug ``body`` in ``council_session``."""
    meeting = Meeting(
        council_session=council_session,
        body=db.session.scalar(select(Body).where(Body.slug == body)),
        sitting=sitting,
        date=day or council_session.start,
        start_time=start,
        end_time=end,
        place=place,
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def change_meeting(meeting: Meeting, **data) -> None:
    """Change a meeting through the meeting services, as the secretariat's page does."""
    command = read_command(meeting_services.MeetingCommand, data, partial=True)
    meeting_services.update_meeting(meeting, command)
    db.session.commit()


def add_agenda(meeting: Meeting, titles: list[str]) -> None:
    """Put items with these titles on the meeting's order of business, in order."""
    from council_app.agenda.models import AgendaEntry, AgendaItem, ItemKind, ProposerKind

    for position, title in enumerate(titles, start=1):
        item = AgendaItem(
            term=meeting.council_session.term,
            title=title,
            kind=ItemKind.ORDINANCE,
            proposer_kind=ProposerKind.CHAIR,
            submitted_on=meeting.council_session.start,
        )
        db.session.add(AgendaEntry(meeting=meeting, item=item, position=position))
    db.session.commit()


def change_session(**data) -> SessionCommand:
    """Return the command that changes the named fields of a session."""
    return read_command(SessionCommand, data, partial=True)
