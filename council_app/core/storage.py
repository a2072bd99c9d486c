"""The one store of uploaded files (minutes files, agenda attachments), behind two backends.

``COUNCIL_FILE_STORE`` chooses where the bytes live (README: "올린 파일의 저장소"):

- ``local`` (the default): files under ``UPLOAD_PATH``. A file is saved under a generated
  name as ``<name>.part`` and renamed to its own name only once the transaction that adds its
  row commits; a rollback deletes the ``.part``. A process killed mid-way leaves at most a
  ``.part`` file, which ``flask files check`` reports (and ``--fix`` moves aside).
- ``database``: the ``stored_file`` table (``bytea`` on PostgreSQL), written in the very
  transaction that adds the owning row, so every node serves every file and no file exists
  without its row; reads go in chunks, never the whole file at once.

Rows name their file by its path relative to the upload root (the key); what a file may be
(types, size) is the caller's rule, checked through ``save``'s ``check``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import abort, current_app, send_file, send_from_directory
from sqlalchemy import Connection, Engine, LargeBinary, event, func, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session
from werkzeug.security import safe_join

from ..extensions import db
from .models import StoredFile
from .time import now

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
_PENDING = "council_pending_files"
_DOOMED = "council_doomed_files"
#: Folders under the upload root that hold stored files (minutes files, agenda attachments).
FOLDERS = ("minutes", "agenda")
#: A file younger than this may belong to an upload still under way: reported, never moved.
IN_FLIGHT = timedelta(minutes=10)
#: How many first bytes a check is shown, to judge a file's type by its signature.
HEAD_BYTES = 16
_CHUNK = 1024 * 1024
#: The settings ``COUNCIL_FILE_STORE`` takes.
BACKENDS = ("local", "database")


class TooLarge(Exception):
    """A file longer than the caller allowed; nothing of it was kept."""

    def __init__(self, max_bytes: int):
        super().__init__(f"file over {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class Saved:
    """A file written for a row: its path under the root, size, SHA-256, first bytes, SHA-512."""

    relative: str
    size: int
    sha256: str
    head: bytes
    #: What OParl clients check a download against (``sha512Checksum``).
    sha512: str = ""


def root() -> Path:
    """Return the folder every stored file lies under."""
    return Path(current_app.config["UPLOAD_PATH"])


def path(relative: str) -> Path:
    """Return where the file of ``relative`` lies; a path leaving the root is refused."""
    joined = safe_join(str(root()), relative)
    if joined is None:
        raise ValueError(f"not a stored file's path: {relative!r}")
    return Path(joined)


#: Control characters and the marks that reorder text (U+202E makes ``txt.exe`` read as
#: ``exe.txt``): a name shown to staff and offered on download carries none of them.
_NOT_SHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(filename: str | None) -> str:
    """Return the uploader's file name without any folder part, for showing only.

    A browser may send a full Windows path; the name is cut to the columns' 255 characters.
    """
    name = _NOT_SHOWN.sub("", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[-255:]


def new_name(folder: str, extension: str = "") -> str:
    """Return a fresh path under ``folder``: random, never derived from what a user sent."""
    if folder not in FOLDERS:
        raise ValueError(f"unknown storage folder: {folder!r}")
    return f"{folder}/{secrets.token_hex(16)}{extension}"


def save(
    relative: str,
    source: bytes | BinaryIO,
    *,
    max_bytes: int | None = None,
    check: Callable[[Saved, Path], None] | None = None,
) -> Saved:
    """Write ``source`` for a row being added; it is kept only if the session commits.

    Over ``max_bytes`` raises :class:`TooLarge`; ``check`` (given the result and a path
    holding the bytes) may refuse the file by raising. Either way, and on any error, nothing
    is kept.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    return store().save(relative, stream, max_bytes=max_bytes, check=check)


def _copy(stream: BinaryIO, out: BinaryIO, max_bytes: int | None) -> tuple[int, str, bytes, str]:
    """Copy ``stream`` into ``out`` chunk by chunk; return its size, SHA-256, head and SHA-512."""
    digest, size, head = hashlib.sha256(), 0, b""
    long_digest = hashlib.sha512()
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(max_bytes)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
        long_digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest(), head, long_digest.hexdigest()


def delete(relative: str) -> None:
    """Delete a stored file once the session that removes its row commits (kept on rollback)."""
    store().delete(relative)


def send(relative: str, *, download_name: str, mimetype: str):
    """Answer with a stored file as a download under ``download_name`` (404 when it is gone)."""
    return store().send(relative, download_name=download_name, mimetype=mimetype)


class Store(Protocol):
    """Where stored files live: every backend keeps the same keys with the same promises."""

    name: str

    def save(
        self, relative: str, stream: BinaryIO, *, max_bytes: int | None, check
    ) -> Saved: ...  # kept if and when db.session commits
    def delete(self, relative: str) -> None: ...  # gone if and when db.session commits
    def send(self, relative: str, *, download_name: str, mimetype: str): ...
    def size(self, relative: str) -> int | None: ...  # None: no such file
    def open(self, relative: str) -> BinaryIO: ...  # FileNotFoundError when missing
    def listing(self) -> Iterable[tuple[str, datetime | None]]: ...  # (key, written if in flight)
    def quarantine(self, relatives: Iterable[str], folder: Path) -> list[Path]: ...


def store(name: str | None = None) -> Store:
    """Return the configured backend (``COUNCIL_FILE_STORE``), or the one called ``name``."""
    name = name or current_app.config["FILE_STORE"]
    if name == "local":
        return LocalStore(root())
    if name == "database":
        return DatabaseStore(db.engine)
    raise ValueError(f"unknown file store: {name!r} (one of {', '.join(BACKENDS)})")


class LocalStore:
    """Files in a folder of this node (``UPLOAD_PATH``): one server, or a shared mount."""

    name = "local"

    def __init__(self, base: Path):
        self.base = base

    def _path(self, relative: str) -> Path:
        joined = safe_join(str(self.base), relative)
        if joined is None:
            raise ValueError(f"not a stored file's path: {relative!r}")
        return Path(joined)

    def save(self, relative, stream, *, max_bytes=None, check=None) -> Saved:
        final = self._path(relative)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(final)
        try:
            with part.open("wb") as out:
                size, digest, head, sha512 = _copy(stream, out, max_bytes)
            saved = Saved(relative, size, digest, head, sha512)
            if check is not None:
                check(saved, part)
        except BaseException:
            # A full disk or a refusal leaves half a part behind: remove it, so only the
            # error remains.
            part.unlink(missing_ok=True)
            raise
        _stage(db.session(), part, final)
        return saved

    def delete(self, relative: str) -> None:
        _pending(db.session(), _DOOMED).append(self._path(relative))

    def send(self, relative: str, *, download_name: str, mimetype: str):
        # send_from_directory writes a Korean name as RFC 5987 filename*, with an ASCII
        # fallback.
        return send_from_directory(
            self.base, relative, mimetype=mimetype, as_attachment=True, download_name=download_name
        )

    def size(self, relative: str) -> int | None:
        found = self._path(relative)
        return found.stat().st_size if found.is_file() else None

    def open(self, relative: str) -> BinaryIO:
        return self._path(relative).open("rb")

    def listing(self) -> Iterable[tuple[str, datetime | None]]:
        for folder in FOLDERS:
            base = self.base / folder
            if not base.is_dir():
                continue
            for found in sorted(p for p in base.rglob("*") if p.is_file()):
                written = datetime.fromtimestamp(found.stat().st_mtime, UTC)
                yield found.relative_to(self.base).as_posix(), written

    def quarantine(self, relatives: Iterable[str], folder: Path) -> list[Path]:
        return quarantine(self.base, relatives, folder)


class DatabaseStore:
    """Files in the ``stored_file`` table of the one database every node shares."""

    name = "database"

    def __init__(self, engine: Engine | Connection):
        self.engine = engine

    def save(self, relative, stream, *, max_bytes=None, check=None) -> Saved:
        new_name_check(relative)
        # The check reads a file (the UTF-8 test): spool to a temporary one, then keep the
        # bytes in the row, added to the session that adds the owning row.
        with tempfile.NamedTemporaryFile(prefix="council-upload-") as spool:
            size, digest, head, sha512 = _copy(stream, spool, max_bytes)
            spool.flush()
            saved = Saved(relative, size, digest, head, sha512)
            if check is not None:
                check(saved, Path(spool.name))
            spool.seek(0)
            content = spool.read()
        db.session.add(StoredFile(key=relative, size=size, sha256=digest, content=content))
        return saved

    def delete(self, relative: str) -> None:
        db.session.execute(sql_delete(StoredFile).where(StoredFile.key == relative))

    def send(self, relative: str, *, download_name: str, mimetype: str):
        found = self._row(relative)
        if found is None:
            abort(404)
        size, digest = found
        response = send_file(
            self.open(relative, size=size),
            mimetype=mimetype,
            as_attachment=True,
            download_name=download_name,
            etag=digest,
            last_modified=None,
        )
        response.content_length = size
        return response

    def _row(self, relative: str) -> tuple[int, str] | None:
        query = select(StoredFile.size, StoredFile.sha256).where(StoredFile.key == relative)
        if isinstance(self.engine, Connection):
            found = self.engine.execute(query).first()
        else:
            with self.engine.connect() as connection:
                found = connection.execute(query).first()
        return tuple(found) if found else None

    def size(self, relative: str) -> int | None:
        found = self._row(relative)
        return found[0] if found else None

    def open(self, relative: str, *, size: int | None = None) -> BinaryIO:
        if size is None:
            size = self.size(relative)
            if size is None:
                raise FileNotFoundError(relative)
        return io.BufferedReader(BlobReader(self.engine, relative, size), buffer_size=_CHUNK)

    def listing(self) -> Iterable[tuple[str, datetime | None]]:
        # A row commits with its file: nothing is ever in flight here.
        query = select(StoredFile.key).order_by(StoredFile.key)
        if isinstance(self.engine, Connection):
            return [(key, None) for key in self.engine.scalars(query)]
        with self.engine.connect() as connection:
            return [(key, None) for key in connection.scalars(query)]

    def quarantine(self, relatives: Iterable[str], folder: Path) -> list[Path]:
        moved = []
        for relative in relatives:
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with self.open(relative) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
            db.session.execute(sql_delete(StoredFile).where(StoredFile.key == relative))
            db.session.commit()
            moved.append(target)
        return moved


def new_name_check(relative: str) -> None:
    """Refuse a key that could not be a file under the upload root (the local rule too)."""
    if safe_join("/", relative) is None or relative.split("/", 1)[0] not in FOLDERS:
        raise ValueError(f"not a stored file's path: {relative!r}")


class BlobReader(io.RawIOBase):
    """Read one ``stored_file`` row's bytes a chunk per query, never the whole file at once.

    Each chunk is read on its own connection unless given one (a backup reads inside its
    snapshot), so a download streamed after the request has ended holds no connection.
    """

    def __init__(self, engine: Engine | Connection, key: str, size: int):
        self.engine, self.key, self.length, self.position = engine, key, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.length - self.position, _CHUNK)
        if wanted <= 0:
            return 0
        # substr counts from 1, on bytea (PostgreSQL) and BLOB (SQLite) alike.
        part = func.substr(StoredFile.content, self.position + 1, wanted, type_=LargeBinary)
        query = select(part).where(StoredFile.key == self.key)
        if isinstance(self.engine, Connection):
            chunk = self.engine.scalar(query)
        else:
            with self.engine.connect() as connection:
                chunk = connection.scalar(query)
        if not chunk:
            raise FileNotFoundError(self.key)
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def part_path(final: Path) -> Path:
    """Return where ``final`` is written until its row is committed."""
    return final.with_name(final.name + PART_SUFFIX)


def _stage(session: Session, part: Path, final: Path) -> None:
    """Rename ``part`` to ``final`` when ``session`` commits; delete it on a rollback."""
    _pending(session, _PENDING).append((Path(part), Path(final)))


def _pending(session: Session, key: str) -> list:
    """Return the session's list of file changes awaiting its outcome."""
    # A rollback with no transaction begun fires no event: begin one, so one always does.
    if not session.in_transaction():
        session.begin()
    return session.info.setdefault(key, [])


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    for part, final in session.info.pop(_PENDING, []):
        try:
            os.replace(part, final)  # atomic: a reader never sees half a file
        except OSError:
            # The row is committed; `files check` reports it missing and the part an orphan.
            log.exception("could not name stored file %s", final)
    for doomed in session.info.pop(_DOOMED, []):
        try:
            doomed.unlink(missing_ok=True)
        except OSError:
            # The row is gone; `files check` reports the file an orphan.
            log.exception("could not delete stored file %s", doomed)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    for part, _final in session.info.pop(_PENDING, []):
        part.unlink(missing_ok=True)
    session.info.pop(_DOOMED, None)


@dataclass(frozen=True)
class StoredRow:
    """A row that names a stored file: its path under the upload root and what it holds."""

    label: str
    relative: str
    sha256: str
    size: int


#: The packages that store files each add a function listing their rows (`stored_by`), given
#: the session to read with, so this module — and `files check` — never imports the packages
#: above it.
_OWNERS: list[Callable[[Session], Iterable[StoredRow]]] = []


def stored_by(
    owner: Callable[[Session], Iterable[StoredRow]],
) -> Callable[[Session], Iterable[StoredRow]]:
    """Register a function that lists the rows naming stored files (a decorator)."""
    _OWNERS.append(owner)
    return owner


def stored_rows(session: Session | None = None) -> list[StoredRow]:
    """Return every row that names a stored file (read with ``session``: a backup's snapshot)."""
    session = session or db.session()
    return [row for owner in _OWNERS for row in owner(session)]


@dataclass
class Findings:
    """What `files check` found: files without rows, rows without files, wrong contents."""

    orphans: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)
    missing: list[StoredRow] = field(default_factory=list)
    mismatched: list[StoredRow] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Tell whether files and rows agree."""
        return not (self.orphans or self.in_flight or self.missing or self.mismatched)


def check(rows: Iterable[StoredRow], files: Store | None = None) -> Findings:
    """Compare the stored files (of the configured store) with the rows that name them."""
    files = files or store()
    findings = Findings()
    expected = {row.relative: row for row in rows}
    for row in expected.values():
        size = files.size(row.relative)
        if size is None:
            findings.missing.append(row)
        elif size != row.size or stream_checksum(files.open(row.relative)) != row.sha256:
            findings.mismatched.append(row)
    recent = now() - IN_FLIGHT
    for relative, written in files.listing():
        if relative in expected:
            continue
        in_flight = written is not None and written > recent
        (findings.in_flight if in_flight else findings.orphans).append(relative)
    return findings


def quarantine(root: Path, relatives: Iterable[str], folder: Path) -> list[Path]:
    """Move files (paths under ``root``) into ``folder``, keeping their relative paths."""
    moved = []
    for relative in relatives:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(root / relative, target)
        moved.append(target)
    return moved


def checksum(path: Path) -> str:
    """Return the SHA-256 of a file on disk, read in chunks."""
    return stream_checksum(path.open("rb"))


def stream_checksum(stream: BinaryIO) -> str:
    """Return the SHA-256 of what ``stream`` holds, read in chunks; close it."""
    digest = hashlib.sha256()
    with stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
