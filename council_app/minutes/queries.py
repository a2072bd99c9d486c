"""Reading minutes: who may read what, lists, and what a version holds. Nothing here writes."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy import Row, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..auth.permissions import Permission
from ..core import storage
from ..core.time import now
from ..council.models import Council
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession
from .diff import DiffLine, word_diff
from .headings import names_title
from .models import Minutes, MinutesFile, MinutesStatus, MinutesVersion, Utterance


def minutes_for(meeting: Meeting) -> Minutes | None:
    """Return the meeting's minutes, if any were started."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def is_editor(user) -> bool:
    """Tell whether ``user`` writes minutes, and so may read drafts and closed passages."""
    return bool(user is not None and user.is_authenticated and user.can(Permission.EDIT_MINUTES))


def visible_to(minutes: Minutes, user) -> bool:
    """Tell whether ``user`` may read the minutes: anyone once public, else their editors."""
    return minutes.is_public or is_editor(user)


#: What the minutes page and the API show of a turn.
TURN_COLUMNS = (
    Utterance.order,
    Utterance.speaker,
    Utterance.title,
    Utterance.member_id,
    Utterance.text,
    Utterance.agenda_heading,
    Utterance.closed,
    Utterance.clock_time,
    Utterance.video_offset,
)


def readable_turns(version: MinutesVersion, user) -> list[Row]:
    """Return the turns ``user`` may read: closed passages only for the minutes' editors.

    Each is a row of :data:`TURN_COLUMNS` (``turn.order``, ``turn.text`` …), not an
    Utterance: a budget debate has 600 turns, and building an ORM object for each took
    a third of its page's time.
    """
    stmt = select(*TURN_COLUMNS).where(Utterance.version_id == version.id)
    if not is_editor(user):
        stmt = stmt.where(Utterance.closed.is_(False))
    return list(db.session.execute(stmt.order_by(Utterance.order)))


def agenda_sections(turns: list[Row]) -> list[tuple[str | None, list[Row]]]:
    """Group consecutive turns by the agenda heading they fall under, in order."""
    sections: list[tuple[str | None, list[Row]]] = []
    for turn in turns:
        if not sections or sections[-1][0] != turn.agenda_heading:
            sections.append((turn.agenda_heading, []))
        sections[-1][1].append(turn)
    return sections


def latest_published(council: Council, limit: int = 5) -> list[Minutes]:
    """Return the council's most recently published public minutes, newest first."""
    stmt = (
        select(Minutes)
        .join(Minutes.meeting)
        .join(Meeting.council_session)
        .where(
            CouncilSession.council_id == council.id,
            Minutes.status.in_(MinutesStatus.published()),
            Meeting.public.is_(True),
        )
        .order_by(Minutes.published_at.desc(), Minutes.id.desc())
        .limit(limit)
        # Each is listed by its meeting's name: session and body come with it.
        .options(
            contains_eager(Minutes.meeting).contains_eager(Meeting.council_session),
            contains_eager(Minutes.meeting).joinedload(Meeting.body),
        )
    )
    return list(db.session.scalars(stmt))


def file_is_public(stored: MinutesFile) -> bool:
    """Tell whether citizens may download the original: of a published version, nothing closed.

    A file of a draft, or one whose text could not be read, stays with the staff.
    """
    if not stored.minutes.is_public:
        return False
    versions = [v for v in stored.minutes.versions if v.file_id == stored.id]
    return any(v.published_at for v in versions) and not any(
        u.closed for v in versions for u in v.utterances
    )


def public_files(minutes: Minutes) -> list[MinutesFile]:
    """Return the files citizens may download, the published version's first."""
    published = minutes.published_version
    first = published.file_id if published else None
    files = [f for f in minutes.files if file_is_public(f)]
    return sorted(files, key=lambda f: (f.id != first, -f.id))


def public_versions(minutes: Minutes) -> list[MinutesVersion]:
    """Return the versions that were published at some time: the history citizens may read."""
    return [v for v in minutes.versions if v.published_at]


def has_happened(meeting: Meeting, moment: datetime | None = None) -> bool:
    """Tell whether the meeting took place: held, or scheduled and already begun."""
    if meeting.status is MeetingStatus.HELD:
        return True
    return meeting.status is MeetingStatus.SCHEDULED and meeting.starts_at <= (moment or now())


def file_path(stored: MinutesFile) -> Path:
    """Return where an uploaded file lies on disk."""
    return storage.path(stored.stored_path)


def version_diff(old: MinutesVersion, new: MinutesVersion) -> list[DiffLine | None]:
    """Return the word diff of the public texts of two versions."""
    return word_diff(old.public_text, new.public_text)


def speaker_counts(version: MinutesVersion) -> list[tuple[str, int]]:
    """Return each speaker with their number of turns, most turns first."""
    counts = Counter(u.speaker for u in version.utterances)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def headings(version: MinutesVersion) -> list[str]:
    """Return the agenda headings of a version in order, each once."""
    return list(dict.fromkeys(u.agenda_heading for u in version.utterances if u.agenda_heading))


def places_of_item(meetings: list[Meeting], title: str) -> dict[int, tuple[int, int]]:
    """Return, by meeting id, (minutes id, turn order) of the first open turn under ``title``.

    Only public minutes count, read in the version citizens see (``current_version``); two
    queries for any number of meetings: the headings of each version with their first open
    turn, rather than every turn.
    """
    ids = {meeting.id for meeting in meetings}
    if not ids:
        return {}
    found = db.session.scalars(
        select(Minutes).where(Minutes.meeting_id.in_(ids)).options(selectinload(Minutes.versions))
    )
    shown = {
        minutes.current_version.id: minutes
        for minutes in found
        if minutes.is_public and minutes.current_version is not None
    }
    if not shown:
        return {}
    rows = db.session.execute(
        select(Utterance.version_id, Utterance.agenda_heading, func.min(Utterance.order))
        .where(
            Utterance.version_id.in_(shown),
            Utterance.closed.is_(False),
            Utterance.agenda_heading.is_not(None),
        )
        .group_by(Utterance.version_id, Utterance.agenda_heading)
    )
    places: dict[int, tuple[int, int]] = {}
    for version_id, heading, order in rows:
        if not names_title(heading, title):
            continue
        minutes = shown[version_id]
        if minutes.meeting_id not in places or order < places[minutes.meeting_id][1]:
            places[minutes.meeting_id] = (minutes.id, order)
    return places


def public_publications():
    """Select the versions of public minutes that were published, with what a listing shows.

    Meeting, session, term and body come loaded; a caller adds its own window and order.
    """
    return (
        select(MinutesVersion)
        .join(MinutesVersion.minutes)
        .join(Minutes.meeting)
        .where(
            MinutesVersion.published_at.is_not(None),
            Minutes.status.in_(MinutesStatus.published()),
            Meeting.public.is_(True),
        )
        .options(
            selectinload(MinutesVersion.minutes)
            .selectinload(Minutes.meeting)
            .selectinload(Meeting.council_session)
            .selectinload(CouncilSession.term),
            selectinload(MinutesVersion.minutes)
            .selectinload(Minutes.meeting)
            .selectinload(Meeting.body),
        )
    )
