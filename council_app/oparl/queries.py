"""What each OParl list holds, and when its objects were made and last changed, in SQL.

An OParl object is often built from several rows (a meeting embeds its order of business and
its minutes file), so its ``modified`` is the latest change of any of them, computed by the
database: a client asking ``modified_since`` gets every object that looks different.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.functions import GenericFunction

from ..agenda.models import AgendaEntry, AgendaItem, Attachment, Outcome, Referral
from ..core.types import AwareDateTime
from ..council.models import Body, Council, Member, Membership, Term
from ..extensions import db
from ..meetings.models import Meeting
from ..minutes.models import Minutes, MinutesFile, MinutesStatus, MinutesVersion, Utterance
from ..sessions.models import CouncilSession


class greatest(GenericFunction):  # noqa: N801  (named as the SQL function)
    """The latest of several moments (``GREATEST`` on PostgreSQL, ``max()`` on SQLite)."""

    type = AwareDateTime()
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_on_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"


def _latest(base: ColumnElement, *others: ColumnElement) -> ColumnElement:
    """Return the latest of ``base`` and the others, an absent other counting as ``base``."""
    # SQLite's max() is null as soon as one argument is: every other falls back to base.
    return greatest(base, *(func.coalesce(other, base) for other in others))


@dataclass(frozen=True)
class Listing:
    """One OParl list: its rows, their created/modified moments, and which are deleted."""

    model: type
    created: ColumnElement
    modified: ColumnElement
    #: Rows shown as live objects now.
    shown: ColumnElement
    #: Rows that were public once and are kept as tombstones (``deleted: true``); None: none.
    tombstone: ColumnElement | None = None
    #: Rows of this council only.
    scope: ColumnElement | None = None
    #: Loader options, so a page of objects takes a few queries rather than one per row.
    options: tuple = ()


@dataclass(frozen=True)
class Window:
    """The OParl filters of a list (``created_since`` … ``modified_until``)."""

    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None


def statement(listing: Listing, window: Window) -> Select:
    """Select ``(row, modified, shown)`` for a list in a stable order (by id).

    Deleted objects come only with ``modified_since``, as OParl 1.1 asks: a full list never
    holds tombstones, a sync always learns of removals.
    """
    stmt = select(
        listing.model, listing.modified.label("modified"), listing.shown.label("shown")
    ).order_by(listing.model.id)
    stmt = stmt.options(*listing.options)
    if listing.scope is not None:
        stmt = stmt.where(listing.scope)
    if window.modified_since is not None and listing.tombstone is not None:
        stmt = stmt.where(or_(listing.shown, listing.tombstone))
    else:
        stmt = stmt.where(listing.shown)
    bounds = (
        (listing.created, window.created_since, window.created_until),
        (listing.modified, window.modified_since, window.modified_until),
    )
    for column, since, until in bounds:
        if since is not None:
            stmt = stmt.where(column >= since)
        if until is not None:
            stmt = stmt.where(column <= until)
    return stmt


def _max(column: ColumnElement, *where: ColumnElement) -> ColumnElement:
    return select(func.max(column)).where(*where).scalar_subquery()


def organizations(council: Council) -> Listing:
    """The plenary and the committees, changed with their seats."""
    return Listing(
        Body,
        Body.created_at,
        _latest(Body.updated_at, _max(Membership.updated_at, Membership.body_id == Body.id)),
        true(),
        scope=Body.council_id == council.id,
        options=(selectinload(Body.memberships),),
    )


def persons(council: Council) -> Listing:
    """The members, changed with their seats (embedded in Person)."""
    return Listing(
        Member,
        Member.created_at,
        _latest(Member.updated_at, _max(Membership.updated_at, Membership.member_id == Member.id)),
        true(),
        scope=Member.council_id == council.id,
        options=(selectinload(Member.memberships),),
    )


def memberships(council: Council) -> Listing:
    """Every seat of a member in a body."""
    return Listing(
        Membership,
        Membership.created_at,
        Membership.updated_at,
        true(),
        scope=Membership.body_id.in_(select(Body.id).where(Body.council_id == council.id)),
    )


def terms(council: Council) -> Listing:
    """The council's terms (대)."""
    return Listing(
        Term, Term.created_at, Term.updated_at, true(), scope=Term.council_id == council.id
    )


def _council_meeting(council: Council, meeting_id: ColumnElement) -> ColumnElement:
    return meeting_id.in_(
        select(Meeting.id)
        .join(CouncilSession, Meeting.session_id == CouncilSession.id)
        .where(CouncilSession.council_id == council.id)
    )


def meetings(council: Council) -> Listing:
    """Every meeting, closed ones too (their name and time are public, as on the pages).

    A meeting changes with its order of business, its outcomes and its minutes.
    """
    return Listing(
        Meeting,
        Meeting.created_at,
        _latest(
            Meeting.updated_at,
            select(Minutes.updated_at).where(Minutes.meeting_id == Meeting.id).scalar_subquery(),
            _max(AgendaEntry.updated_at, AgendaEntry.meeting_id == Meeting.id),
            _max(Outcome.recorded_at, Outcome.meeting_id == Meeting.id),
        ),
        true(),
        scope=_council_meeting(council, Meeting.id),
        options=(joinedload(Meeting.body), joinedload(Meeting.council_session)),
    )


def _open_meeting(meeting_id: ColumnElement) -> ColumnElement:
    return exists(select(Meeting.id).where(Meeting.id == meeting_id, Meeting.public.is_(True)))


def agenda_items(council: Council) -> Listing:
    """The lines of open meetings' orders of business (a closed meeting's stay private)."""
    outcome_at = (
        select(Outcome.recorded_at)
        .where(Outcome.meeting_id == AgendaEntry.meeting_id, Outcome.item_id == AgendaEntry.item_id)
        .scalar_subquery()
    )
    return Listing(
        AgendaEntry,
        AgendaEntry.created_at,
        _latest(AgendaEntry.updated_at, outcome_at),
        _open_meeting(AgendaEntry.meeting_id),
        scope=_council_meeting(council, AgendaEntry.meeting_id),
        options=(
            joinedload(AgendaEntry.meeting).joinedload(Meeting.body),
            joinedload(AgendaEntry.item).selectinload(AgendaItem.attachments),
        ),
    )


def papers(council: Council) -> Listing:
    """Every agenda item (안건), changed with its referrals and its treatment in meetings."""
    return Listing(
        AgendaItem,
        AgendaItem.created_at,
        _latest(
            AgendaItem.updated_at,
            _max(Referral.updated_at, Referral.item_id == AgendaItem.id),
            _max(AgendaEntry.updated_at, AgendaEntry.item_id == AgendaItem.id),
            _max(Outcome.recorded_at, Outcome.item_id == AgendaItem.id),
            _max(Attachment.uploaded_at, Attachment.item_id == AgendaItem.id),
        ),
        true(),
        scope=AgendaItem.term_id.in_(select(Term.id).where(Term.council_id == council.id)),
        options=(
            joinedload(AgendaItem.term),
            joinedload(AgendaItem.lead_member),
            selectinload(AgendaItem.co_sponsors),
            selectinload(AgendaItem.referrals),
            selectinload(AgendaItem.attachments),
            selectinload(AgendaItem.entries)
            .joinedload(AgendaEntry.meeting)
            .joinedload(Meeting.body),
        ),
    )


def _published_clean_file() -> ColumnElement:
    """A minutes file some published version came from, with no closed passage in it."""
    published = exists(
        select(MinutesVersion.id).where(
            MinutesVersion.file_id == MinutesFile.id, MinutesVersion.published_at.is_not(None)
        )
    )
    closed = exists(
        select(Utterance.id)
        .join(MinutesVersion, Utterance.version_id == MinutesVersion.id)
        .where(MinutesVersion.file_id == MinutesFile.id, Utterance.closed.is_(True))
    )
    return and_(published, ~closed)


def minutes_files(council: Council) -> Listing:
    """Original minutes files citizens may download; withdrawn ones stay as tombstones."""
    public_minutes = exists(
        select(Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            Minutes.id == MinutesFile.minutes_id,
            Minutes.status.in_(MinutesStatus.published()),
            Meeting.public.is_(True),
        )
    )
    minutes_at = select(Minutes.updated_at).where(Minutes.id == MinutesFile.minutes_id)
    meeting_at = (
        select(Meeting.updated_at)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.id == MinutesFile.minutes_id)
    )
    clean = _published_clean_file()
    return Listing(
        MinutesFile,
        MinutesFile.uploaded_at,
        _latest(
            MinutesFile.uploaded_at, minutes_at.scalar_subquery(), meeting_at.scalar_subquery()
        ),
        and_(clean, public_minutes),
        tombstone=clean,
        scope=MinutesFile.minutes_id.in_(
            select(Minutes.id).where(_council_meeting(council, Minutes.meeting_id))
        ),
    )


def meeting_files(council: Council, meeting_ids: list[int]) -> dict[int, list[MinutesFile]]:
    """Return each meeting's downloadable minutes files, the published version's first.

    Decided in SQL, as the File list decides it: reading every turn of every version to look
    for closed passages would cost a list page seconds.
    """
    found: dict[int, list[MinutesFile]] = {}
    if not meeting_ids:
        return found
    stmt = (
        select(MinutesFile, Minutes.meeting_id)
        .join(Minutes, MinutesFile.minutes_id == Minutes.id)
        .where(Minutes.meeting_id.in_(meeting_ids), minutes_files(council).shown)
        .order_by(MinutesFile.id.desc())
    )
    for stored, meeting_id in db.session.execute(stmt):
        found.setdefault(meeting_id, []).append(stored)
    published = dict(
        db.session.execute(
            select(Minutes.meeting_id, MinutesVersion.file_id)
            .join(Minutes, MinutesVersion.minutes_id == Minutes.id)
            .where(Minutes.meeting_id.in_(found), MinutesVersion.published_at.is_not(None))
            .order_by(MinutesVersion.number)
        ).all()
    )
    return {
        meeting_id: sorted(files, key=lambda f: f.id != published.get(meeting_id))
        for meeting_id, files in found.items()
    }


def lines_of(meeting_ids: list[int]) -> dict[int, list[AgendaEntry]]:
    """Return each meeting's order of business, in order, items and attachments loaded."""
    stmt = (
        select(AgendaEntry)
        .where(AgendaEntry.meeting_id.in_(meeting_ids))
        .options(joinedload(AgendaEntry.item).selectinload(AgendaItem.attachments))
        .order_by(AgendaEntry.meeting_id, AgendaEntry.position)
    )
    found: dict[int, list[AgendaEntry]] = {}
    for entry in db.session.scalars(stmt):
        found.setdefault(entry.meeting_id, []).append(entry)
    return found


def outcomes_of(
    *, meeting_ids: list[int] | None = None, item_ids: list[int] | None = None
) -> dict[tuple[int, int], Outcome]:
    """Return the outcomes at these meetings or of these items, by (meeting id, item id)."""
    stmt = select(Outcome)
    if meeting_ids is not None:
        stmt = stmt.where(Outcome.meeting_id.in_(meeting_ids))
    if item_ids is not None:
        stmt = stmt.where(Outcome.item_id.in_(item_ids))
    return {(o.meeting_id, o.item_id): o for o in db.session.scalars(stmt)}


def attachments(council: Council) -> Listing:
    """Files attached to agenda items (public, as on the item's page)."""
    return Listing(
        Attachment,
        Attachment.uploaded_at,
        Attachment.uploaded_at,
        true(),
        scope=Attachment.item_id.in_(
            select(AgendaItem.id).join(Term).where(Term.council_id == council.id)
        ),
    )


def page(listing: Listing, window: Window, offset: int, limit: int) -> tuple[list, int]:
    """Return ``limit`` rows ``(row, modified, shown)`` from ``offset``, and the list's total."""
    stmt = statement(listing, window)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(db.session.execute(stmt.offset(offset).limit(limit))) if limit else []
    return rows, total


def one(listing: Listing, row_id: int):
    """Return ``(row, modified, shown)`` for one object, tombstones included, or None."""
    stmt = select(
        listing.model, listing.modified.label("modified"), listing.shown.label("shown")
    ).where(listing.model.id == row_id)
    if listing.scope is not None:
        stmt = stmt.where(listing.scope)
    alive = listing.shown if listing.tombstone is None else or_(listing.shown, listing.tombstone)
    return db.session.execute(stmt.where(alive)).first()
