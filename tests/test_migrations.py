"""Migrations build the schema from empty to head, and match the models exactly."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from council_app import create_app
from council_app.config import database_uri
from council_app.core.types import render_migration_type
from council_app.extensions import db
from tests.conftest import PG_URL, with_search_path
from tests.corpus import REPO_ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """Yield the URL of a database with nothing in it (a new schema on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL skipped: COUNCIL_TEST_DATABASE_URL is not set")
    schema = f"migrate_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_uri(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield with_search_path(PG_URL, schema)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_upgrade_from_empty_to_head_without_drift(empty_database, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"council", "term", "body", "member", "membership", "user", "audit_event"} <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_item": render_migration_type}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
def test_servers_started_together_migrate_once(empty_database, tmp_path):
    """Each server's unit runs `db upgrade` before it starts: all of them succeed at once.

    Several servers share PostgreSQL only; SQLite is the one-server embedded default.
    """
    env = {**os.environ, "COUNCIL_DATABASE_URL": empty_database, "COUNCIL_SECRET_KEY": "x"}
    command = [sys.executable, "-m", "flask", "--app", "council_app", "db", "upgrade"]
    servers = [
        subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env | {"COUNCIL_INSTANCE_PATH": str(tmp_path / f"node-{n}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(3)
    ]
    outputs = [server.communicate(timeout=120)[0] for server in servers]
    assert [server.returncode for server in servers] == [0, 0, 0], "\n".join(outputs)
    engine = create_engine(database_uri(empty_database))
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        assert "index_node" in inspect(conn).get_table_names()
    engine.dispose()
