"""Time the iCal feed of 2,000 meetings (target: 200 ms or less), end to end and by part.

Run from the project root: ``python bench/calendar_feed.py [meetings] [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import select

from council_app import create_app
from council_app.calendars import feeds
from council_app.council.models import Body, Council
from council_app.demo import loader
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus

TARGET_MS = 200
FIRST_DAY = date(2022, 7, 4)


def populate(meetings: int) -> None:
    """Add one 20-day session a month and ``meetings`` meetings spread over them."""
    loader.load_council(loader.facts(), loader.Report())
    council = db.session.scalar(select(Council))
    bodies = db.session.scalars(select(Body)).all()
    sessions = []
    per_session = 40
    for index in range(-(-meetings // per_session)):
        start = FIRST_DAY + timedelta(days=30 * index)
        sessions.append(
            CouncilSession(
                council=council,
                term=council.terms[0],
                number=300 + index,
                kind=SessionKind.EXTRAORDINARY,
                start=start,
                end=start + timedelta(days=19),
                status=SessionStatus.CONFIRMED,
                main_items="추가경정예산안\n조례안 심사",
            )
        )
    db.session.add_all(sessions)
    for index in range(meetings):
        council_session = sessions[index // per_session]
        body = bodies[index % len(bodies)]
        db.session.add(
            Meeting(
                council_session=council_session,
                body=body,
                sitting=index % per_session // len(bodies) + 1,
                date=council_session.start + timedelta(days=index % 20),
                start_time=clock(10),
                end_time=clock(12),
                place="금천구의회 본회의장 (서울특별시 금천구 시흥대로73길 70)",
            )
        )
    db.session.commit()


def timed(action, runs: int) -> list[float]:
    """Return how long each of ``runs`` calls took, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<34} median {statistics.median(times):7.1f} ms"
        f"   min {min(times):7.1f} ms   max {max(times):7.1f} ms"
    )


def main(meetings: int = 2000, runs: int = 10) -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,  # time the feed, not the rate limiter's 429
            }
        )
        with app.app_context():
            db.create_all()
            populate(meetings)
            window = feeds.Window(FIRST_DAY)
            client = app.test_client()
            url = f"/calendar.ics?from={FIRST_DAY.isoformat()}"
            response = client.get(url)
            events = response.data.count(b"BEGIN:VEVENT")
            print(f"feed of {events} events ({meetings} meetings), {len(response.data):,} bytes")

            with app.test_request_context():
                loaded = feeds.meetings_in(window)
                council_sessions = feeds.sessions_in(window)
                report(
                    "query meetings and sessions", timed(lambda: feeds.meetings_in(window), runs)
                )
                report(
                    "build iCal from loaded rows",
                    timed(lambda: feeds.build_feed("bench", loaded, council_sessions), runs),
                )
            whole = timed(lambda: client.get(url), runs)
            report("GET /calendar.ics (200)", whole)
            etag = response.headers["ETag"]
            report(
                "GET /calendar.ics (304)",
                timed(lambda: client.get(url, headers={"If-None-Match": etag}), runs),
            )
        median = statistics.median(whole)
        print(f"target ≤ {TARGET_MS} ms: {'met' if median <= TARGET_MS else 'MISSED'}")
        return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:3])))
