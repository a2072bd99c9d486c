"""The data version: one number that moves whenever data shown on public pages changes.

Any flush or bulk statement that touches a table other than the private ones below bumps
``data_version.counter`` on the same connection, inside the writer's transaction: the bump
commits or rolls back with the change itself, and every app server reads the same row.
Listing the private tables rather than the public ones errs on the safe side: a new table
invalidates the caches until someone decides it is private. Reading the version is one
primary-key query, made once per request by ``core/caching.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import DataVersion
from .time import now

#: Tables no public page shows: staff accounts, their tokens and logins, the audit log,
#: the search side's bookkeeping.
PRIVATE_TABLES = frozenset(
    {
        "user",
        "api_token",
        "login_attempt",
        "audit_event",
        "data_version",
        # The search side's bookkeeping: its rows come with changes that bump already, and
        # its pruning changes nothing anyone sees.
        "index_outbox",
        "index_node",
        # Mail alerts' addresses: never on any page.
        "alert_subscription",
    }
)
_TABLE = DataVersion.__table__
_ROW = 1


@dataclass(frozen=True)
class Version:
    """The version as read: what cache keys and validators are made of."""

    epoch: str
    counter: int
    changed_at: datetime

    @property
    def token(self) -> str:
        return f"{self.epoch}.{self.counter}"


def current(session: Session | None = None) -> Version | None:
    """Read the version (None before the first change: nothing to cache yet)."""
    row = (
        (session or db.session)
        .execute(
            select(_TABLE.c.epoch, _TABLE.c.counter, _TABLE.c.changed_at).where(_TABLE.c.id == _ROW)
        )
        .first()
    )
    return Version(*row) if row else None


def bump(session: Session) -> None:
    """Count one change, in ``session``'s transaction (the row is made on first use)."""
    connection = session.connection()
    moment = now()
    result = connection.execute(
        update(_TABLE)
        .where(_TABLE.c.id == _ROW)
        .values(counter=_TABLE.c.counter + 1, changed_at=moment)
    )
    if result.rowcount == 0:
        connection.execute(
            insert(_TABLE).values(id=_ROW, counter=1, epoch=secrets.token_hex(8), changed_at=moment)
        )


def _is_public(table_name: str | None) -> bool:
    return table_name is not None and table_name not in PRIVATE_TABLES


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    # Before the rows: every writer takes the version row's lock first, so two writers on
    # PostgreSQL never hold each other's rows in opposite orders.
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_public(getattr(obj, "__tablename__", None)) for obj in changed):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    # Bulk INSERT/UPDATE/DELETE statements bypass the flush (the utterances of a version,
    # the outbox rows the search index has applied).
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if _is_public(getattr(table, "name", None)):
        bump(state.session)
