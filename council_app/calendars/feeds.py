"""The feeds: which meetings and sessions each holds, over which dates, and its bytes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..agenda.queries import titles_by_meeting
from ..core.errors import CouncilError
from ..core.urls import external_url
from ..council.models import Body
from ..extensions import db
from ..meetings.models import Meeting
from ..sessions.models import CouncilSession
from . import ical


@dataclass(frozen=True)
class Window:
    """The dates a feed covers, both included; no ``last`` means everything ahead."""

    first: date
    last: date | None = None


@dataclass(frozen=True)
class Feed:
    """A feed ready to send: its bytes and when its newest event changed."""

    data: bytes
    last_modified: datetime | None


def window_from_args(args: Mapping[str, str], today: date) -> Window:
    """Read ``from`` and ``to`` (ISO dates); by default the past 12 months and all ahead."""
    # Starting on the 1st keeps the feed's bytes, and so its ETag, steady from day to day.
    first = _date_arg(args, "from") or date(today.year - 1, today.month, 1)
    last = _date_arg(args, "to")
    if last and last < first:
        raise CouncilError(
            f"to({last.isoformat()})가 from({first.isoformat()})보다 앞섭니다. "
            "from을 함께 지정해 주세요.",
            field="to",
        )
    return Window(first, last)


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    """Return the date in ``args[name]``, None when it is absent."""
    value = args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CouncilError(
            f"{name} 값 '{value}'은(는) 날짜가 아닙니다. 2023-06-08처럼 적어 주세요.", field=name
        ) from None


def meetings_in(window: Window, body: Body | None = None) -> list[Meeting]:
    """Return the meetings in ``window`` (of ``body`` only, if given) in date order."""
    query = (
        select(Meeting)
        .options(joinedload(Meeting.council_session), joinedload(Meeting.body))
        .where(Meeting.date >= window.first)
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    if window.last:
        query = query.where(Meeting.date <= window.last)
    if body:
        query = query.where(Meeting.body_id == body.id)
    return list(db.session.scalars(query))


def sessions_in(window: Window) -> list[CouncilSession]:
    """Return the sessions with at least one day in ``window``, in date order."""
    query = select(CouncilSession).where(CouncilSession.end >= window.first)
    if window.last:
        query = query.where(CouncilSession.start <= window.last)
    return list(db.session.scalars(query.order_by(CouncilSession.start)))


def session_url(council_session: CouncilSession) -> str:
    """Return the absolute address of the session's page."""
    return external_url("sessions.show", number=council_session.number)


def uid_domain() -> str:
    """Return the domain that closes every UID."""
    config = current_app.config
    base = config.get("BASE_URL")
    return config["CALENDAR_UID_DOMAIN"] or urlsplit(base or request.host_url).hostname


def council_feed(window: Window) -> Feed:
    """Return the feed of every meeting, with each session as an all-day span."""
    return build_feed("회의 일정", meetings_in(window), sessions_in(window))


def body_feed(body: Body, window: Window) -> Feed:
    """Return the feed of one body's meetings."""
    return build_feed(f"{body.name} 일정", meetings_in(window, body), [])


def session_feed(council_session: CouncilSession) -> Feed:
    """Return the feed of one session: its span and all its meetings."""
    return build_feed(council_session.name, council_session.meetings, [council_session])


def build_feed(title: str, meetings: list[Meeting], council_sessions: list[CouncilSession]) -> Feed:
    """Build the calendar named ``title`` from meetings and sessions."""
    domain = uid_domain()
    # Meeting pages differ only in the trailing id: build the address once, not per meeting
    # (url_for is a fifth of the time of a 2,000-meeting feed).
    meeting_pages = external_url("meetings.show", meeting_id=0).removesuffix("0")
    agenda = titles_by_meeting([m.id for m in meetings])
    events = [
        ical.session_event(s, domain=domain, url=session_url(s)) for s in council_sessions
    ] + [
        ical.meeting_event(
            m,
            domain=domain,
            url=f"{meeting_pages}{m.id}",
            order_of_business=[
                f"{n}. {title}" for n, title in enumerate(agenda.get(m.id, []), start=1)
            ],
        )
        for m in meetings
    ]
    stamps = [s.updated_at for s in council_sessions]
    stamps += [max(m.updated_at, m.council_session.updated_at) for m in meetings]
    name = f"{current_app.config['COUNCIL_NAME']} {title}"
    return Feed(ical.calendar_bytes(name, events), max(stamps, default=None))
