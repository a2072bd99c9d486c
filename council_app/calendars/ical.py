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

icalendar 7 needs about a second to serialise 2,000 events (it folds every line character by
character), and the feed must build in 200 ms; so the content lines are written here, and
icalendar supplies the VTIMEZONE from the zone database. The tests read the result with
icalendar and with Mozilla's ical.js.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache

from icalendar import Timezone

from ..core.time import KST, format_date
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession, SessionStatus

PRODID = "-//Council Sessions and Minutes//Calendar//KO"
#: How often subscribers should fetch the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH = "PT1H"
#: Korea has kept +09:00 without daylight saving since 1988, so the VTIMEZONE built from
#: this date on is one STANDARD block that fits every meeting.
ZONE_HISTORY_FROM = date(1990, 1, 1)
CRLF = b"\r\n"
#: Control characters a TEXT value may not hold, escaped or not (tab and line ends aside):
#: a place or note pasted from another program can carry them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
LINE_OCTETS = 75


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
    if meeting_status(meeting) == "CANCELLED":
        summary = f"[취소] {summary}"
    elif meeting.status is MeetingStatus.POSTPONED:
        summary = f"[연기] {summary}"
    return summary if meeting.public else f"{summary} (비공개)"


def meeting_event(
    meeting: Meeting, *, domain: str, url: str, order_of_business: list[str]
) -> bytes:
    """Return the VEVENT of one meeting."""
    status = meeting_status(meeting)
    # A session's state (planned, cancelled) shows in the meeting's STATUS, so its changes count.
    changed = max(meeting.updated_at, meeting.council_session.updated_at)
    lines = _identity(f"meeting-{meeting.id}@{domain}", meeting.created_at, changed)
    lines += [
        f"SEQUENCE:{meeting.revision}",
        f"DTSTART;TZID=Asia/Seoul:{_seoul(meeting.starts_at)}",
    ]
    if meeting.ends_at:
        lines.append(f"DTEND;TZID=Asia/Seoul:{_seoul(meeting.ends_at)}")
    lines += [
        f"SUMMARY:{_text(meeting_summary(meeting))}",
        f"STATUS:{status}",
        f"CATEGORIES:{_text(meeting.body.name)},{_text(meeting.council_session.kind.label)}",
    ]

    description = []
    if status == "CANCELLED":
        description.append("이 회의는 취소되었습니다.")
    elif meeting.status is MeetingStatus.POSTPONED:
        description.append("이 회의는 연기되었습니다. 새 일정은 회의 페이지에서 확인해 주세요.")
    if meeting.public:
        if meeting.place:
            lines.append(f"LOCATION:{_text(meeting.place)}")
        if order_of_business:
            description += ["의사일정", *order_of_business]
        description.append(f"회의 페이지: {url}")
        lines.append(f"URL:{url}")
    else:
        description.append("비공개 회의입니다.")
    lines.append("DESCRIPTION:" + _text("\n".join(description)))
    return _component("VEVENT", lines)


def session_event(council_session: CouncilSession, *, domain: str, url: str) -> bytes:
    """Return the all-day VEVENT spanning a session, first to last day."""
    lines = _identity(
        f"session-{council_session.id}@{domain}",
        council_session.created_at,
        council_session.updated_at,
    )
    name = council_session.name
    if council_session.is_cancelled:
        name = f"[취소] {name}"
    description = [
        f"회기: {format_date(council_session.start)} ~ {format_date(council_session.end)}"
        f" ({council_session.days}일간)"
    ]
    if council_session.main_item_list:
        description += ["주요 안건", *(f"- {item}" for item in council_session.main_item_list)]
    description.append(f"회기 페이지: {url}")
    lines += [
        f"DTSTART;VALUE=DATE:{council_session.start:%Y%m%d}",
        # DTEND of an all-day event is exclusive: the day after the session's last day.
        f"DTEND;VALUE=DATE:{council_session.end + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(name)}",
        f"SEQUENCE:{council_session.revision}",
        f"STATUS:{_session_status(council_session.status)}",
        f"CATEGORIES:회기,{_text(council_session.kind.label)}",
        "DESCRIPTION:" + _text("\n".join(description)),
        f"URL:{url}",
    ]
    return _component("VEVENT", lines)


def calendar_bytes(name: str, events: Iterable[bytes]) -> bytes:
    """Return one VCALENDAR holding ``events``, as the bytes a client receives."""
    head = _lines(
        [
            "BEGIN:VCALENDAR",
            f"PRODID:{PRODID}",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            f"X-WR-CALNAME:{_text(name)}",
            "X-WR-TIMEZONE:Asia/Seoul",
            f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
            f"X-PUBLISHED-TTL:{REFRESH}",
        ]
    )
    return b"".join([head, _seoul_vtimezone(), *events, b"END:VCALENDAR", CRLF])


def fold(line: str) -> bytes:
    """Encode a content line, folded at 75 octets between characters (RFC 5545 §3.1)."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data
    parts = []
    start, room = 0, LINE_OCTETS
    while len(data) - start > room:
        cut = start + room
        # Step back to the first octet of a character: 10xxxxxx continues a UTF-8 sequence.
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        # Keep an escape such as \n on one line; some clients do not join it across a fold.
        if data[cut - 1] == 0x5C:
            cut -= 1
        parts.append(data[start:cut])
        # Continuation lines begin with a space, which counts towards their 75 octets.
        start, room = cut, LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _component(kind: str, lines: list[str]) -> bytes:
    """Return a whole component, BEGIN to END."""
    return _lines([f"BEGIN:{kind}", *lines, f"END:{kind}"])


def _lines(lines: list[str]) -> bytes:
    """Return content lines, each folded and ended with CRLF."""
    return b"".join(fold(line) + CRLF for line in lines)


def _identity(uid: str, created: datetime, changed: datetime) -> list[str]:
    """Return the lines that identify an event and say when it changed."""
    return [
        f"UID:{uid}",
        f"DTSTAMP:{_utc(changed)}",
        f"CREATED:{_utc(created)}",
        f"LAST-MODIFIED:{_utc(changed)}",
        # The council's meetings do not fill the subscriber's own day in free/busy.
        "TRANSP:TRANSPARENT",
    ]


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11), dropping the control characters it forbids."""
    lines = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return lines.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime) -> str:
    """Write an aware datetime in UTC form, e.g. ``20231101T053000Z``."""
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _seoul(moment: datetime) -> str:
    """Write an aware datetime as Seoul wall-clock time for a TZID=Asia/Seoul value."""
    return f"{moment.astimezone(KST):%Y%m%dT%H%M%S}"


@cache
def _seoul_vtimezone() -> bytes:
    """Return the VTIMEZONE of Asia/Seoul."""
    return Timezone.from_tzid("Asia/Seoul", first_date=ZONE_HISTORY_FROM).to_ical()


def _session_status(status: SessionStatus) -> str:
    """Return the STATUS of a session's span."""
    if status is SessionStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if status is SessionStatus.PLANNED else "CONFIRMED"
