"""Checks behind ``/healthz``."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import text

from ..extensions import db


def check(app: Flask) -> dict:
    """Return the state of the database and the search index."""
    database = {"backend": db.engine.dialect.name}
    try:
        db.session.execute(text("SELECT 1"))
        database["ok"] = True
    except Exception as error:  # any failure means "not healthy", never a 500
        db.session.rollback()
        database.update(ok=False, error=type(error).__name__)
    index_path = app.config["SEARCH_INDEX_PATH"]
    search_index = {"path_exists": os.path.isdir(index_path)}
    search_index["ok"] = True  # the index is derived; a missing one is rebuilt, not fatal
    status = "ok" if database["ok"] else "error"
    return {"status": status, "database": database, "search_index": search_index}
