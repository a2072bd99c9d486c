"""What each Atom feed holds: publications of minutes, or a search's newest turns.

An entry is a public act with a time of its own: a version's publication (its
``published_at``), or a turn of a published version. Its id is a tag URI made of the
site's domain, the publication's day and what it is (``minutes/12/v2``, ``…/u-5``), so a
feed reader never sees an entry twice nor loses one because the feed was read again.
Minutes that are withdrawn or whose meeting is closed leave every feed, as they leave
every page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from ..calendars.feeds import uid_domain
from ..core import data_version
from ..core.urls import external_url
from ..council.models import Body, Member
from ..council.services import current_council
from ..extensions import db
from ..i18n import date_filter
from ..meetings.models import Meeting
from ..minutes import queries
from ..minutes.models import MinutesVersion, Utterance
from ..search.services import SearchRequest
from ..search.services import search as run_search
from ..sessions.models import CouncilSession
from . import atom

#: Entries per feed: readers keep what they have seen, so the newest are enough.
MAX_ENTRIES = 50
#: The time of a feed with no entry on a site where nothing has changed yet.
EMPTY_SINCE = datetime.fromisoformat("2000-01-01T00:00:00+09:00")


def minutes_feed(body: Body | None = None, member: Member | None = None) -> atom.Feed:
    """Return the feed of minutes publications, newest first, of one body or member if given."""
    stmt = (
        queries.public_publications()
        .order_by(MinutesVersion.published_at.desc(), MinutesVersion.id.desc())
        .limit(MAX_ENTRIES)
    )
    title = gettext("회의록 공개")
    if body is not None:
        stmt = stmt.where(Meeting.body_id == body.id)
        title = gettext("%(body)s 회의록 공개", body=body.name)
    if member is not None:
        spoke = (
            select(Utterance.id)
            .where(
                Utterance.version_id == MinutesVersion.id,
                Utterance.member_id == member.id,
                Utterance.closed.is_(False),
            )
            .exists()
        )
        stmt = stmt.where(spoke)
        title = gettext("%(name)s 의원이 발언한 회의록", name=member.name)
    versions = db.session.scalars(stmt).all()
    entries = [_publication(version) for version in versions]
    args = {"body": body.slug} if body is not None else {}
    if member is not None:
        args["member"] = member.id
    return _feed(title, entries, external_url("home.index"), external_url("feeds.minutes", **args))


def search_feed(search_request: SearchRequest) -> atom.Feed:
    """Return the feed of a search: its newest public turns, each with its snippet."""
    dated = replace(search_request, sort="date", page=1, per_page=MAX_ENTRIES)
    hits = run_search(dated).hits
    published = _published_at({(hit.minutes_id, hit.version) for hit in hits})
    meetings = {
        meeting.id: meeting
        for meeting in db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_({hit.meeting_id for hit in hits}))
            .options(
                selectinload(Meeting.council_session).selectinload(CouncilSession.term),
                selectinload(Meeting.body),
            )
        )
    }
    entries = []
    for hit in hits:
        moment = published.get((hit.minutes_id, hit.version))
        meeting = meetings.get(hit.meeting_id)
        if moment is None or meeting is None:
            continue  # not public as this version any more (``still_public`` raced a change)
        entries.append(
            atom.Entry(
                id=atom.tag_uri(
                    uid_domain(), moment, f"minutes/{hit.minutes_id}/v{hit.version}/{hit.anchor}"
                ),
                title=f"{hit.speaker} — {meeting.name}",
                updated=moment,
                link=external_url("minutes.show", minutes_id=hit.minutes_id, _anchor=hit.anchor),
                html=hit.snippet,
                category=meeting.body.name,
            )
        )
    args = search_request.as_args(page=1)
    args.pop("page", None)
    label = search_request.q or gettext("조건 검색")
    return _feed(
        gettext("회의록 검색: %(q)s", q=label),
        entries,
        external_url("search.index", **args),
        external_url("feeds.search", **args),
    )


def _published_at(pairs: set[tuple[int, int | None]]) -> dict[tuple[int, int], datetime]:
    """Return when each (minutes, version number) was published, in one query."""
    wanted = {pair for pair in pairs if pair[1] is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(MinutesVersion.minutes_id, MinutesVersion.number, MinutesVersion.published_at).where(
            tuple_(MinutesVersion.minutes_id, MinutesVersion.number).in_(wanted),
            MinutesVersion.published_at.is_not(None),
        )
    )
    return {(minutes_id, number): moment for minutes_id, number, moment in rows}


def _publication(version: MinutesVersion) -> atom.Entry:
    minutes = version.minutes
    meeting = minutes.meeting
    correction = version.number > 1
    title = gettext("%(meeting)s 회의록", meeting=meeting.name)
    if correction:
        title += " " + gettext("제%(n)s판 (정정)", n=version.number)
    summary = gettext(
        "%(day)s %(body)s 회의록 제%(n)s판을 공개했습니다.",
        day=date_filter(meeting.date),
        body=meeting.body.name,
        n=version.number,
    )
    if version.note:
        summary += f" {version.note}"
    return atom.Entry(
        id=atom.tag_uri(
            uid_domain(), version.published_at, f"minutes/{minutes.id}/v{version.number}"
        ),
        title=title,
        updated=version.published_at,
        link=external_url("minutes.show", minutes_id=minutes.id),
        summary=summary,
        category=meeting.body.name,
    )


def _feed(title: str, entries: list[atom.Entry], page: str, self_link: str) -> atom.Feed:
    council = current_council()
    updated = max((entry.updated for entry in entries), default=None)
    if updated is None:
        # An empty feed still needs a time: when the public data last changed.
        version = data_version.current()
        updated = version.changed_at if version else EMPTY_SINCE
    return atom.Feed(
        # The feed's own canonical address: an IRI that stays as long as the site's does.
        id=self_link,
        title=f"{council.name} {title}",
        updated=updated,
        self_link=self_link,
        link=page,
        author=council.name,
        entries=entries,
    )
