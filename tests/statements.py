"""Counting the SQL statements a block sends: page budgets and the cache's one-query 304."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import event

from council_app.extensions import db


@contextmanager
def counting_statements():
    """Yield the list of SQL statements the block sends to the app's database.

    Only the block's own thread counts: the search's catch-up thread, which a process's
    first request starts, reads the database beside it.
    """
    statements: list[str] = []
    block = threading.get_ident()

    def record(_conn, _cursor, statement, *_args):
        if threading.get_ident() == block:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
