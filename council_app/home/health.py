"""Checks behind ``/healthz``."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from ..extensions import db
from ..search import sync


def check(app: Flask) -> dict:
    """Return the state of the database and the search index."""
    database = {"backend": db.engine.dialect.name}
    try:
        db.session.execute(text("SELECT 1"))
        database["ok"] = True
    except Exception as error:  # any failure means "not healthy", never a 500
        db.session.rollback()
        database.update(ok=False, error=type(error).__name__)
    # The index is derived: a missing or lagging one is rebuilt, never fatal.
    search_index = {"ok": True}
    if database["ok"]:
        search_index.update(sync.state())
    status = "ok" if database["ok"] else "error"
    return {"status": status, "database": database, "search_index": search_index}
