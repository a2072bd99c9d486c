"""What an agenda attachment may be: a known type by extension and first bytes, bounded size.

The file itself is kept by core.storage, like every upload.
"""

from __future__ import annotations

import os
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..core import storage
from ..core.errors import RuleViolation

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


def store(upload: FileStorage, *, max_bytes: int) -> dict:
    """Keep ``upload`` under a generated name and return the Attachment's columns.

    The name on disk never comes from the user, so no upload can reach outside the folder
    or overwrite another file; the type is judged by extension and first bytes together.
    """
    original = storage.display_name(upload.filename)
    extension = os.path.splitext(original)[1].lower()
    if not original or extension not in ALLOWED_TYPES:
        allowed = ", ".join(e.lstrip(".").upper() for e in ALLOWED_TYPES)
        raise RuleViolation([("file", f"올릴 수 있는 파일 형식은 {allowed}입니다.")])
    content_type, signature = ALLOWED_TYPES[extension]

    def check(saved: storage.Saved, written: Path) -> None:
        if saved.size == 0:
            raise RuleViolation([("file", "빈 파일은 올릴 수 없습니다.")])
        if signature is not None and not saved.head.startswith(signature):
            raise RuleViolation([("file", f"{extension.lstrip('.').upper()} 파일이 아닙니다.")])
        if signature is None:
            _check_utf8_text(written)

    try:
        saved = storage.save(
            storage.new_name(SUBFOLDER, extension), upload.stream, max_bytes=max_bytes, check=check
        )
    except storage.TooLarge:
        limit = max_bytes // (1024 * 1024)
        raise RuleViolation(
            [("file", f"파일이 너무 큽니다. {limit}MB 이하만 올려 주세요.")]
        ) from None
    return {
        "original_name": original,
        "stored_name": saved.relative,
        "content_type": content_type,
        "size": saved.size,
        "sha256": saved.sha256,
        "sha512": saved.sha512,
    }


def _check_utf8_text(path: Path) -> None:
    """Raise unless the file is UTF-8 text."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation([("file", "텍스트 파일은 UTF-8로 저장해 주세요.")]) from None
