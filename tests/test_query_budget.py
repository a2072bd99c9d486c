"""SQL statements per public page: within a budget, and the same however much data there is.

Each page is requested on the demo, then again after the council grows (more sessions,
meetings, items, referrals, outcomes, minutes and turns, several of them on the very page's
session, meeting, item and minutes): a page that loads a row per row (N+1) sends more
statements the second time and fails here, as does one that grows past its budget.
"""

from __future__ import annotations

import urllib.parse
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from council_app.agenda.models import (
    AgendaEntry,
    AgendaItem,
    ItemKind,
    ItemStatus,
    Outcome,
    ProposerKind,
    Referral,
    Result,
)
from council_app.core.time import now, today_kst
from council_app.council.models import Body, BodyKind, Member
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.minutes.models import Minutes, MinutesStatus, MinutesVersion, Utterance
from council_app.search import sync
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus
from tests.statements import counting_statements

# The page cache would answer the repeated requests before the view runs: what is counted
# here is what building each page costs.
pytestmark = pytest.mark.app_config(CACHE_ENABLED=False)

#: Each page's most statements. Raising one needs a reason: a page's statements must not
#: depend on how many rows it shows.
BUDGETS = {
    "/": 4,
    "/sessions": 2,
    "/sessions/<n>": 4,
    "/sessions/plan/<year>": 2,
    "/meetings/<id>": 6,
    "/minutes/<id>": 10,  # and the items its headings name
    "/agenda": 9,
    "/agenda/<id>": 9,
    # and what the query names (members, items), the members for the speaker facet, and the
    # session of each item in the agenda filter: a fixed few each.
    "/search?q=예산": 13,
    "/members": 3,
    "/members/<id>": 10,
    "/calendar.ics": 3,
    "/calendar": 5,
    "/api/v1/search?q=예산": 3,  # and the members' names for the speaker facet
    "/api/v1/members/<id>": 10,
    "/api/v1/meetings": 3,  # the page and its count
    "/api/v1/sessions/<n>": 3,
    "/api/v1/agenda-items": 4,
    "/api/v1/agenda-items/<id>": 6,
    "/api/v1/minutes/<id>": 8,
}


def _public_minutes() -> Minutes:
    """Return the public, published minutes with the most turns."""
    return db.session.scalars(
        select(Minutes)
        .join(Minutes.meeting)
        .join(MinutesVersion)
        .join(Utterance)
        .where(
            Meeting.public.is_(True),
            Minutes.status.in_([s for s in MinutesStatus if s.is_published]),
        )
        .group_by(Minutes.id)
        .order_by(func.count(Utterance.id).desc(), Minutes.id)
    ).first()


def _pages() -> dict[str, str]:
    """Return each measured page's address on the data as it is now."""
    minutes = _public_minutes()
    meeting = minutes.meeting
    council_session = meeting.council_session
    item = db.session.scalars(
        select(AgendaItem)
        .join(AgendaEntry)
        .where(AgendaEntry.meeting_id == meeting.id)
        .order_by(AgendaItem.id)
    ).first()
    assert item is not None, "the demo's longest public minutes should have an agenda item"
    q = urllib.parse.quote("예산")
    speaker = db.session.scalars(
        select(Utterance.member_id)
        .join(MinutesVersion)
        .where(MinutesVersion.minutes_id == minutes.id, Utterance.member_id.is_not(None))
        .order_by(Utterance.order)
    ).first()
    assert speaker is not None, "a member should speak in the demo's longest public minutes"
    return {
        "/": "/",
        "/sessions": "/sessions",
        "/sessions/<n>": f"/sessions/{council_session.number}",
        "/sessions/plan/<year>": f"/sessions/plan/{council_session.start.year}",
        "/meetings/<id>": f"/meetings/{meeting.id}",
        "/minutes/<id>": f"/minutes/{minutes.id}",
        "/agenda": "/agenda",
        "/agenda/<id>": f"/agenda/{item.id}",
        "/search?q=예산": f"/search?q={q}",
        "/members": "/members",
        "/members/<id>": f"/members/{speaker}",
        "/calendar.ics": "/calendar.ics",
        "/calendar": "/calendar",
        "/api/v1/search?q=예산": f"/api/v1/search?q={q}",
        "/api/v1/members/<id>": f"/api/v1/members/{speaker}",
        "/api/v1/meetings": "/api/v1/meetings",
        "/api/v1/sessions/<n>": f"/api/v1/sessions/{council_session.number}",
        "/api/v1/agenda-items": "/api/v1/agenda-items",
        "/api/v1/agenda-items/<id>": f"/api/v1/agenda-items/{item.id}",
        "/api/v1/minutes/<id>": f"/api/v1/minutes/{minutes.id}",
    }


def _statements(client, paths: dict[str, str]) -> dict[str, list[str]]:
    """Return the statements each page sends, on a warm app (a second request)."""
    sent = {}
    for label, path in paths.items():
        assert client.get(path).status_code == 200, path
        db.session.remove()
        with counting_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        sent[label] = statements
        db.session.remove()
    return sent


def grow(times: int = 2) -> None:
    """Add ``times`` the demo's sessions, meetings, items and turns, some on the measured pages.

    The longest public minutes' meeting, its session and its first item get more of
    everything they show: meetings, agenda entries, referrals, outcomes, turns by members.
    """
    minutes = _public_minutes()
    meeting = minutes.meeting
    home_session = meeting.council_session
    item = db.session.scalars(
        select(AgendaItem).join(AgendaEntry).where(AgendaEntry.meeting_id == meeting.id)
    ).first()
    bodies = list(db.session.scalars(select(Body).order_by(Body.id)))
    committees = [b for b in bodies if b.kind is not BodyKind.PLENARY] or bodies
    members = list(db.session.scalars(select(Member).order_by(Member.id)))
    sessions = list(db.session.scalars(select(CouncilSession)))
    top_number = max(s.number for s in sessions)
    today = today_kst()
    published = now()
    new_sessions = []
    for n in range(len(sessions) * times):
        # Half in the past, half ahead (the front page and the plan list what is coming).
        start = today + timedelta(days=5 + 9 * n) if n % 2 else home_session.start
        new_sessions.append(
            CouncilSession(
                council=home_session.council,
                term=home_session.term,
                number=top_number + 1 + n,
                kind=SessionKind.EXTRAORDINARY,
                start=start,
                end=start + timedelta(days=6),
                status=SessionStatus.CLOSED if start < today else SessionStatus.PLANNED,
            )
        )
    db.session.add_all(new_sessions)
    position = db.session.scalar(
        select(func.max(AgendaEntry.position)).where(AgendaEntry.meeting_id == meeting.id)
    )
    referred = {r.body_id for r in item.referrals}
    for n, council_session in enumerate([home_session, *new_sessions] * times):
        for sitting in range(1, 4):
            body = bodies[(n + sitting) % len(bodies)]
            held = council_session.start < today
            other = Meeting(
                council_session=council_session,
                body=body,
                sitting=100 + 10 * n + sitting,
                date=council_session.start + timedelta(days=sitting),
                start_time=time(10),
                status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                public=True,
                place="본회의장",
            )
            new_item = AgendaItem(
                term=council_session.term,
                title=f"금천구 예산 조례안 {n}-{sitting}",
                kind=ItemKind.ORDINANCE,
                proposer_kind=ProposerKind.MEMBER,
                lead_member=members[(n + sitting) % len(members)],
                submitted_on=council_session.start,
                status=ItemStatus.PASSED,
            )
            new_item.co_sponsors = members[:3]
            db.session.add_all([other, new_item])
            db.session.add(
                Referral(
                    item=new_item,
                    body=committees[n % len(committees)],
                    referred_on=council_session.start,
                )
            )
            db.session.add(AgendaEntry(meeting=other, item=new_item, position=1))
            position += 1
            db.session.add(AgendaEntry(meeting=meeting, item=new_item, position=position))
            if held:
                db.session.add(Outcome(item=new_item, meeting=other, result=Result.PASSED))
                db.session.add(AgendaEntry(meeting=other, item=item, position=2))
                db.session.add(Outcome(item=item, meeting=other, result=Result.PASSED))
                if body.id not in referred:
                    referred.add(body.id)
                    db.session.add(
                        Referral(item=item, body=body, referred_on=council_session.start)
                    )
                _add_minutes(other, members, published, turns=12)
    version = minutes.current_version
    last = max(u.order for u in version.utterances)
    for n in range(len(version.utterances) * times):
        member = members[n % len(members)]
        version.utterances.append(
            Utterance(
                order=last + 1 + n,
                speaker=f"{member.name} 의원",
                title="의원",
                member=member,
                text=f"예산 질의 {n}번째입니다.\n두 번째 문단입니다.",
                agenda_heading=f"{item.title}" if n % 5 else None,
                closed=False,
            )
        )
    db.session.commit()
    sync.reindex()


def _add_minutes(meeting: Meeting, members, published, turns: int) -> None:
    minutes = Minutes(meeting=meeting, status=MinutesStatus.FINAL, published_at=published)
    text = "\n".join(f"○의원 예산 질의 {n}" for n in range(turns))
    version = MinutesVersion(
        minutes=minutes,
        number=1,
        text=text,
        public_text=text,
        extractor="test",
        published_at=published,
    )
    version.utterances = [
        Utterance(
            order=n + 1,
            speaker=f"{members[n % len(members)].name} 의원",
            title="의원",
            member=members[n % len(members)],
            text=f"예산 질의 {n}",
            agenda_heading=None,
            closed=False,
        )
        for n in range(turns)
    ]
    db.session.add_all([minutes, version])


def test_pages_stay_within_their_statement_budget(client, demo):
    paths = _pages()
    assert set(paths) == set(BUDGETS)
    sent = _statements(client, paths)
    over = {
        label: len(statements)
        for label, statements in sent.items()
        if len(statements) > BUDGETS[label]
    }
    assert not over, f"pages past their budget {BUDGETS}: {over}"


def test_pages_send_as_many_statements_on_three_times_the_data(client, demo):
    paths = _pages()
    before = _statements(client, paths)
    grow(times=2)
    assert _pages() == paths  # the same pages, now with more on them
    after = _statements(client, paths)
    grown = {
        label: (len(before[label]), len(after[label]))
        for label in paths
        if len(after[label]) != len(before[label])
    }
    assert not grown, (
        "statements that grew with the data (before, after): "
        + repr(grown)
        + ("\n" + "\n".join(s for label in grown for s in after[label]))
    )


def test_the_growth_reaches_the_measured_pages(client, demo):
    """The check above means something only if the pages show more after ``grow``."""
    paths = _pages()
    sizes = {label: len(client.get(path).data) for label, path in paths.items()}
    grow(times=2)
    db.session.remove()
    larger = {label for label, path in paths.items() if len(client.get(path).data) > sizes[label]}
    for label in (
        "/sessions",
        "/sessions/<n>",
        "/meetings/<id>",
        "/minutes/<id>",
        "/agenda/<id>",
        "/calendar.ics",
        "/api/v1/meetings",
        "/api/v1/agenda-items/<id>",
        "/api/v1/minutes/<id>",
    ):
        assert label in larger, label
