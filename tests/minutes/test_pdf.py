"""A published version as a PDF: made once outside the request, read back with pdftotext."""

import datetime
import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from council_app.auth import services as auth_services
from council_app.extensions import db
from council_app.minutes import pdf, publication, versions
from council_app.minutes.models import Minutes, MinutesStatus
from council_app.minutes.publication import PublishMinutes, WithdrawMinutes
from tests.search import conftest as search_fixtures
from tests.search.conftest import BUDGET_MINUTES

#: Minutes published as the search tests publish them (the fixture, shared).
publish = search_fixtures.publish

PDFTOTEXT = shutil.which("pdftotext")


def text_of(data: bytes, tmp_path, page: int | None = None) -> str:
    """Return a PDF's text as poppler's pdftotext reads it (one page if asked)."""
    assert PDFTOTEXT, "pdftotext missing: `make setup-test` installs poppler-utils"
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        [PDFTOTEXT, "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def fetch(client, url) -> bytes:
    """Ask for a PDF as a reader would (it may be made first, then it is there); its bytes."""
    with client.get(url) as first:
        status, retry = first.status_code, first.headers.get("Retry-After")
    if status == 202:
        assert retry == str(pdf.RETRY_AFTER_SECONDS)
        assert pdf.wait_for_builds(120)
    with client.get(url) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return response.data


def test_a_published_version_reads_back_with_its_text_and_label(client, publish, tmp_path):
    minutes = publish()
    data = fetch(client, f"/minutes/{minutes.id}/versions/1.pdf")
    text = text_of(data, tmp_path)
    assert "보행환경 개선 예산을" in text and "추가경정예산안" in text
    # A closed passage stays out of the PDF, as out of the page.
    assert "인사 문제" not in text
    assert "임시회의록 제1판" in text_of(data, tmp_path, page=1)
    assert re.search(r"1\s*/\s*1", text)
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert f'href="/minutes/{minutes.id}/versions/1.pdf"' in page


def test_a_publication_through_the_api_makes_the_pdf_for_the_first_reader(
    app, client, make_meeting, make_user
):
    meeting = make_meeting(datetime.date(2023, 1, 3), "admin-finance")
    minutes = versions.upload(meeting, versions.UploadMinutes(text=BUDGET_MINUTES)).minutes
    token = auth_services.issue_token(make_user("stenographer"))
    db.session.commit()
    published = client.post(
        f"/api/v1/minutes/{minutes.id}/publish",
        json={"reason": "시험"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert published.status_code == 200, published.get_json()
    assert pdf.wait_for_builds(120)
    with client.get(f"/minutes/{minutes.id}/versions/1.pdf") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_every_page_of_a_long_minutes_carries_the_label_and_its_number(client, publish, tmp_path):
    long_text = BUDGET_MINUTES.replace(
        "○위원장 김가상\u2003산회를 선포합니다.",
        "\n".join(
            f"○이가상 위원\u2003{n}번째 질의입니다. 예산 집행을 묻겠습니다." * 4 for n in range(120)
        )
        + "\n○위원장 김가상\u2003산회를 선포합니다.",
    )
    minutes = publish(long_text)
    data = fetch(client, f"/minutes/{minutes.id}/versions/1.pdf")
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", "-"], input=data, capture_output=True, check=True
            )
            .stdout.decode()
            .splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages >= 3
    for page in range(1, pages + 1):
        text = text_of(data, tmp_path, page)
        assert "임시회의록 제1판" in text and re.search(rf"{page}\s*/\s*{pages}", text)


def test_a_final_or_corrected_version_has_its_own_pdf_and_withdrawal_ends_them(
    client, publish, tmp_path
):
    minutes = publish()
    versions.add_version(
        minutes, BUDGET_MINUTES.replace("보행환경", "보행로"), versions.PASTED, None
    )
    db.session.commit()
    assert client.get(f"/minutes/{minutes.id}/versions/2.pdf").status_code == 404  # a draft
    publication.publish(minutes, PublishMinutes(reason="발언 정정", confirm=("fewer_turns",)))
    publication.finalize(minutes)
    db.session.commit()
    second = text_of(fetch(client, f"/minutes/{minutes.id}/versions/2.pdf"), tmp_path)
    first = text_of(fetch(client, f"/minutes/{minutes.id}/versions/1.pdf"), tmp_path)
    assert "보행로" in second and "확정회의록 제2판" in second
    assert "보행환경" in first and "확정회의록 제1판" in first
    publication.withdraw(minutes, WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert client.get(f"/minutes/{minutes.id}/versions/1.pdf").status_code == 404
    assert client.get(f"/minutes/{minutes.id}/versions/9.pdf").status_code == 404


def test_a_request_never_builds_the_pdf_itself(client, publish, monkeypatch):
    minutes = publish()
    assert not pdf.path_for(minutes.published_version, "en").exists()
    asked = []
    monkeypatch.setattr(pdf, "build", lambda *key: asked.append(key))
    waiting = client.get(f"/minutes/{minutes.id}/versions/1.pdf?lang=en")
    assert waiting.status_code == 202 and "PDF" in waiting.get_data(as_text=True)
    assert pdf.wait_for_builds(30) and asked == [(minutes.id, 1, "en")]


def test_the_pdf_reads_no_file_but_the_apps_own_static_files(app):
    with app.test_request_context("/"):
        read = pdf._static_files("http://localhost/")
        assert b"@page" in read("http://localhost/static/css/site.css")
        for url in (
            "http://localhost/static/../../config.py",
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/",
        ):
            with pytest.raises(ValueError):
                read(url)


def test_a_demo_minutes_opens_in_pdftotext_with_its_hangul_and_label(client, demo, tmp_path):
    minutes = (
        db.session.scalars(
            select(Minutes).where(Minutes.status == MinutesStatus.PROVISIONAL)
        ).first()
        or db.session.scalars(select(Minutes).where(Minutes.status == MinutesStatus.FINAL)).first()
    )
    number = minutes.published_version.number
    text = text_of(fetch(client, f"/minutes/{minutes.id}/versions/{number}.pdf"), tmp_path)
    label = "임시회의록" if minutes.status is MinutesStatus.PROVISIONAL else "확정회의록"
    assert f"{label} 제{number}판" in text and minutes.meeting.body.name in text
