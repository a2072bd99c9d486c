"""Fixtures: an app with a fresh database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
from itertools import count

import pytest
from sqlalchemy import create_engine, text

from council_app import create_app
from council_app.auth import services as auth_services
from council_app.config import database_uri
from council_app.extensions import db

PG_URL = os.environ.get("COUNCIL_TEST_DATABASE_URL")
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Yield an empty database's URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL skipped: COUNCIL_TEST_DATABASE_URL is not set")
    yield PG_URL


def _reset_postgres(app) -> None:
    """Empty the PostgreSQL test database, keeping its tables when they are current."""
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()


@pytest.fixture
def app(database_url, tmp_path):
    """Yield an app with empty tables, an instance folder of its own, CSRF off."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # Same algorithm, lighter work factor: hashing dominates otherwise.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "SEARCH_INDEX_PATH": str(tmp_path / "search-index"),
            "UPLOAD_PATH": str(tmp_path / "uploads"),
        }
    )
    if database_url.startswith("postgresql"):
        _reset_postgres(app)
    else:
        with app.app_context():
            db.create_all()
    with app.app_context():
        yield app
        db.session.remove()
    if database_url.startswith("postgresql"):
        with app.app_context():
            db.drop_all()
    with app.app_context():
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
