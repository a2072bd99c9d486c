"""Stored files and their rows (issue 13): nothing left without a row; `files check` finds the rest."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import event
from werkzeug.datastructures import FileStorage

from council_app.agenda import services as agenda_services
from council_app.agenda.commands import ItemCommand
from council_app.agenda.models import ItemKind, ProposerKind
from council_app.core import storage
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.minutes import queries, versions
from council_app.minutes.versions import UploadMinutes
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus
from tests.minutes import samples

#: The clock of these tests; files older than IN_FLIGHT at this moment count as left over.
MOMENT = datetime(2026, 12, 3, 14, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    # Quarantine goes under the instance: keep this test's instance its own.
    app.instance_path = str(tmp_path / "instance")
    return Path(app.config["UPLOAD_PATH"])


@pytest.fixture
def meeting(council):
    council_session = CouncilSession(
        council=council,
        term=council.terms[0],
        number=300,
        kind=SessionKind.EXTRAORDINARY,
        start=date(2023, 1, 1),
        end=date(2023, 1, 15),
        status=SessionStatus.CLOSED,
    )
    meeting = Meeting(
        council_session=council_session,
        body=next(b for b in council.bodies if b.slug == "plenary"),
        sitting=1,
        date=date(2023, 1, 10),
        start_time=time(10, 0),
        place="본회의장",
        status=MeetingStatus.HELD,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def stored(meeting, uploads):
    """Upload one minutes file and one agenda attachment, committed."""
    result = versions.upload(meeting, data=samples.as_hwpx(), filename="회의록.hwpx")
    item = agenda_services.create_item(
        meeting.council_session.council,
        ItemCommand(
            title="예시 조례안",
            kind=ItemKind.ORDINANCE,
            proposer_kind=ProposerKind.DISTRICT_HEAD,
            submitted_on=date(2023, 1, 5),
        ),
    )
    attachment = agenda_services.attach_file(
        item, FileStorage(io.BytesIO(b"%PDF-1.7\n" + b"x" * 50), "원문.pdf")
    )
    db.session.commit()
    return queries.file_path(result.file), uploads / attachment.stored_name


def _old(path: Path) -> Path:
    """Date a file an hour before the test's clock, as one a dead upload left behind."""
    stamp = MOMENT.timestamp() - 3600
    os.utime(path, (stamp, stamp))
    return path


def test_committed_uploads_check_clean(runner, stored):
    minutes_file, attachment = stored
    assert minutes_file.read_bytes() == samples.as_hwpx()
    assert attachment.is_file()
    assert not list(minutes_file.parent.glob("*.part"))
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 0, result.output
    assert "올린 파일과 기록이 모두 맞습니다." in result.output


def test_a_refused_upload_leaves_no_file(meeting, uploads):
    with pytest.raises(Exception, match="메모는 500자"):
        versions.upload(
            meeting, UploadMinutes(note="가" * 501), data=samples.as_hwpx(), filename="a.hwpx"
        )
    db.session.rollback()
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def test_a_failed_commit_leaves_no_file(meeting, uploads):
    versions.upload(meeting, data=samples.as_hwpx(), filename="a.hwpx")
    assert [p.suffix for p in uploads.rglob("*") if p.is_file()] == [".part"]
    # As a full database would: the commit fails, the view's error path rolls back.
    session = db.session()
    event.listen(session, "before_commit", _fail)
    try:
        with pytest.raises(OSError):
            session.commit()
    finally:
        event.remove(session, "before_commit", _fail)
    db.session.rollback()
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def test_a_full_disk_leaves_no_half_file(meeting, uploads, monkeypatch):
    def write_half(stream, out, max_bytes):
        out.write(stream.read()[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_copy", write_half)
    with pytest.raises(OSError):
        versions.upload(meeting, data=samples.as_hwpx(), filename="a.hwpx")
    monkeypatch.undo()
    db.session.rollback()
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def _fail(*args, **kwargs):
    raise OSError("disk full")


def test_a_part_left_by_a_killed_upload_is_found_and_moved_aside(app, runner, stored, uploads):
    minutes_file, _ = stored
    # kill -9 between writing the part and committing its row: the part stays behind.
    part = minutes_file.parent / "0123456789abcdef.part"
    part.write_bytes(b"half a file")
    _old(part)
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1
    assert "행이 없는 파일: minutes/0123456789abcdef.part" in result.output
    assert part.exists()  # without --fix nothing moves

    result = runner.invoke(args=["files", "check", "--fix"])
    assert result.exit_code == 0, result.output
    assert not part.exists()
    [moved] = (Path(app.instance_path) / "quarantine").rglob("0123456789abcdef.part")
    assert moved.read_bytes() == b"half a file"
    assert moved.parent.name == "minutes"
    assert runner.invoke(args=["files", "check"]).exit_code == 0


def test_an_orphan_attachment_is_found(runner, stored, uploads):
    orphan = uploads / "agenda" / "deadbeef.pdf"
    orphan.write_bytes(b"%PDF-1.7")
    _old(orphan)
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1 and "행이 없는 파일: agenda/deadbeef.pdf" in result.output


def test_a_fresh_file_without_a_row_is_reported_but_never_moved(runner, stored, uploads):
    fresh = uploads / "minutes" / "uploading.part"
    fresh.write_bytes(b"...")
    stamp = MOMENT.timestamp() - 60
    os.utime(fresh, (stamp, stamp))
    result = runner.invoke(args=["files", "check", "--fix"])
    assert result.exit_code == 1
    assert "올리는 중일 수 있음" in result.output and fresh.exists()


def test_a_row_without_its_file_is_found(runner, stored):
    minutes_file, _ = stored
    minutes_file.unlink()
    result = runner.invoke(args=["files", "check", "--fix"])
    assert result.exit_code == 1
    assert f"파일이 없는 행: 회의록 파일 1 (minutes/{minutes_file.name})" in result.output


def test_a_file_whose_contents_changed_is_found(runner, stored):
    _, attachment = stored
    attachment.write_bytes(attachment.read_bytes().replace(b"x", b"y"))
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 1
    assert "내용(SHA-256)이 기록과 다른 파일: 안건 첨부 1" in result.output


def test_the_part_takes_its_name_only_at_commit(meeting, uploads):
    result = versions.upload(meeting, data=samples.as_hwpx(), filename="a.hwpx")
    final = queries.file_path(result.file)
    assert not final.exists() and storage.part_path(final).exists()
    db.session.commit()
    assert final.read_bytes() == samples.as_hwpx() and not storage.part_path(final).exists()
