"""iCalendar (RFC 5545) from meetings and sessions; the only module that imports ``icalendar``.

What subscribed clients rely on, and why it is built this way:

- Times carry ``TZID=Asia/Seoul`` with its VTIMEZONE, so a meeting stays at 10:00 Seoul time
  in every client, whatever zone the reader's device is in.
- There is no METHOD: the feed is a published calendar, not an invitation, so DTSTAMP is when
  the event last changed (RFC 5545 §3.8.7.2) and an unchanged feed is the same bytes on every
  fetch, which keeps its ETag.
- A cancelled meeting stays in the feed with STATUS:CANCELLED and ``[취소]`` before its name,
  so that a client which hides or ignores STATUS still tells the reader.
- A closed meeting (비공개) shows its date, time and name only: the schedule is public, its
  place, order of business and page are not.
- icalendar 7 folds lines at 75 octets between characters, never inside a Hangul syllable;
  the tests hold it to that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vDuration

from ..core.time import format_date
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession, SessionStatus

PRODID = "-//Council Sessions and Minutes//Calendar//KO"
#: How often subscribers should fetch the feed again.
REFRESH = timedelta(hours=1)
#: Korea has kept +09:00 without daylight saving since 1988, so the VTIMEZONE built from
#: this date on is one STANDARD block that fits every meeting.
ZONE_HISTORY_FROM = date(1990, 1, 1)


def meeting_status(meeting: Meeting) -> str:
    """Return the meeting's STATUS, its own state read within its session's."""
    council_session = meeting.council_session
    if meeting.status is MeetingStatus.CANCELLED or council_session.is_cancelled:
        return "CANCELLED"
    if meeting.status is MeetingStatus.POSTPONED or council_session.status is SessionStatus.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def meeting_summary(meeting: Meeting) -> str:
    """Return the meeting's SUMMARY, e.g. ``[취소] 제246회 정례회 제2차 본회의``."""
    summary = meeting.name
    status = meeting_status(meeting)
    if status == "CANCELLED":
        summary = f"[취소] {summary}"
    elif meeting.status is MeetingStatus.POSTPONED:
        summary = f"[연기] {summary}"
    return summary if meeting.public else f"{summary} (비공개)"


def meeting_event(
    meeting: Meeting, *, domain: str, url: str, order_of_business: list[str]
) -> Event:
    """Return the VEVENT of one meeting."""
    # A session's state (planned, cancelled) shows in the meeting's STATUS, so its changes count.
    changed = max(meeting.updated_at, meeting.council_session.updated_at)
    event = _event(f"meeting-{meeting.id}@{domain}", meeting.created_at, changed)
    event.add("sequence", meeting.revision)
    event.add("summary", meeting_summary(meeting))
    event.add("dtstart", meeting.starts_at)
    if meeting.ends_at:
        event.add("dtend", meeting.ends_at)
    status = meeting_status(meeting)
    event.add("status", status)
    event.add("categories", [meeting.body.name, meeting.council_session.kind.label])

    lines = []
    if status == "CANCELLED":
        lines.append("이 회의는 취소되었습니다.")
    elif meeting.status is MeetingStatus.POSTPONED:
        lines.append("이 회의는 연기되었습니다. 새 일정은 회의 페이지에서 확인해 주세요.")
    if meeting.public:
        if meeting.place:
            event.add("location", meeting.place)
        if order_of_business:
            lines += ["의사일정", *order_of_business]
        lines.append(f"회의 페이지: {url}")
        event.add("url", url)
    else:
        lines.append("비공개 회의입니다.")
    event.add("description", "\n".join(lines))
    return event


def session_event(council_session: CouncilSession, *, domain: str, url: str) -> Event:
    """Return the all-day VEVENT spanning a session, first to last day."""
    event = _event(
        f"session-{council_session.id}@{domain}",
        council_session.created_at,
        council_session.updated_at,
    )
    name = council_session.name
    if council_session.is_cancelled:
        name = f"[취소] {name}"
    event.add("summary", name)
    # DTEND of an all-day event is exclusive: the day after the session's last day.
    event.add("dtstart", council_session.start)
    event.add("dtend", council_session.end + timedelta(days=1))
    event.add("status", _session_status(council_session.status))
    event.add("categories", ["회기", council_session.kind.label])
    lines = [
        f"회기: {format_date(council_session.start)} ~ {format_date(council_session.end)}"
        f" ({council_session.days}일간)"
    ]
    if council_session.main_item_list:
        lines += ["주요 안건", *(f"- {item}" for item in council_session.main_item_list)]
    lines.append(f"의사일정: {url}")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    return event


def calendar_bytes(name: str, events: Iterable[Event]) -> bytes:
    """Return one VCALENDAR holding ``events``, as the bytes a client receives."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Seoul")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=ZONE_HISTORY_FROM)
    return calendar.to_ical()


def _event(uid: str, created: datetime, changed: datetime) -> Event:
    """Start a VEVENT with its identity and change stamps; it never blocks free time."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", changed)
    event.add("created", created)
    event.add("last-modified", changed)
    # A subscriber follows the council's meetings; they do not fill the reader's own day.
    event.add("transp", "TRANSPARENT")
    return event


def _session_status(status: SessionStatus) -> str:
    """Return the STATUS of a session's span."""
    if status is SessionStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if status is SessionStatus.PLANNED else "CONFIRMED"
