"""Backups that restore (issue 17): the demo from one database into the other and back."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, select, text
from werkzeug.datastructures import FileStorage

from council_app import create_app
from council_app.agenda import services as agenda_services
from council_app.agenda.models import AgendaItem
from council_app.config import database_uri
from council_app.core import backup, storage
from council_app.core.models import PublicHoliday
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.minutes.models import Minutes
from council_app.search import sync
from council_app.sessions.models import CouncilSession
from tests.conftest import PG_URL, with_search_path

#: Searches may take their time here: a partial answer would differ by load, not by data.
SETTINGS = {"SEARCH_TIME_BUDGET_SECONDS": 60.0}
#: What the archive holds, not the database it came from: checked once, on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ATTACHMENT = b"%PDF-1.7\n" + bytes(range(256)) * 40


@contextmanager
def other_app(url: str, folder: Path, *, migrate: bool = False, **settings):
    """Run the block in a second app with empty tables, its own index and files.

    ``migrate`` makes the tables as the README says (``flask db upgrade``), else create_all.
    """
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": False,
            "SEARCH_INDEX_PATH": str(folder / "search-index"),
            "UPLOAD_PATH": str(folder / "uploads"),
        }
        | SETTINGS
        | settings
    )
    with app.app_context():
        if migrate:
            upgrade()
        else:
            db.create_all()
        try:
            yield app
        finally:
            assert sync.wait_for_catch_up(timeout=60)
            db.session.remove()
            db.engine.dispose()


@contextmanager
def empty_postgres_schema():
    """Yield the URL of a new, empty PostgreSQL schema; drop it afterwards."""
    schema = f"restore_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_uri(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(PG_URL, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _attach_file() -> None:
    """Give the demo a stored file, so the archive carries one."""
    item = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).first()
    agenda_services.attach_file(item, FileStorage(io.BytesIO(ATTACHMENT), "원문.pdf"))
    db.session.commit()


def _api_paths() -> list[str]:
    """Return representative API reads of the demo: lists, a few details, searches."""
    years = sorted({s.start.year for s in db.session.scalars(select(CouncilSession))})
    sessions = db.session.scalars(select(CouncilSession.number).order_by(CouncilSession.id))
    meetings = db.session.scalars(select(Meeting.id).order_by(Meeting.id)).all()
    items = db.session.scalars(select(AgendaItem.id).order_by(AgendaItem.id)).all()
    minutes = db.session.scalars(select(Minutes.id).order_by(Minutes.id)).all()
    assert years and meetings and items and minutes
    return (
        [f"/api/v1/sessions?year={year}" for year in years]
        + [f"/api/v1/sessions/{number}" for number in list(sessions)[:3]]
        + ["/api/v1/meetings", "/api/v1/agenda-items", "/api/v1/minutes"]
        + [f"/api/v1/meetings/{i}" for i in meetings[:3] + meetings[-2:]]
        + [f"/api/v1/meetings/{i}/agenda" for i in meetings[:3]]
        + [f"/api/v1/agenda-items/{i}" for i in items[:3] + items[-2:]]
        + [f"/api/v1/minutes/{i}" for i in minutes[:3]]
        + ["/api/v1/search?q=예산", "/api/v1/search?q=조례안&per_page=50"]
    )


def _answers(app, paths: list[str]) -> dict[str, object]:
    client = app.test_client()
    answers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        answers[path] = response.get_json()
    assert answers["/api/v1/search?q=예산"]["total"] > 0
    return answers


def _file_hashes(app) -> dict[str, str]:
    """Return the SHA-256 of every stored file as read back through the app's store."""
    files = storage.store()
    return {
        row.relative: storage.stream_checksum(files.open(row.relative))
        for row in storage.stored_rows()
    }


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.app_config(FILE_STORE="database", **SETTINGS)
def test_a_backup_restores_into_the_other_database_and_back(app, demo, database_url, tmp_path):
    _attach_file()
    paths = _api_paths()
    expected = _answers(app, paths)
    hashes = _file_hashes(app)
    assert list(hashes.values()) == [storage.stream_checksum(io.BytesIO(ATTACHMENT))]

    first = tmp_path / "first.tar"
    result = _invoke(app, "backup", "create", str(first))
    assert result.exit_code == 0, result.output
    assert "백업을 만들었습니다" in result.output
    result = _invoke(app, "backup", "verify", str(first))
    assert result.exit_code == 0, result.output

    # PostgreSQL (database store) → SQLite (local folder) → the first kind again.
    with other_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "one") as restored:
        result = _invoke(restored, "backup", "restore", str(first))
        assert result.exit_code == 0, result.output
        assert _answers(restored, paths) == expected
        assert _file_hashes(restored) == hashes
        assert _invoke(restored, "files", "check").exit_code == 0
        assert _invoke(restored, "search", "check").exit_code == 0
        second = tmp_path / "second.tar"
        assert _invoke(restored, "backup", "create", str(second)).exit_code == 0

    if database_url.startswith("postgresql"):
        back = empty_postgres_schema()
    else:
        back = _sqlite_url(tmp_path / "back.sqlite3")
    two = tmp_path / "two"
    with back as url, other_app(url, two, migrate=True, FILE_STORE="database") as again:
        result = _invoke(again, "backup", "restore", str(second))
        assert result.exit_code == 0, result.output
        assert _answers(again, paths) == expected
        assert _file_hashes(again) == hashes
        assert _invoke(again, "files", "check").exit_code == 0
        # The ids go on from the restored rows: a new row takes the next one.
        agenda_services.attach_file(
            db.session.get(AgendaItem, 1), FileStorage(io.BytesIO(ATTACHMENT), "둘째.pdf")
        )
        db.session.commit()


@contextmanager
def _sqlite_url(path: Path):
    yield f"sqlite:///{path}"


@SQLITE_ONLY
def test_manifest_counts_rows_and_hashes_members(app, demo, tmp_path):
    archive = tmp_path / "demo.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["format"] == 1
    assert manifest["tables"]["meeting"] == db.session.scalar(
        select(func.count()).select_from(Meeting)
    )
    assert "stored_file" not in manifest["tables"]
    assert set(names) == set(manifest["members"]) | {"manifest.json"}
    assert not any(name.startswith("search") for name in names)
    assert not list(tmp_path.glob("*.part"))


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member, letting ``change(name, data)`` alter each."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            data = change(info.name, old.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@SQLITE_ONLY
def test_verify_catches_a_tampered_archive(app, demo, tmp_path):
    archive = tmp_path / "demo.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0

    tampered = tmp_path / "tampered.tar"
    _rewrite(
        archive,
        tampered,
        lambda name, data: (
            data.replace("본회의".encode(), "본 회의".encode(), 1)
            if name == "db/body.jsonl"
            else data
        ),
    )
    result = _invoke(app, "backup", "verify", str(tampered))
    assert result.exit_code == 1
    assert "항목의 내용(SHA-256)이 목록과 다릅니다: db/body.jsonl" in result.output
    assert "백업 파일이 목록과 맞지 않습니다. 이 파일로 복원하지 마세요." in result.output
    with other_app(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "target") as target:
        result = _invoke(target, "backup", "restore", str(tampered))
        assert result.exit_code == 1 and "db/body.jsonl" in result.output
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0

    dropped = tmp_path / "dropped.tar"
    _rewrite(archive, dropped, lambda name, data: None if name == "db/meeting.jsonl" else data)
    result = _invoke(app, "backup", "verify", str(dropped))
    assert result.exit_code == 1
    assert "목록에 있는 항목이 보관 파일에 없습니다: db/meeting.jsonl" in result.output

    # A row dropped with its hash updated still disagrees with the row count.
    def drop_a_row(name, data):
        if name == "db/meeting.jsonl":
            return data.split(b"\n", 1)[1]
        if name == "manifest.json":
            manifest = json.loads(data)
            with tarfile.open(archive) as tar:
                rows = tar.extractfile("db/meeting.jsonl").read().split(b"\n", 1)[1]
            manifest["members"]["db/meeting.jsonl"] = {
                "size": len(rows),
                "sha256": storage.stream_checksum(io.BytesIO(rows)),
            }
            return json.dumps(manifest).encode()
        return data

    counted = tmp_path / "counted.tar"
    _rewrite(archive, counted, drop_a_row)
    result = _invoke(app, "backup", "verify", str(counted))
    assert result.exit_code == 1
    assert "표 meeting의 행 수가 목록" in result.output

    not_tar = tmp_path / "not.tar"
    not_tar.write_bytes(b"hello")
    result = _invoke(app, "backup", "verify", str(not_tar))
    assert result.exit_code == 1 and "백업 보관 파일(tar)이 아닙니다" in result.output


@SQLITE_ONLY
@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "files/../../x", "search/x"])
def test_verify_and_restore_refuse_names_outside_the_archive(app, tmp_path, name):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    result = _invoke(app, "backup", "verify", str(archive))
    assert result.exit_code == 1
    assert "보관 파일 안의 이름을 믿을 수 없습니다" in result.output or (
        "알 수 없는 항목" in result.output
    )
    result = _invoke(app, "backup", "restore", str(archive))
    assert result.exit_code == 1
    assert not (tmp_path.parent / "escape").exists()


@SQLITE_ONLY
@pytest.mark.app_config(BACKUP_MAX_MEMBERS=5)
def test_verify_bounds_the_member_count(app, demo, tmp_path):
    archive = tmp_path / "demo.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    result = _invoke(app, "backup", "verify", str(archive))
    assert result.exit_code == 1 and "항목이 5개를 넘습니다" in result.output


def test_restore_refuses_a_database_that_is_not_empty(app, demo, tmp_path):
    archive = tmp_path / "demo.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    before = db.session.scalar(select(func.count()).select_from(Meeting))
    result = _invoke(app, "backup", "restore", str(archive))
    assert result.exit_code == 1
    assert "복원할 데이터베이스가 비어 있지 않습니다(표 council에 행이 있음)" in result.output
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == before


@SQLITE_ONLY
def test_restore_refuses_an_instance_with_files(app, demo, tmp_path):
    archive = tmp_path / "demo.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    with other_app(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "target") as target:
        stray = Path(target.config["UPLOAD_PATH"]) / "agenda" / "left.pdf"
        stray.parent.mkdir(parents=True)
        stray.write_bytes(b"%PDF-")
        result = _invoke(target, "backup", "restore", str(archive))
        assert result.exit_code == 1
        assert "올린 파일 저장소가 비어 있지 않습니다" in result.output


def test_a_backup_is_one_instant_while_others_write(app, demo, tmp_path, monkeypatch):
    """A write committed while the dump runs is in none of the archive's tables."""
    holidays = db.session.scalar(select(func.count()).select_from(PublicHoliday))
    meetings = db.session.scalar(select(func.count()).select_from(Meeting))
    writer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    table_lines = backup._table_lines
    written = []

    def write_meanwhile(connection, table):
        if not written:
            # Another process commits while the first table is read.
            with writer.begin() as conn:
                conn.execute(insert(PublicHoliday).values(day=date(2031, 1, 2), name="임시"))
                conn.execute(text("DELETE FROM agenda_entry"))
            written.append(True)
        return table_lines(connection, table)

    monkeypatch.setattr(backup, "_table_lines", write_meanwhile)
    archive = tmp_path / "during.tar"
    result = _invoke(app, "backup", "create", str(archive))
    writer.dispose()
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert written
    assert manifest["tables"]["public_holiday"] == holidays
    assert manifest["tables"]["meeting"] == meetings
    assert manifest["tables"]["agenda_entry"] > 0
    assert _invoke(app, "backup", "verify", str(archive)).exit_code == 0
