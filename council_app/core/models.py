"""Core tables: the audit log, and the days off the secretariat adds to the holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .time import now
from .types import AwareDateTime


class AuditEvent(db.Model):
    """One change made by a person or a command, kept for ever."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who acted; null for the CLI and the demo loader.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, index=True)
    #: A verb such as ``session.create`` or ``user.token_issue``.
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: Why, when the rules ask for a reason (late publication, change after a meeting).
    reason: Mapped[str | None] = mapped_column(String(500))


class PublicHoliday(db.Model):
    """A day off the holiday calendar does not know yet (임시공휴일), kept by the secretariat."""

    __tablename__ = "public_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(60))


class DataVersion(db.Model):
    """One row counting the changes to what the public pages show (``core/data_version.py``).

    Every transaction that writes public data bumps ``counter`` in that same transaction, so
    a cached page keyed by (``epoch``, ``counter``) is stale exactly when the data moved on,
    on every app server sharing the database. ``epoch`` is drawn when the row is created: a
    database built afresh never meets cache entries of an earlier one with the same count.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)
    epoch: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(AwareDateTime)


class StoredFile(db.Model):
    """A stored file's bytes, when ``COUNCIL_FILE_STORE=database`` (core.storage).

    Written in the transaction that adds the row naming it, so every node reads the same
    files from the one PostgreSQL and no file exists without its row.
    """

    __tablename__ = "stored_file"

    #: The path under the upload root the owning row names (``minutes/<hex>``).
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: ``bytea`` on PostgreSQL; read back in chunks (core.storage.BlobReader).
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
