"""The one file store: generated names, a part renamed at commit, refusals that keep nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from council_app.core import storage
from council_app.core.errors import RuleViolation
from council_app.extensions import db


def _files(app) -> list[str]:
    base = Path(app.config["UPLOAD_PATH"])
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


def test_a_file_takes_its_generated_name_when_the_row_commits(app):
    relative = storage.new_name("agenda", ".pdf")
    assert re.fullmatch(r"agenda/[0-9a-f]{32}\.pdf", relative)
    saved = storage.save(relative, io.BytesIO(b"%PDF-1.7 body"))
    assert (saved.size, saved.head) == (13, b"%PDF-1.7 body")
    assert _files(app) == [relative + ".part"]
    db.session.commit()
    assert _files(app) == [relative]
    assert storage.path(relative).read_bytes() == b"%PDF-1.7 body"
    assert storage.checksum(storage.path(relative)) == saved.sha256


def test_a_rollback_keeps_nothing(app):
    storage.save(storage.new_name("minutes"), b"text")
    db.session.rollback()
    assert _files(app) == []


def test_a_file_too_large_or_refused_by_its_check_keeps_nothing(app):
    with pytest.raises(storage.TooLarge):
        storage.save(storage.new_name("minutes"), b"x" * 11, max_bytes=10)

    def refuse(saved, part):
        assert part.read_bytes() == b"abc" and saved.head == b"abc"
        raise RuleViolation("아닙니다.", "file")

    with pytest.raises(RuleViolation):
        storage.save(storage.new_name("agenda"), b"abc", check=refuse)
    db.session.commit()
    assert _files(app) == []


def test_a_deleted_file_goes_only_when_the_removal_commits(app):
    relative = storage.new_name("agenda", ".txt")
    storage.save(relative, b"text")
    db.session.commit()
    storage.delete(relative)
    db.session.rollback()
    assert _files(app) == [relative]
    storage.delete(relative)
    db.session.commit()
    assert _files(app) == []


def test_paths_stay_under_the_root(app):
    with pytest.raises(ValueError):
        storage.path("../secret")
    with pytest.raises(ValueError):
        storage.new_name("elsewhere")
    assert storage.display_name("C:\\Users\\속기\\회의록 1.hwp ") == "회의록 1.hwp"
    assert storage.display_name(None) == ""
    # A right-to-left override would show "회의록exe.hwp" for a file named …\u202ephw.exe.
    assert storage.display_name("회의록\u202ephw.exe") == "회의록phw.exe"
    assert storage.display_name("회의\x07록\u2066.txt\u2069") == "회의록.txt"
