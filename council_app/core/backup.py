"""Backups that restore: one tar archive of the database rows, the stored files and a manifest.

The rows go as JSON lines per table, read inside one snapshot (REPEATABLE READ on
PostgreSQL, SQLite's online backup API on SQLite), so an archive restores into either
database. The stored files go as ``files/<key>`` whatever store held them, and restore into
whatever store the target uses. The search index is left out: it is derived, and a restore
rebuilds it. The manifest lists every member's size and SHA-256 and every table's row count;
``verify`` checks them all before a restore reads a row.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask import current_app
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Enum,
    LargeBinary,
    Table,
    Time,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from ..extensions import db
from . import storage
from .time import now

FORMAT = 1
MANIFEST = "manifest.json"
#: The bytes of stored files travel as ``files/`` members, whichever store held them. The
#: data version only keys caches: the restore's own inserts move the target's on. The
#: index nodes are the old servers' indexes; the restored instance's report themselves.
LEFT_OUT = frozenset({"stored_file", "data_version", "index_node"})
_BATCH = 1_000
_CHUNK = 1024 * 1024


#: What runs once rows and files are restored: the search package rebuilds its index
#: (search/cli.py), so this module never imports the packages above it.
_AFTER_RESTORE: list[Callable[[], object]] = []


def after_restore(hook: Callable[[], object]) -> Callable[[], object]:
    """Register a function to run after every restore (a decorator)."""
    _AFTER_RESTORE.append(hook)
    return hook


class BackupError(Exception):
    """An archive that cannot be written, trusted or restored; the message says why (Korean)."""


def tables() -> list[Table]:
    """Return the tables a backup holds, parents before children."""
    return [t for t in db.metadata.sorted_tables if t.name not in LEFT_OUT]


# --- the snapshot ----------------------------------------------------------------------


@contextmanager
def snapshot() -> Iterator[Connection]:
    """Yield a connection that sees the database as it was at one instant, read only."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        # The online backup API copies the file at one instant; the dump then reads the copy,
        # so writers wait for the copy only, never for the whole dump.
        with tempfile.TemporaryDirectory(prefix="council-backup-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            raw = engine.raw_connection()
            try:
                target = sqlite3.connect(copy)
                raw.driver_connection.backup(target)
                target.close()
            finally:
                raw.close()
            frozen = create_engine(f"sqlite:///{copy}")
            try:
                with frozen.connect() as connection:
                    yield connection
            finally:
                frozen.dispose()
        return
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        # PostgreSQL takes the snapshot at the first statement, not at BEGIN: take it now.
        connection.execute(text("SELECT 1"))
        yield connection


def revision(connection: Connection) -> str | None:
    """Return the database's Alembic revision (None: tables made by create_all)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


# --- rows as JSON ----------------------------------------------------------------------


def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(column):
    """Return how a JSON value turns back into what the column takes."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class
    return None


def _table_lines(connection: Connection, table: Table) -> Iterator[bytes]:
    query = select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(query).mappings():
        record = {name: _encode(value) for name, value in row.items()}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


# --- create ----------------------------------------------------------------------------


@dataclass
class _Member:
    name: str
    spool: BinaryIO
    size: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def write(self, chunk: bytes) -> None:
        self.spool.write(chunk)
        self.size += len(chunk)
        self.digest.update(chunk)


def create(target: Path) -> dict:
    """Write the archive to ``target`` (atomically: a crash leaves no half archive there)."""
    target = Path(target)
    part = target.with_name(target.name + ".part")
    members: dict[str, dict] = {}
    counts: dict[str, int] = {}
    files: dict[str, dict] = {}
    try:
        with snapshot() as connection, tarfile.open(part, "w") as archive:
            created = now()

            def add(member: _Member) -> None:
                member.spool.seek(0)
                info = tarfile.TarInfo(member.name)
                info.size, info.mode, info.mtime = member.size, 0o600, int(created.timestamp())
                archive.addfile(info, member.spool)
                members[member.name] = {"size": member.size, "sha256": member.digest.hexdigest()}

            for table in tables():
                with tempfile.TemporaryFile() as spool:
                    member, count = _Member(f"db/{table.name}.jsonl", spool), 0
                    for line in _table_lines(connection, table):
                        member.write(line)
                        count += 1
                    counts[table.name] = count
                    add(member)
            source = _snapshot_store(connection)
            with Session(bind=connection) as session:
                rows = storage.stored_rows(session)
            for row in rows:
                if row.relative in files:
                    continue
                with tempfile.TemporaryFile() as spool:
                    member = _Member(f"files/{row.relative}", spool)
                    try:
                        with source.open(row.relative) as stream:
                            while chunk := stream.read(_CHUNK):
                                member.write(chunk)
                    except FileNotFoundError:
                        raise BackupError(
                            f"{row.label}의 파일({row.relative})이 없습니다. "
                            "'flask --app council_app files check'로 확인하세요."
                        ) from None
                    if member.digest.hexdigest() != row.sha256:
                        raise BackupError(
                            f"{row.label}의 파일({row.relative}) 내용이 기록(SHA-256)과 다릅니다. "
                            "'flask --app council_app files check'로 확인하세요."
                        )
                    files[row.relative] = {"size": member.size, "sha256": row.sha256}
                    add(member)
            manifest = {
                "format": FORMAT,
                "created_at": created.isoformat(),
                "database": connection.dialect.name,
                "alembic_revision": revision(connection),
                "tables": counts,
                "files": files,
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(created.timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return manifest


def _snapshot_store(connection: Connection) -> storage.Store:
    """Return the store to read files from: in the database, through the snapshot itself."""
    if current_app.config["FILE_STORE"] == "database":
        return storage.DatabaseStore(connection)
    return storage.store("local")


# --- verify ----------------------------------------------------------------------------


@dataclass
class Checked:
    """What ``verify`` read: the manifest, and each member's size, SHA-256 and line count."""

    manifest: dict | None = None
    problems: list[str] = field(default_factory=list)
    members: dict[str, dict] = field(default_factory=dict)


def member_name_problem(name: str) -> str | None:
    """Say why a member's name could not be trusted (absolute, ``..``, odd), or None."""
    pure = PurePosixPath(name)
    if not name or "\\" in name or pure.is_absolute() or ".." in pure.parts or "\x00" in name:
        return f"보관 파일 안의 이름을 믿을 수 없습니다: {name!r}"
    if name != MANIFEST and pure.parts[0] not in ("db", "files"):
        return f"보관 파일에 알 수 없는 항목이 있습니다: {name!r}"
    return None


def verify(source: Path) -> Checked:
    """Check every member against the manifest: names, sizes, SHA-256, row counts."""
    checked = Checked()
    problems = checked.problems
    if not tarfile.is_tarfile(source):
        problems.append(f"백업 보관 파일(tar)이 아닙니다: {source}")
        return checked
    try:
        _read_members(source, checked)
    except (tarfile.TarError, OSError, EOFError) as error:
        problems.append(f"보관 파일을 끝까지 읽을 수 없습니다: {error}")
    if problems:
        return checked
    try:
        _compare(checked)
    except (AttributeError, TypeError, KeyError):
        problems.append("목록(manifest.json)의 형식이 잘못되었습니다.")
    return checked


def _read_members(source: Path, checked: Checked) -> None:
    """Read every member once: its name, kind, size, SHA-256 and line count."""
    problems = checked.problems
    limit_members = current_app.config["BACKUP_MAX_MEMBERS"]
    limit_bytes = current_app.config["BACKUP_MAX_BYTES"]
    seen = checked.members
    total = 0
    with tarfile.open(source, "r:") as archive:
        while (info := archive.next()) is not None:
            if len(seen) >= limit_members:
                problems.append(f"보관 파일의 항목이 {limit_members}개를 넘습니다.")
                return
            if problem := member_name_problem(info.name):
                problems.append(problem)
                continue
            if not info.isreg():
                problems.append(f"보통 파일이 아닌 항목이 있습니다: {info.name}")
                continue
            if info.name in seen:
                problems.append(f"같은 이름의 항목이 두 번 있습니다: {info.name}")
                continue
            total += info.size
            if total > limit_bytes:
                problems.append(f"보관 파일의 내용이 {limit_bytes}바이트를 넘습니다.")
                return
            digest, lines = hashlib.sha256(), 0
            stream = archive.extractfile(info)
            if info.name == MANIFEST:
                if checked.manifest is not None:
                    problems.append(f"같은 이름의 항목이 두 번 있습니다: {info.name}")
                data = stream.read()
                try:
                    checked.manifest = json.loads(data)
                except ValueError:
                    problems.append("목록(manifest.json)을 읽을 수 없습니다.")
                continue
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                lines += chunk.count(b"\n")
            seen[info.name] = {"size": info.size, "sha256": digest.hexdigest(), "lines": lines}


def _compare(checked: Checked) -> None:
    """Compare what was read with the manifest's members, row counts and files."""
    problems, seen, manifest = checked.problems, checked.members, checked.manifest
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        problems.append(f"목록(manifest.json)이 없거나 형식 {FORMAT}이 아닙니다.")
        return
    listed = manifest.get("members") or {}
    for name, expected in listed.items():
        found = seen.get(name)
        if found is None:
            problems.append(f"목록에 있는 항목이 보관 파일에 없습니다: {name}")
        elif (found["size"], found["sha256"]) != (expected.get("size"), expected.get("sha256")):
            problems.append(f"항목의 내용(SHA-256)이 목록과 다릅니다: {name}")
    for name in sorted(set(seen) - set(listed)):
        problems.append(f"목록에 없는 항목이 보관 파일에 있습니다: {name}")
    for table, count in (manifest.get("tables") or {}).items():
        found = seen.get(f"db/{table}.jsonl")
        if found is None:
            problems.append(f"표 {table}의 행이 보관 파일에 없습니다.")
        elif found["lines"] != count:
            problems.append(f"표 {table}의 행 수가 목록({count})과 다릅니다: {found['lines']}")
    for relative, expected in (manifest.get("files") or {}).items():
        found = listed.get(f"files/{relative}")
        if found is None or found.get("sha256") != expected.get("sha256"):
            problems.append(f"파일 {relative}의 SHA-256이 목록과 다릅니다.")
    listed_files = manifest.get("files") or {}
    for name in seen:
        if name.startswith("files/") and name.removeprefix("files/") not in listed_files:
            problems.append(f"목록의 파일에 없는 항목이 보관 파일에 있습니다: {name}")
        if name.startswith("db/") and PurePosixPath(name).stem not in manifest.get("tables", {}):
            problems.append(f"목록의 표에 없는 항목이 보관 파일에 있습니다: {name}")


# --- restore ---------------------------------------------------------------------------


def refusal_for_target(manifest: dict) -> str | None:
    """Say why the app's database cannot take this archive (not empty, other schema)."""
    inspector = inspect(db.engine)
    missing = [t.name for t in db.metadata.sorted_tables if not inspector.has_table(t.name)]
    if missing:
        return (
            f"데이터베이스에 표가 없습니다({', '.join(missing)}). "
            "먼저 'flask --app council_app db upgrade'로 표를 만드세요."
        )
    for table in tables():
        if db.session.execute(select(1).select_from(table).limit(1)).first():
            return (
                f"복원할 데이터베이스가 비어 있지 않습니다(표 {table.name}에 행이 있음). "
                "백업은 빈 데이터베이스에만 복원합니다."
            )
    if next(iter(storage.store().listing()), None) is not None:
        return "올린 파일 저장소가 비어 있지 않습니다. 백업은 빈 인스턴스에만 복원합니다."
    known = {t.name for t in tables()}
    unknown = sorted(set(manifest.get("tables") or {}) - known)
    if unknown:
        return f"이 판의 프로그램이 모르는 표가 백업에 있습니다: {', '.join(unknown)}"
    with db.engine.connect() as connection:
        ours = revision(connection)
    theirs = manifest.get("alembic_revision")
    if ours and theirs and ours != theirs:
        return (
            f"백업의 스키마 판({theirs})이 이 데이터베이스({ours})와 다릅니다. "
            "같은 판으로 맞춘 뒤 복원하세요."
        )
    return None


def restore(source: Path) -> dict:
    """Restore an archive into the app's empty database and store; rebuild the search index."""
    checked = verify(source)
    if checked.problems:
        raise BackupError("백업 파일이 목록과 맞지 않습니다: " + " / ".join(checked.problems))
    manifest = checked.manifest
    if refusal := refusal_for_target(manifest):
        raise BackupError(refusal)
    by_name = {t.name: t for t in tables()}
    session = db.session
    try:
        with tarfile.open(source, "r:") as archive:
            for info in archive:
                if not info.name.startswith("db/"):
                    continue
                table = by_name[PurePosixPath(info.name).stem]
                _insert(session, table, archive.extractfile(info))
            for info in archive:
                if not info.name.startswith("files/"):
                    continue
                relative = info.name.removeprefix("files/")
                saved = storage.save(relative, archive.extractfile(info))
                if saved.sha256 != manifest["files"][relative]["sha256"]:
                    raise BackupError(f"파일 {relative}의 SHA-256이 목록과 다릅니다.")
                # The bytes went to the database (or a .part file): free the session's copy.
                session.flush()
                session.expunge_all()
        if session.get_bind().dialect.name == "postgresql":
            restart_sequences(session.connection())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    for hook in _AFTER_RESTORE:
        hook()
    return manifest


def _insert(session, table: Table, stream: BinaryIO) -> None:
    decoders = {c.name: d for c in table.columns if (d := _decoder(c)) is not None}
    batch: list[dict] = []
    for line in stream:
        record = json.loads(line)
        for name, decode in decoders.items():
            if record.get(name) is not None:
                record[name] = decode(record[name])
        batch.append(record)
        if len(batch) >= _BATCH:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)


def restart_sequences(connection: Connection) -> None:
    """Set each id sequence past the rows copied in, as inserts through the app would have."""
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
            # The names are our own tables', never input.
            name = f'"{table.name}"'
            sequence = f"pg_get_serial_sequence('{name}', 'id')"
            highest = f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1"  # noqa: S608
            connection.execute(text(f"SELECT setval({sequence}, {highest}, false)"))
