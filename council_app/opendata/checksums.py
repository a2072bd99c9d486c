"""SHA-512 of files stored before it was kept at upload (OParl's ``sha512Checksum``)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from ..agenda.models import Attachment
from ..core import storage
from ..extensions import db
from ..minutes.models import MinutesFile

#: Files read per run at most, so one run stays bounded; run again for the rest.
MAX_FILES = 10_000


def _sha512(relative: str) -> str:
    digest = hashlib.sha512()
    with storage.store().open(relative) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fill_missing(limit: int = MAX_FILES) -> tuple[int, list[str]]:
    """Compute the SHA-512 of stored files that have none; return how many, and files missing."""
    filled, missing = 0, []
    rows = [
        *(
            (f, f.stored_path)
            for f in db.session.scalars(
                select(MinutesFile).where(MinutesFile.sha512.is_(None)).limit(limit)
            )
        ),
        *(
            (a, a.stored_name)
            for a in db.session.scalars(
                select(Attachment).where(Attachment.sha512.is_(None)).limit(limit)
            )
        ),
    ][:limit]
    for row, relative in rows:
        try:
            row.sha512 = _sha512(relative)
        except FileNotFoundError:
            missing.append(relative)
            continue
        filled += 1
    db.session.flush()
    return filled, missing
