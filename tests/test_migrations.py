"""Migrations build the schema from empty to head, and match the models exactly."""

from __future__ import annotations

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
