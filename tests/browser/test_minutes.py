"""A stenographer uploads HWPX minutes, checks the speakers, publishes; a citizen reads them."""

from __future__ import annotations

import datetime

import pytest

from council_app.core.time import today_kst
from council_app.council.models import Body, Council
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus
from tests.minutes import samples

pytestmark = pytest.mark.browser


def _held_meeting(app) -> tuple[int, str]:
    """Add a plenary meeting held this morning to the live app's database."""
    with app.app_context():
        council = db.session.scalar(db.select(Council))
        day = today_kst()
        session = CouncilSession(
            council=council,
            term=council.terms[0],
            number=999,
            kind=SessionKind.EXTRAORDINARY,
            start=day,
            end=day,
            status=SessionStatus.IN_SESSION,
        )
        meeting = Meeting(
            council_session=session,
            body=db.session.scalar(db.select(Body).where(Body.slug == "plenary")),
            sitting=1,
            date=day,
            start_time=datetime.time(0, 0),
            status=MeetingStatus.HELD,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id, meeting.name


def test_stenographer_publishes_hwpx_and_a_citizen_reads_it(page, live_app, tmp_path):
    meeting_id, name = _held_meeting(live_app)
    upload = tmp_path / "제999회 본회의 회의록.hwpx"
    upload.write_bytes(samples.as_hwpx())

    page.goto("/login")
    page.get_by_label("아이디").fill("stenographer")
    page.get_by_label("비밀번호").fill("demo-steno-2023")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/dashboard")
    page.get_by_role("link", name=f"올리기 {name}").click()
    page.wait_for_url(f"**/meetings/{meeting_id}/minutes/new")
    page.get_by_label("회의록 파일").set_input_files(str(upload))
    page.get_by_role("button", name="올리기").click()
    page.wait_for_url("**/minutes/*/preview")
    assert "발언 5건을 찾았습니다" in page.locator(".flashes").inner_text()
    speakers = page.locator(".speaker-counts li").all_inner_texts()
    assert "이가상 의원 (발언 1건)" in speakers and "의장 김가상 (발언 3건)" in speakers
    # The sample's cover names session 300 of 2023. 1. 10.: the guard says so, and the
    # stenographer accepts it before publishing.
    assert "제300회(이 회의: 제999회)" in page.locator(".warnings").inner_text()
    page.locator('input[name="publish-confirm"][value="header_mismatch"]').check()
    page.get_by_label("미리 보기를 확인했으며").check()
    page.get_by_role("button", name="임시회의록 공개").click()
    assert "임시회의록을 공개했습니다" in page.locator(".flashes").inner_text()
    minutes_url = page.url
    page.get_by_role("button", name="로그아웃 (속기사(예시))").click()

    page.goto(minutes_url)
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert "임시회의록" in page.locator("h1").inner_text()
    page.get_by_role("link", name="1. 예시 조례안").click()
    assert page.url.endswith("#u-2")
    page.get_by_label("발언자", exact=True).select_option("이가상 의원")
    page.get_by_role("button", name="보기").click()
    turns = page.locator(".turn")
    assert turns.count() == 1 and "시행일을 설명해" in turns.inner_text()
    assert "비공개로 보고" not in page.content()
