"""Time the annual plan page and API for a year of 10 sessions and 300 meetings.

Run: .venv/bin/python bench/plan_speed.py [--runs 50]
Prints the median and 95th percentile server time of each (target: median under 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta

from council_app import create_app
from council_app.core.commands import read_command
from council_app.demo import loader
from council_app.extensions import db
from council_app.meetings import services as meetings
from council_app.sessions import services as sessions

YEAR = 2025
SLOTS = ("09:00", "11:00", "14:00", "16:00")
BODIES = (
    "plenary",
    "steering",
    "admin-finance",
    "welfare-construction",
    "budget",
    "ethics",
    "audit",
)


def session_spans() -> list[tuple[str, date, int]]:
    """Return 2 regular (27 days each) and 8 extraordinary (7 days each) sessions: 110 days."""
    spans = [("regular", date(YEAR, 6, 8), 27), ("regular", date(YEAR, 11, 18), 27)]
    start = date(YEAR, 1, 13)
    for _ in range(8):
        spans.append(("extraordinary", start, 7))
        start += timedelta(days=14)
        if date(YEAR, 6, 1) <= start <= date(YEAR, 7, 10):
            start = date(YEAR, 7, 14)
    return sorted(spans, key=lambda s: s[1])


def build(council) -> int:
    """Create the sessions and 300 meetings through the services."""
    made = 0
    for number, (kind, start, days) in enumerate(session_spans(), start=300):
        end = start + timedelta(days=days - 1)
        fields = {"number": number, "kind": kind, "start": start, "end": end}
        fields |= {"convening_change_resolved": True, "main_items": ["부의안건", "구정질문"]}
        sessions.create_session(council, read_command(sessions.SessionCommand, fields))
        for n in range(30):
            # Each body meets once a day, on a new day each round, in the next free slot.
            rounds = n // len(BODIES)
            day = start + timedelta(days=rounds % days)
            fields = {"session": number, "body": BODIES[n % len(BODIES)], "date": day}
            fields |= {"start": SLOTS[(rounds // days) % len(SLOTS)], "place": "회의실"}
            meetings.create_meeting(council, read_command(meetings.MeetingCommand, fields))
            made += 1
        db.session.commit()
    return made


def measure(client, url: str, runs: int) -> tuple[float, float]:
    """Return the median and p95 in milliseconds of GET ``url``."""
    client.get(url)  # warm caches and templates
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "b"})
        with app.app_context():
            db.create_all()
            council = loader.load_council(loader.facts(), loader.Report())
            db.session.commit()
            made = build(council)
        print(f"{YEAR}: 10 sessions, {made} meetings (SQLite)")
        client = app.test_client()
        for label, url in (
            ("plan page", f"/sessions/plan/{YEAR}"),
            ("plan API", f"/api/v1/sessions/plan?year={YEAR}"),
        ):
            median, p95 = measure(client, url, args.runs)
            print(f"{label:<10} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({args.runs} runs)")


if __name__ == "__main__":
    main()
