"""Uploaded files that appear on disk together with their rows, or not at all.

A file is written as ``<name>.part`` and renamed to its own name only once the transaction
that adds its row commits; a rollback deletes the ``.part``. So a refused upload, a database
error or a full database leaves nothing behind, and a process killed mid-way leaves at most
a ``.part`` file, which ``flask files check`` reports (and ``--fix`` moves aside).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from .time import now

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
_PENDING = "council_pending_files"
#: Folders under the upload root that hold stored files (minutes files, agenda attachments).
FOLDERS = ("minutes", "agenda")
#: A file younger than this may belong to an upload still under way: reported, never moved.
IN_FLIGHT = timedelta(minutes=10)
_CHUNK = 1024 * 1024


def part_path(final: Path) -> Path:
    """Return where ``final`` is written until its row is committed."""
    return final.with_name(final.name + PART_SUFFIX)


def write_with_row(session: Session, final: Path, data: bytes) -> None:
    """Write ``data`` as ``final``'s part file; it takes its name when ``session`` commits."""
    final.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(final)
    try:
        part.write_bytes(data)
    except OSError:
        # A full disk leaves half a part behind: remove it, so only the error remains.
        part.unlink(missing_ok=True)
        raise
    stage(session, part, final)


def stage(session: Session, part: Path, final: Path) -> None:
    """Rename ``part`` to ``final`` when ``session`` commits; delete it on a rollback."""
    session.info.setdefault(_PENDING, []).append((Path(part), Path(final)))


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    for part, final in session.info.pop(_PENDING, []):
        try:
            os.replace(part, final)  # atomic: a reader never sees half a file
        except OSError:
            # The row is committed; `files check` reports it missing and the part an orphan.
            log.exception("could not name stored file %s", final)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    for part, _final in session.info.pop(_PENDING, []):
        part.unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredRow:
    """A row that names a stored file: its path under the upload root and what it holds."""

    label: str
    relative: str
    sha256: str
    size: int


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
        elif path.stat().st_size != row.size or _sha256(path) != row.sha256:
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
