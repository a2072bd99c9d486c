"""Store an uploaded attachment safely: random name, known type, bounded size, SHA-256."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..core import storage
from ..core.errors import RuleViolation
from ..extensions import db

#: Accepted extensions, the type we serve them as, and the bytes such a file starts with.
ALLOWED_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".hwp": ("application/x-hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ".hwpx": ("application/hwp+zip", b"PK\x03\x04"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".txt": ("text/plain; charset=utf-8", None),
}
SUBFOLDER = "agenda"
CHUNK = 64 * 1024


def display_name(filename: str | None) -> str:
    """Return the uploader's file name without any folder part, for showing only."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[-255:]


def store(upload: FileStorage, upload_root: str, *, max_bytes: int) -> dict:
    """Write ``upload`` under a random name and return the Attachment's columns.

    The name on disk never comes from the user, so no upload can reach outside the folder
    or overwrite another file; the type is judged by extension and first bytes together.
    """
    original = display_name(upload.filename)
    extension = os.path.splitext(original)[1].lower()
    if not original or extension not in ALLOWED_TYPES:
        allowed = ", ".join(e.lstrip(".").upper() for e in ALLOWED_TYPES)
        raise RuleViolation([("file", f"올릴 수 있는 파일 형식은 {allowed}입니다.")])
    content_type, signature = ALLOWED_TYPES[extension]

    folder = os.path.join(upload_root, SUBFOLDER)
    os.makedirs(folder, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temp_path = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    limit = max_bytes // (1024 * 1024)
                    raise RuleViolation(
                        [("file", f"파일이 너무 큽니다. {limit}MB 이하만 올려 주세요.")]
                    )
                head = head or chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise RuleViolation([("file", "빈 파일은 올릴 수 없습니다.")])
        if signature is not None and not head.startswith(signature):
            raise RuleViolation([("file", f"{extension.lstrip('.').upper()} 파일이 아닙니다.")])
        if signature is None:
            _check_utf8_text(temp_path)
        stored_name = f"{SUBFOLDER}/{secrets.token_hex(16)}{extension}"
        # Named after its final name, the part takes that name when the row commits.
        final = Path(upload_root) / stored_name
        os.replace(temp_path, storage.part_path(final))
        storage.stage(db.session(), storage.part_path(final), final)
    except BaseException:
        Path(temp_path).unlink(missing_ok=True)
        raise
    return {
        "original_name": original,
        "stored_name": stored_name,
        "content_type": content_type,
        "size": size,
        "sha256": digest.hexdigest(),
    }


def _check_utf8_text(path: str) -> None:
    """Raise unless the file is UTF-8 text."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation([("file", "텍스트 파일은 UTF-8로 저장해 주세요.")]) from None
