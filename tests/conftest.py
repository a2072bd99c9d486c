"""Fixtures: an app with a fresh database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from council_app import create_app
from council_app.auth import services as auth_services
from council_app.config import database_uri
from council_app.extensions import db

PG_URL = os.environ.get("COUNCIL_TEST_DATABASE_URL")
#: Mozilla's ical.js (what Thunderbird uses), installed by `make setup-test`.
ICALJS = Path(__file__).parent / "calendars" / "js"
PASSWORD = "correct-horse-battery"


def pytest_report_header(config):
    if PG_URL:
        return f"databases: SQLite and PostgreSQL ({PG_URL})"
    return "databases: SQLite only; PostgreSQL skipped (set COUNCIL_TEST_DATABASE_URL to run it)"


def pytest_sessionstart(session):
    """Stop at once when PostgreSQL was asked for but cannot be reached."""
    if PG_URL:
        try:
            with create_engine(database_uri(PG_URL)).connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:
            pytest.exit(f"PostgreSQL at {PG_URL} cannot be reached: {error}", returncode=3)


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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Yield an empty database's URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
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


@pytest.fixture
def app(request, database_url, tmp_path):
    """Yield an app with empty tables, an instance folder of its own, CSRF and rate limits off.

    A test changes settings read when the app is built with ``@pytest.mark.app_config(...)``.
    """
    marker = request.node.get_closest_marker("app_config")
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
            "UPLOAD_PATH": str(tmp_path / "uploads"),
        }
        | (marker.kwargs if marker else {})
    )
    postgres = database_url.startswith("postgresql")
    with app.app_context():
        if postgres:
            _prepare_postgres()
        else:
            db.create_all()
        yield app
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


def pytest_terminal_summary(terminalreporter):
    """Say plainly when the PostgreSQL half of the suite did not run."""
    if not PG_URL:
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgresql" in r.nodeid]
        terminalreporter.write_line(
            f"PostgreSQL skipped: {len(skipped)} tests did not run on PostgreSQL "
            "(set COUNCIL_TEST_DATABASE_URL)."
        )


@pytest.fixture
def council(app):
    """Add 금천구의회's structure (terms, bodies, sample members) with no sessions yet."""
    from council_app.demo import loader

    council = loader.load_council(loader.facts(), loader.Report())
    db.session.commit()
    return council


@pytest.fixture
def demo(app):
    """Load the whole demo, as ``flask demo load`` does."""
    from council_app.demo import loader

    loader.load_all()
    db.session.commit()


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
