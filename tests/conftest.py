"""Fixtures: an app with a fresh database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from itertools import count
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, event, text

from council_app import create_app
from council_app.auth import services as auth_services
from council_app.config import database_uri
from council_app.core.time import now
from council_app.extensions import db
from council_app.minutes import pdf
from council_app.search import sync
from tests.demo_template import DemoTemplate

PG_URL = os.environ.get("COUNCIL_TEST_DATABASE_URL")
#: Mozilla's ical.js (what Thunderbird uses), installed by `make setup-test`.
ICALJS = Path(__file__).parent / "calendars" / "js"
PASSWORD = "correct-horse-battery"


def _test_now() -> datetime:
    """Return the instant every test starts at: ``COUNCIL_TEST_NOW`` or the run's start.

    CI sets ``COUNCIL_TEST_NOW`` (ISO 8601 with an offset, e.g. ``2026-12-03T23:59+09:00``)
    to run the date-sensitive tests at the hours where a day in Seoul and a day in UTC differ.
    """
    value = os.environ.get("COUNCIL_TEST_NOW")
    if not value:
        return now()
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError("COUNCIL_TEST_NOW needs an offset, e.g. 2026-12-03T23:59+09:00")
    return moment


#: The one clock of the test run (see ``clock``).
TEST_NOW = _test_now()
# pytest-xdist's workers inherit the environment: every process of the run starts its tests
# at the same instant.
os.environ["COUNCIL_TEST_NOW"] = TEST_NOW.isoformat()
# Every app a test builds is one node on a database the test owns: a thread polling for
# other nodes' changes would outlive the test and hold connections to tables it drops (it
# hung a CI run). The tests of polling itself set it back on (tests/search/test_nodes.py,
# tests/search/test_two_nodes.py).
os.environ["COUNCIL_SEARCH_POLL_SECONDS"] = "0"


def _instants() -> list[datetime]:
    """Return the instants ``COUNCIL_TEST_INSTANTS`` names (space-separated, with offsets)."""
    instants = []
    for value in os.environ.get("COUNCIL_TEST_INSTANTS", "").split():
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise pytest.UsageError(f"COUNCIL_TEST_INSTANTS: {value} needs an offset")
        instants.append(moment)
    return instants


#: ``make test-clock`` runs every test once at each of these instants, in one session.
INSTANTS = _instants()


@pytest.fixture(
    autouse=True,
    **({"params": INSTANTS, "ids": lambda moment: moment.isoformat()} if INSTANTS else {}),
)
def clock(request):
    """Start each test at ``TEST_NOW`` (or each of ``INSTANTS``) on a clock that runs on.

    The app reads the time only through ``council_app.core.time.now``, so this is the one
    way a test sets "now": ``clock.move_to(...)`` (time-machine's traveller) for a test
    that needs a given day or hour; nothing else reads or patches the machine's clock.
    """
    with time_machine.travel(getattr(request, "param", TEST_NOW), tick=True) as traveller:
        yield traveller


def pytest_report_header(config):
    starts = INSTANTS or [TEST_NOW]
    clock_line = "clock: each test starts at " + ", ".join(
        moment.isoformat(timespec="minutes") for moment in starts
    )
    if PG_URL:
        return [f"databases: SQLite and PostgreSQL ({PG_URL})", clock_line]
    return [
        "databases: SQLite only; PostgreSQL skipped (set COUNCIL_TEST_DATABASE_URL to run it)",
        clock_line,
    ]


def pytest_sessionstart(session):
    """Stop at once when PostgreSQL was asked for but cannot be reached."""
    if PG_URL:
        engine = create_engine(database_uri(PG_URL))
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:
            pytest.exit(f"PostgreSQL at {PG_URL} cannot be reached: {error}", returncode=3)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """Yield a URL to a schema of this test run's own, so parallel runs never collide."""
    if not PG_URL:
        pytest.skip("PostgreSQL skipped: COUNCIL_TEST_DATABASE_URL is not set")
    schema = f"test_{os.getpid()}"
    engine = create_engine(database_uri(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield with_search_path(PG_URL, schema)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def with_search_path(url: str, schema: str) -> str:
    """Return ``url`` with PostgreSQL told to use ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


#: ``COUNCIL_TEST_BACKENDS=sqlite`` runs the database tests on SQLite alone, e.g. for the
#: clock runs in CI, where what changes is the hour and not the database.
BACKENDS = os.environ.get("COUNCIL_TEST_BACKENDS", "sqlite,postgresql").split(",")


def pytest_collection_modifyitems(config, items):
    """Leave out (not skip) the database backends the run did not ask for."""
    chosen, left_out = [], []
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        backend = params.get("database_url") or params.get("empty_database")
        (left_out if backend and backend not in BACKENDS else chosen).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = chosen


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Yield the URL of an empty database on each backend (on SQLite, a copy of the empty schema)."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("empty_sqlite"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


_postgres_tables_ready = False


def _prepare_postgres() -> None:
    """Create the tables once per run; later tests only empty them."""
    global _postgres_tables_ready
    if not _postgres_tables_ready:
        db.drop_all()
        db.create_all()
        _postgres_tables_ready = True


def _empty_postgres() -> None:
    db.session.remove()
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def empty_sqlite(tmp_path_factory) -> Path:
    """Return an SQLite file with every table and no rows, made once per test process.

    A test copies it instead of creating its tables: SQLite commits each CREATE on its own,
    and two hundred of them cost more than many a test.
    """
    from council_app import models  # noqa: F401  (every table, as the app knows them)

    path = tmp_path_factory.mktemp("empty-schema") / "empty.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    db.metadata.create_all(engine)
    engine.dispose()
    return path


def _without_fsync(dbapi_connection, _record) -> None:
    """Let a test's SQLite skip waiting for the disk: its file lives only as long as the test."""
    dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def app(request, database_url, tmp_path):
    """Yield an app with empty tables, an instance folder of its own, CSRF and rate limits off.

    A test changes settings read when the app is built with ``@pytest.mark.app_config(...)``.
    """
    marker = request.node.get_closest_marker("app_config")
    postgres = database_url.startswith("postgresql")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # Rate limits would make fast tests flaky; their own tests switch them on.
            "RATELIMIT_ENABLED": False,
            # Same algorithm, lighter work factor: hashing dominates otherwise.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "SEARCH_INDEX_PATH": str(tmp_path / "search-index"),
            # One node per test: no thread looking for other nodes' changes.
            "SEARCH_POLL_SECONDS": 0,
            "UPLOAD_PATH": str(tmp_path / "uploads"),
            "PDF_PATH": str(tmp_path / "pdf"),
            "DATA_EXPORT_PATH": str(tmp_path / "data-export"),
            # Uploads are extracted in the test's own process; the sandbox has tests of its
            # own (tests/minutes/test_extract.py), and a child process per upload is slow.
            "MINUTES_EXTRACT_SECONDS": None,
        }
        | (marker.kwargs if marker else {})
    )
    with app.app_context():
        if postgres:
            _prepare_postgres()
        else:
            event.listen(db.engine, "connect", _without_fsync)
        yield app
        # The index's catch-up and the PDF builds may hold a connection: let them finish
        # first (a build reading the tables deadlocks with emptying them).
        assert sync.wait_for_catch_up(timeout=60), "the search catch-up thread did not finish"
        assert pdf.wait_for_builds(timeout=120), "the PDF builds did not finish"
        if postgres:
            _empty_postgres()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_usernames = count(1)


@pytest.fixture
def make_user(app):
    """Create a staff account with the test password."""

    def make(role: str = "secretariat", username: str | None = None):
        user = auth_services.create_user(
            username or f"{role}{next(_usernames)}", PASSWORD, role, f"테스트 {role}"
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Log ``user`` in through the login page."""

    def do(user, password: str = PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


#: The one skip a run may have: PostgreSQL not configured, and only outside CI.
ALLOWED_SKIP = "PostgreSQL skipped"


def _skip_reasons(config) -> dict[str, int]:
    """Count the run's skipped tests by reason."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    reasons: dict[str, int] = {}
    for report in reporter.stats.get("skipped", []) if reporter else []:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    return reasons


def _unexpected_skips(config) -> dict[str, int]:
    """Return the skips that must fail the run: in CI, every one."""
    reasons = _skip_reasons(config)
    if os.environ.get("CI"):
        return reasons
    return {r: n for r, n in reasons.items() if not r.startswith(ALLOWED_SKIP)}


def pytest_sessionfinish(session, exitstatus):
    """Fail a run that skipped what it must not: a green run never hides a test not run."""
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controlling process sees every worker's skips
    if exitstatus == 0 and _unexpected_skips(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    """Print how many tests were skipped and why, and which skips failed the run."""
    if hasattr(config, "workerinput"):
        return
    reasons = _skip_reasons(config)
    unexpected = _unexpected_skips(config)
    terminalreporter.write_line(f"skipped: {sum(reasons.values())}")
    for reason, number in sorted(reasons.items(), key=lambda item: -item[1]):
        mark = "NOT ALLOWED " if reason in unexpected else ""
        terminalreporter.write_line(f"  {mark}{number} × {reason}")
    if unexpected:
        where = "in CI no test may be skipped" if os.environ.get("CI") else "unexpected skips"
        terminalreporter.write_line(f"the run fails: {where}", red=True)


@pytest.fixture
def council(app):
    """Add 금천구의회's structure (terms, bodies, sample members) with no sessions yet."""
    from council_app.demo import loader

    council = loader.load_council(loader.facts(), loader.Report())
    db.session.commit()
    return council


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> DemoTemplate:
    """Return this test process's demo template (built on first use)."""
    return DemoTemplate(tmp_path_factory.mktemp("demo-template"))


@pytest.fixture
def demo(app, demo_template):
    """Give the test the whole demo, as ``flask demo load`` leaves it (index included)."""
    demo_template.copy_into(app)


@pytest.fixture
def icaljs():
    """Return a reader that parses feed bytes with Mozilla's ical.js under node."""
    node = shutil.which("node")
    if not node or not (ICALJS / "node_modules" / "ical.js").is_dir():
        message = "node or ical.js missing: run `make setup-test` (npm ci in tests/calendars/js)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    def read(data: bytes) -> dict:
        # A reader far from Seoul shows that times carry their own zone.
        env = {"PATH": os.environ["PATH"], "TZ": "America/New_York"}
        result = subprocess.run(
            [node, ICALJS / "read_feed.mjs"], input=data, capture_output=True, env=env, check=True
        )
        return json.loads(result.stdout)

    return read
