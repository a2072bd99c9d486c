"""Counting the SQL statements a block sends: page budgets and the cache's one-query 304."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from council_app.extensions import db


@contextmanager
def counting_statements():
    """Yield the list of SQL statements sent to the app's database while the block runs."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
