"""Stored files in the database (COUNCIL_FILE_STORE=database), and moving them between stores."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from council_app.agenda import services as agenda_services
from council_app.agenda.commands import ItemCommand
from council_app.agenda.models import ItemKind, ProposerKind
from council_app.core import storage
from council_app.core.errors import RuleViolation
from council_app.core.models import StoredFile
from council_app.extensions import db
from council_app.minutes import versions
from tests.minutes import samples
from tests.test_files_check import meeting  # noqa: F401  (a fixture)

DATABASE = pytest.mark.app_config(FILE_STORE="database")
#: Longer than one chunk of a read (1 MiB): a download takes several queries.
BIG_TEXT = ("회의록 본문 " * 200_000).encode()
#: Made once: a package's members carry the time they were packed.
HWPX = samples.as_hwpx()


def _local_files(app) -> list[str]:
    base = Path(app.config["UPLOAD_PATH"])
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


def _blobs() -> dict[str, str]:
    return dict(db.session.execute(select(StoredFile.key, StoredFile.sha256)).all())


@pytest.fixture
def uploaded(meeting):  # noqa: F811
    """Upload a minutes file and a text attachment longer than a read's chunk, committed."""
    result = versions.upload(meeting, data=HWPX, filename="회의록.hwpx")
    item = agenda_services.create_item(
        meeting.council_session.council,
        ItemCommand(
            title="예시 조례안",
            kind=ItemKind.ORDINANCE,
            proposer_kind=ProposerKind.DISTRICT_HEAD,
            submitted_on=date(2023, 1, 5),
        ),
    )
    attachment = agenda_services.attach_file(item, FileStorage(io.BytesIO(BIG_TEXT), "원문.txt"))
    db.session.commit()
    return result.file, attachment


@DATABASE
def test_uploads_go_to_the_database_and_download_in_chunks(
    app, client, runner, uploaded, make_user, login
):
    minutes_file, attachment = uploaded
    assert _local_files(app) == []
    assert _blobs() == {
        minutes_file.stored_path: hashlib.sha256(HWPX).hexdigest(),
        attachment.stored_name: hashlib.sha256(BIG_TEXT).hexdigest(),
    }

    response = client.get(f"/agenda/{attachment.item_id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.get_data() == BIG_TEXT
    assert response.content_length == len(BIG_TEXT)
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "filename*=UTF-8''%EC%9B%90%EB%AC%B8.txt" in response.headers["Content-Disposition"]

    login(make_user("stenographer"))
    response = client.get(f"/minutes/{minutes_file.minutes_id}/files/{minutes_file.id}")
    assert response.status_code == 200 and response.get_data() == HWPX

    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 0, result.output


@DATABASE
def test_a_read_takes_one_chunk_per_query(app, uploaded):
    _, attachment = uploaded
    reader = storage.BlobReader(db.engine, attachment.stored_name, len(BIG_TEXT))
    chunks = []
    while chunk := reader.read(10 * 1024 * 1024):
        chunks.append(len(chunk))
    assert chunks == [1024 * 1024] * (len(BIG_TEXT) // (1024 * 1024)) + [
        len(BIG_TEXT) % (1024 * 1024)
    ]


@DATABASE
def test_a_rollback_or_a_refusal_keeps_no_blob(app, meeting):  # noqa: F811
    versions.upload(meeting, data=samples.as_hwpx(), filename="a.hwpx")
    db.session.rollback()
    item = agenda_services.create_item(
        meeting.council_session.council,
        ItemCommand(
            title="예시",
            kind=ItemKind.ORDINANCE,
            proposer_kind=ProposerKind.DISTRICT_HEAD,
            submitted_on=date(2023, 1, 5),
        ),
    )
    with pytest.raises(RuleViolation, match="UTF-8"):
        agenda_services.attach_file(item, FileStorage(io.BytesIO(b"\xff\xfe"), "a.txt"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert _local_files(app) == []


@DATABASE
def test_a_missing_changed_or_orphan_blob_is_found(app, runner, uploaded):
    minutes_file, attachment = uploaded
    db.session.execute(
        update(StoredFile)
        .where(StoredFile.key == attachment.stored_name)
        .values(content=BIG_TEXT.replace(b" ", b"_"))
    )
    db.session.add(StoredFile(key="agenda/deadbeef.pdf", size=3, sha256="0", content=b"abc"))
    db.session.commit()
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1
    assert f"내용(SHA-256)이 기록과 다른 파일: 안건 첨부 {attachment.id}" in result.output
    assert "행이 없는 파일: agenda/deadbeef.pdf" in result.output

    app.instance_path = str(Path(app.config["UPLOAD_PATH"]).parent / "instance")
    result = runner.invoke(args=["files", "check", "--fix"])
    [moved] = (Path(app.instance_path) / "quarantine").rglob("deadbeef.pdf")
    assert moved.read_bytes() == b"abc"
    assert "agenda/deadbeef.pdf" not in _blobs()

    storage.delete(minutes_file.stored_path)
    db.session.commit()
    result = runner.invoke(args=["files", "check"])
    assert f"파일이 없는 행: 회의록 파일 {minutes_file.id}" in result.output


def test_files_move_to_the_database_and_back_with_their_hashes(app, runner, uploaded):
    minutes_file, attachment = uploaded
    expected = {
        minutes_file.stored_path: minutes_file.sha256,
        attachment.stored_name: attachment.sha256,
    }
    on_disk = _local_files(app)
    assert sorted(expected) == on_disk

    result = runner.invoke(args=["files", "migrate", "--to", "database"])
    assert result.exit_code == 0, result.output
    assert "database 저장소로 옮긴 파일 2개, 이미 있던 파일 0개." in result.output
    assert _blobs() == expected
    again = runner.invoke(args=["files", "migrate", "--to", "database"])
    assert "옮긴 파일 0개, 이미 있던 파일 2개." in again.output

    app.config["FILE_STORE"] = "database"
    for relative in on_disk:
        storage.path(relative).unlink()
    assert runner.invoke(args=["files", "check"]).exit_code == 0

    result = runner.invoke(args=["files", "migrate", "--to", "local"])
    assert result.exit_code == 0, result.output
    app.config["FILE_STORE"] = "local"
    assert _local_files(app) == on_disk
    assert {r: storage.checksum(storage.path(r)) for r in on_disk} == expected
    assert runner.invoke(args=["files", "check"]).exit_code == 0


def test_a_file_missing_from_the_source_is_named_and_fails_the_move(app, runner, uploaded):
    minutes_file, _ = uploaded
    storage.path(minutes_file.stored_path).unlink()
    result = runner.invoke(args=["files", "migrate", "--to", "database"])
    assert result.exit_code == 1
    assert (
        f"옮기지 못한 파일(없거나 SHA-256이 다름): 회의록 파일 {minutes_file.id}" in result.output
    )
    assert list(_blobs()) == [uploaded[1].stored_name]
