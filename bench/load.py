"""Public pages under load: a ten-year council served by gunicorn, measured with wrk.

Run from the project root (wrk is a Debian package: ``apt-get install wrk``)::

    python bench/load.py [--db sqlite|postgresql|both] [--seconds 8] [--data DIR]

It builds a council of ten years — 2,000 meetings, 2,000 agenda items and 200,000
utterances recombined from the real sentences of ``../shared/corpus`` — starts the app with
``gunicorn -c gunicorn.conf.py wsgi:app`` (the production settings) and, under the same
gunicorn settings, a minimal Flask app that renders one Jinja template: the framework's
ceiling on this machine, measured in the same run. wrk (2 threads, 8 connections) then loads
each page in turn and the table gives req/s, p50, p95, p99 and req/s as a share of the
ceiling. ``--data DIR`` keeps the built database and index in DIR for the next run.

The rate limiter is off for the measured app: wrk comes from one address, so with it on the
run would measure the 429 page. Everything else is as deployed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_speed import load_queries, scaled_utterances  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from council_app import create_app  # noqa: E402
from council_app.agenda.models import (  # noqa: E402
    AgendaEntry,
    AgendaItem,
    ItemKind,
    ItemStatus,
    Outcome,
    ProposerKind,
    Result,
)
from council_app.core import data_version  # noqa: E402
from council_app.council.models import Body, Council, Member, Term  # noqa: E402
from council_app.demo import loader  # noqa: E402
from council_app.extensions import db  # noqa: E402
from council_app.meetings.models import Meeting, MeetingStatus  # noqa: E402
from council_app.minutes.models import (  # noqa: E402
    Minutes,
    MinutesStatus,
    MinutesVersion,
    Utterance,
)
from council_app.search import sync  # noqa: E402
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus  # noqa: E402

MEETINGS = 2_000
ITEMS = 2_000
UTTERANCES = 200_000
#: Meetings whose minutes are long (600 turns), as a budget debate's are.
LONG_MEETINGS = 20
LONG_TURNS = 600
FIRST_DAY = date(2016, 7, 4)
POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
BENCH_DATABASE = "council_load_bench"
TOPICS = (
    "주차장 설치 및 운영",
    "청소년 문화시설",
    "어린이집 지원",
    "공공시설물 관리",
    "도시계획",
    "재난 및 안전관리",
    "노인복지",
    "일자리 창출 지원",
    "환경 보전",
    "예산 절감",
)
CEILING_APP = '''
from flask import Flask, render_template_string

app = Flask(__name__)
PAGE = """<!doctype html><html lang="ko"><head><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><ul>{% for n in items %}<li>{{ n }}번 항목</li>{% endfor %}
</ul></main></body></html>"""


@app.get("/")
def index():
    return render_template_string(PAGE, title="천장", items=range(20))
'''
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
%(headers)s
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def build_council(meetings: int, items: int, utterances: int) -> None:
    """Fill an empty database with ten years of sessions, meetings, items and minutes."""
    rng = random.Random(2016)
    council = loader.load_council(loader.facts(), loader.Report())
    if not any(t.number == 7 for t in council.terms):
        db.session.add(
            Term(council=council, number=7, start=date(2014, 7, 1), end=date(2018, 6, 30))
        )
    db.session.flush()
    bodies = list(db.session.scalars(select(Body)))
    members = list(db.session.scalars(select(Member)))
    sessions, planned = [], []
    per_session = 16
    for index in range(-(-meetings // per_session)):
        start = FIRST_DAY + timedelta(days=28 * index)
        council_session = CouncilSession(
            council=council,
            term=next(t for t in council.terms if t.covers(start)),
            number=250 + index,
            kind=SessionKind.REGULAR if index % 6 == 0 else SessionKind.EXTRAORDINARY,
            start=start,
            end=start + timedelta(days=7),
            status=SessionStatus.CLOSED,
            main_items="추가경정예산안\n조례안 심사",
        )
        sessions.append(council_session)
        sittings: dict[int, int] = {}
        for n in range(min(per_session, meetings - len(planned))):
            body = bodies[n % len(bodies)]
            sittings[body.id] = sittings.get(body.id, 0) + 1
            planned.append(
                Meeting(
                    council_session=council_session,
                    body=body,
                    sitting=sittings[body.id],
                    date=start + timedelta(days=n // 2),
                    start_time=clock(10 + 4 * (n % 2)),
                    end_time=clock(12 + 4 * (n % 2)),
                    status=MeetingStatus.HELD,
                    public=len(planned) % 50 != 7,  # one closed meeting in fifty
                    place="금천구의회 본회의장",
                )
            )
    db.session.add_all(sessions + planned)
    db.session.flush()
    titles = _add_items(council, planned, items, members, rng)
    db.session.commit()
    _add_minutes(planned, titles, members, utterances, rng)
    db.session.commit()


def _add_items(council: Council, meetings: list[Meeting], count: int, members, rng) -> dict:
    """Add ``count`` decided items, each on one meeting's order of business."""
    titles: dict[int, str] = {}
    numbers: dict[int, int] = {}
    for n in range(count):
        meeting = meetings[n * len(meetings) // count]
        term = next(t for t in council.terms if t.covers(meeting.date))
        numbers[term.id] = numbers.get(term.id, 0) + 1
        title = f"서울특별시 금천구 {rng.choice(TOPICS)} 조례 일부개정조례안"
        item = AgendaItem(
            term=term,
            bill_number=numbers[term.id],
            title=title,
            kind=ItemKind.ORDINANCE,
            proposer_kind=ProposerKind.MEMBER,
            lead_member=rng.choice(members),
            submitted_on=meeting.date - timedelta(days=10),
            status=ItemStatus.PASSED,
        )
        db.session.add(item)
        db.session.add(AgendaEntry(meeting=meeting, item=item, position=1))
        db.session.add(Outcome(item=item, meeting=meeting, result=Result.PASSED))
        titles[meeting.id] = title
    return titles


def _add_minutes(meetings, titles, members, count: int, rng) -> None:
    """Publish minutes for every meeting: a few long ones, the rest sharing the remainder."""
    rows = scaled_utterances(count)
    long_total = LONG_MEETINGS * LONG_TURNS
    per_meeting = max(1, (count - long_total) // max(1, len(meetings) - LONG_MEETINGS))
    position = 0
    published = db.func.now()
    for index, meeting in enumerate(meetings):
        size = LONG_TURNS if index < LONG_MEETINGS else per_meeting
        turns = rows[position : position + size]
        position += size
        if not turns:
            break
        minutes = Minutes(meeting=meeting, status=MinutesStatus.FINAL, published_at=published)
        body = "\n".join(f"○{t['speaker']} {t['text']}" for t in turns)
        version = MinutesVersion(
            minutes=minutes,
            number=1,
            text=body,
            public_text=body,
            extractor="bench",
            published_at=published,
        )
        db.session.add_all([minutes, version])
        db.session.flush()
        heading = titles.get(meeting.id)
        db.session.execute(
            insert(Utterance),
            [
                {
                    "version_id": version.id,
                    "order": order,
                    "speaker": turn["speaker"][:100],
                    "title": "의원",
                    "member_id": rng.choice(members).id if order % 3 == 0 else None,
                    "text": turn["text"],
                    "agenda_heading": heading,
                    "closed": False,
                }
                for order, turn in enumerate(turns, start=1)
            ],
        )
        if index % 100 == 0:
            db.session.commit()


STAFF = ("bench-secretariat", "bench-password-1")


def _ensure_staff() -> None:
    """Add the secretariat account the staff rows log in with (once per built council)."""
    from council_app.auth import services as auth_services
    from council_app.auth.models import User

    if db.session.scalar(select(User).where(User.username == STAFF[0])) is None:
        auth_services.create_user(*STAFF, "secretariat", "벤치 의사팀")
        db.session.commit()


def prepare(kind: str, folder: Path) -> dict[str, str]:
    """Return the environment of an app on a built ten-year council (built once per folder)."""
    instance = folder / kind
    url = (
        POSTGRES + BENCH_DATABASE
        if kind == "postgresql"
        else f"sqlite:///{instance / 'council.sqlite3'}"
    )
    env = {
        **os.environ,
        "COUNCIL_DATABASE_URL": url,
        "COUNCIL_INSTANCE_PATH": str(instance),
        "COUNCIL_SECRET_KEY": "load-bench",
        "COUNCIL_RATELIMIT_ENABLED": "false",
    }
    marker = instance / "built"
    if marker.exists():
        # A council built by an earlier version: add the tables this one has since gained,
        # and the data version its pages are cached by (a migration would have made it).
        with _app(env).app_context():
            db.create_all()
            if data_version.current() is None:
                data_version.bump(db.session)
                db.session.commit()
            _ensure_staff()
        return env
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir(parents=True)
    if kind == "postgresql":
        _recreate_postgres_database()
    app = _app(env)
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        build_council(MEETINGS, ITEMS, UTTERANCES)
        built = time.perf_counter()
        indexed = sync.reindex(procs=2)
        _ensure_staff()
    print(
        f"[{kind}] built the council in {built - started:.0f} s, "
        f"indexed {indexed:,} utterances in {time.perf_counter() - built:.0f} s"
    )
    marker.touch()
    return env


def _app(env: dict):
    """Return the app as gunicorn will build it from ``env`` (database and instance folder)."""
    os.environ["COUNCIL_INSTANCE_PATH"] = env["COUNCIL_INSTANCE_PATH"]
    return create_app({"DATABASE_URL": env["COUNCIL_DATABASE_URL"], "SECRET_KEY": "load-bench"})


def _recreate_postgres_database() -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def fetch(url: str, timeout: float = 30):
    """GET one of the local servers' pages; return its headers."""
    # Only http://127.0.0.1 URLs built here reach this, never a scheme from input.
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        response.read()
        return response.headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn started with the repository's gunicorn.conf.py, stopped on exit."""

    def __init__(self, app: str, env: dict, cwd: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            app,
        ]
        # A file, not a pipe: one log line per request would fill a pipe nobody reads and
        # stop the workers mid-run.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in __exit__)
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(self.base + "/", timeout=5)
                return self
            except OSError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise SystemExit(self.log.read().decode()) from None
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def wrk(
    base: str, paths: list[str], seconds: int, headers: dict | None = None, connections: int = 8
) -> dict:
    """Load ``paths`` in turn for ``seconds``; return req/s and latency percentiles (ms)."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in (headers or {}).items()
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted, "headers": header_lines})
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration, p50, p95, p99, bad_status, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": bad_status + socket_errors,
    }


def page_paths(env: dict) -> list[tuple[str, list[str], dict]]:
    """Return the measured rows: a label, the paths loaded in turn, and request headers."""
    with _app(env).app_context():
        council_session = db.session.scalar(
            select(CouncilSession).order_by(CouncilSession.start.desc())
        )
        meeting_id = db.session.scalar(
            select(Meeting.id).where(Meeting.public).order_by(Meeting.date.desc())
        )
        long_minutes = db.session.scalar(
            select(Minutes.id)
            .join(MinutesVersion)
            .join(Utterance)
            .join(Meeting, Minutes.meeting_id == Meeting.id)
            .where(Meeting.public)
            .group_by(Minutes.id)
            .having(db.func.count(Utterance.id) >= 500)
            .order_by(Minutes.id)
        )
        item_id = db.session.scalar(select(AgendaItem.id).order_by(AgendaItem.id.desc()))
    queries = [q["query"] for q in load_queries()[:: max(1, len(load_queries()) // 10)]][:10]
    searches = ["/search?q=" + urllib.parse.quote(q) for q in queries]
    api = ["/api/v1/search?q=" + urllib.parse.quote(q) for q in queries]
    return [
        ("/", ["/"], {}),
        ("/sessions", ["/sessions"], {}),
        ("/sessions/<n>", [f"/sessions/{council_session.number}"], {}),
        ("/meetings/<id>", [f"/meetings/{meeting_id}"], {}),
        (f"/minutes/<id> ({LONG_TURNS} turns)", [f"/minutes/{long_minutes}"], {}),
        ("/agenda", ["/agenda"], {}),
        ("/agenda/<id>", [f"/agenda/{item_id}"], {}),
        ("/search?q=… (10 queries)", searches, {}),
        ("/calendar.ics", ["/calendar.ics"], {}),
        ("/api/v1/search?q=… (10 queries)", api, {}),
    ]


#: What every browser sends: a page kept packed goes out packed.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def staff_cookie(base: str) -> str:
    """Log the bench's secretariat account in through the login form; return its Cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    form = {"username": STAFF[0], "password": STAFF[1], "csrf_token": token.group(1)}
    data = urllib.parse.urlencode(form).encode()
    with opener.open(base + "/login", data=data, timeout=30) as response:
        response.read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit("the bench's staff account could not log in")
    return cookies


def staff_paths(env: dict, rows: list[tuple[str, list[str], dict]]) -> list[tuple[str, list[str]]]:
    """Return the logged-in rows: public pages as staff see them, and two staff forms."""
    pages = {label: paths for label, paths, _ in rows}
    with _app(env).app_context():
        council_session = db.session.scalar(
            select(CouncilSession).order_by(CouncilSession.start.desc())
        )
    return [
        ("staff: /", pages["/"]),
        ("staff: /meetings/<id>", pages["/meetings/<id>"]),
        ("staff: /agenda/<id>", pages["/agenda/<id>"]),
        ("staff: /sessions/new (form)", ["/sessions/new"]),
        (
            "staff: /sessions/<n>/meetings/new",
            [f"/sessions/{council_session.number}/meetings/new"],
        ),
    ]


def measure(kind: str, folder: Path, seconds: int) -> None:
    env = prepare(kind, folder)
    rows = page_paths(env)
    ceiling_dir = folder / "ceiling"
    ceiling_dir.mkdir(exist_ok=True)
    (ceiling_dir / "ceiling.py").write_text(CEILING_APP, encoding="utf-8")
    with Server("ceiling:app", {**os.environ}, ceiling_dir) as ceiling:
        top = wrk(ceiling.base, ["/"], seconds)
    print(f"\n[{kind}] gunicorn -c gunicorn.conf.py wsgi:app, wrk -t2 -c8 -d{seconds}s")
    print(
        f"{'page':<36}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'errors':>8}"
    )
    _row("minimal Flask page (ceiling)", top, top)
    with Server("wsgi:app", env, ROOT) as server:
        for label, paths, headers in rows:
            for path in paths:  # warm each worker's caches before measuring
                fetch(server.base + path)
            _row(label, wrk(server.base, paths, seconds, BROWSER | headers), top)
            if label == "/calendar.ics":
                etag = fetch(server.base + paths[0]).get("ETag")
                if etag:
                    result = wrk(server.base, paths, seconds, BROWSER | {"If-None-Match": etag})
                    _row("/calendar.ics (304, If-None-Match)", result, top)
        # Staff pages are never cached. One connection: a secretariat's clicks one after
        # another, the 20 req/s and more, with no queue in front of them.
        cookie = BROWSER | {"Cookie": staff_cookie(server.base)}
        for label, paths in staff_paths(env, rows):
            fetch(server.base + paths[0])
            _row(f"{label} (1 conn.)", wrk(server.base, paths, seconds, cookie, 1), top)


def _row(label: str, result: dict, ceiling: dict) -> None:
    share = result["rps"] / ceiling["rps"] * 100
    print(
        f"{label:<36}{result['rps']:>8,.0f}{result['p50']:>9.1f}{result['p95']:>9.1f}"
        f"{result['p99']:>9.1f}{share:>8.0f}%{result['errors']:>8}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--data", type=Path, help="keep the built councils here")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="build every page (COUNCIL_CACHE_ENABLED=false): what a change costs the first visitor",
    )
    args = parser.parse_args()
    if args.no_page_cache:
        os.environ["COUNCIL_CACHE_ENABLED"] = "false"
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    folder = args.data or Path(tempfile.mkdtemp(prefix="council-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
            measure(kind, folder, args.seconds)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
