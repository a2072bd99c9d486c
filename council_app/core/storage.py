"""The one store of uploaded files (minutes files, agenda attachments) under ``UPLOAD_PATH``.

A file is saved under a generated name as ``<name>.part`` and renamed to its own name only
once the transaction that adds its row commits; a rollback deletes the ``.part``. So a refused
upload, a database error or a full database leaves nothing behind, and a process killed
mid-way leaves at most a ``.part`` file, which ``flask files check`` reports (and ``--fix``
moves aside). Rows name their file by its path relative to the upload root; what a file may
be (types, size) is the caller's rule, checked through ``save``'s ``check``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app, send_from_directory
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.security import safe_join

from ..extensions import db
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


class TooLarge(Exception):
    """A file longer than the caller allowed; nothing of it was kept."""

    def __init__(self, max_bytes: int):
        super().__init__(f"file over {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class Saved:
    """A file written for a row: its path under the root, size, SHA-256 and first bytes."""

    relative: str
    size: int
    sha256: str
    head: bytes


def root() -> Path:
    """Return the folder every stored file lies under."""
    return Path(current_app.config["UPLOAD_PATH"])


def path(relative: str) -> Path:
    """Return where the file of ``relative`` lies; a path leaving the root is refused."""
    joined = safe_join(str(root()), relative)
    if joined is None:
        raise ValueError(f"not a stored file's path: {relative!r}")
    return Path(joined)


def display_name(filename: str | None) -> str:
    """Return the uploader's file name without any folder part, for showing only.

    A browser may send a full Windows path; the name is cut to the columns' 255 characters.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
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
    """Write ``source`` for a row being added; it takes its name when the session commits.

    Over ``max_bytes`` raises :class:`TooLarge`; ``check`` (given the result and the part's
    path) may refuse the file by raising. Either way, and on any error, nothing is kept.
    """
    final = path(relative)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(final)
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with part.open("wb") as out:
            size, digest, head = _copy(stream, out, max_bytes)
        saved = Saved(relative, size, digest, head)
        if check is not None:
            check(saved, part)
    except BaseException:
        # A full disk or a refusal leaves half a part behind: remove it, so only the error remains.
        part.unlink(missing_ok=True)
        raise
    _stage(db.session(), part, final)
    return saved


def _copy(stream: BinaryIO, out: BinaryIO, max_bytes: int | None) -> tuple[int, str, bytes]:
    """Copy ``stream`` into ``out`` chunk by chunk; return its size, SHA-256 and head."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(max_bytes)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest(), head


def delete(relative: str) -> None:
    """Delete a stored file once the session that removes its row commits (kept on rollback)."""
    _pending(db.session(), _DOOMED).append(path(relative))


def send(relative: str, *, download_name: str, mimetype: str):
    """Answer with a stored file as a download under ``download_name`` (404 when it is gone)."""
    # send_from_directory writes a Korean name as RFC 5987 filename*, with an ASCII fallback.
    return send_from_directory(
        root(), relative, mimetype=mimetype, as_attachment=True, download_name=download_name
    )


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


#: The packages that store files each add a function listing their rows (`stored_by`), so
#: this module — and `files check` — never imports the packages above it.
_OWNERS: list[Callable[[], Iterable[StoredRow]]] = []


def stored_by(owner: Callable[[], Iterable[StoredRow]]) -> Callable[[], Iterable[StoredRow]]:
    """Register a function that lists the rows naming stored files (a decorator)."""
    _OWNERS.append(owner)
    return owner


def stored_rows() -> list[StoredRow]:
    """Return every row that names a stored file, from every package that stores files."""
    return [row for owner in _OWNERS for row in owner()]


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


def check(root: Path, rows: Iterable[StoredRow]) -> Findings:
    """Compare the stored files under ``root`` with the rows that name them."""
    findings = Findings()
    expected = {row.relative: row for row in rows}
    for row in expected.values():
        path = root / row.relative
        if not path.is_file():
            findings.missing.append(row)
        elif path.stat().st_size != row.size or checksum(path) != row.sha256:
            findings.mismatched.append(row)
    recent = now() - IN_FLIGHT
    for folder in FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            if relative in expected:
                continue
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            (findings.in_flight if modified > recent else findings.orphans).append(relative)
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
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
