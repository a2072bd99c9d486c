"""OParl File objects: what a client downloads matches the size and SHA-512 it was told."""

from __future__ import annotations

import hashlib

from council_app.extensions import db
from tests.oparl.conftest import ROOT


def download(client, url: str) -> bytes:
    with client.get(url.removeprefix("http://localhost")) as response:
        assert response.status_code == 200, url
        return response.data


def test_files_give_the_checksum_size_and_text_of_what_downloads(demo_files, client, oparl_get):
    (minutes, _other), attachment = demo_files
    stored = minutes.files[-1]
    file = oparl_get(f"{ROOT}file/minutes-{stored.id}")
    data = download(client, file["downloadUrl"])
    assert hashlib.sha512(data).hexdigest() == file["sha512Checksum"]
    assert file["size"] == len(data) and file["mimeType"] == "text/plain"
    assert "독산동 주차 문제를 묻겠습니다" in file["text"]
    assert file["meeting"] == [f"{ROOT}meeting/{minutes.meeting_id}"]
    meeting = oparl_get(f"{ROOT}meeting/{minutes.meeting_id}")
    assert meeting["verbatimProtocol"]["id"] == file["id"]

    attached = oparl_get(f"{ROOT}file/attachment-{attachment.id}")
    assert (
        hashlib.sha512(download(client, attached["accessUrl"])).hexdigest()
        == (attached["sha512Checksum"])
    )


def test_the_cli_fills_in_checksums_of_files_stored_before_they_were_kept(
    demo_files, runner, oparl_get
):
    (minutes, _other), attachment = demo_files
    stored = minutes.files[-1]
    expected = stored.sha512
    stored.sha512 = attachment.sha512 = None
    db.session.commit()
    assert "sha512Checksum" not in oparl_get(f"{ROOT}file/minutes-{stored.id}")

    result = runner.invoke(args=["data", "checksums"])
    assert result.exit_code == 0, result.output
    assert "2개 파일" in result.output
    assert oparl_get(f"{ROOT}file/minutes-{stored.id}")["sha512Checksum"] == expected
