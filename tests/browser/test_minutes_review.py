"""A stenographer corrects published minutes: junk is refused, a foreign file is flagged,
a one-word correction shows as one word, and an earlier version comes back by restore."""

from __future__ import annotations

import datetime

import pytest

from council_app.core.time import today_kst
from council_app.council.models import Body, Council
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.minutes import publication, versions
from council_app.minutes.versions import UploadMinutes
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus
from tests.minutes import samples

pytestmark = pytest.mark.browser


def _published_minutes(app) -> tuple[int, int, str]:
    """Add a plenary meeting held today with published minutes; return ids and their text."""
    with app.app_context():
        council = db.session.scalar(db.select(Council))
        day = today_kst()
        council_session = CouncilSession(
            council=council,
            term=council.terms[0],
            number=998,
            kind=SessionKind.EXTRAORDINARY,
            start=day,
            end=day,
            status=SessionStatus.IN_SESSION,
        )
        meeting = Meeting(
            council_session=council_session,
            body=db.session.scalar(db.select(Body).where(Body.slug == "plenary")),
            sitting=1,
            date=day,
            start_time=datetime.time(0, 0),
            place="본회의장",
            status=MeetingStatus.HELD,
        )
        db.session.add(meeting)
        db.session.flush()
        text = samples.dated(day).replace("제300회", "제998회")
        minutes = versions.upload(meeting, UploadMinutes(text=text)).minutes
        publication.publish(minutes)
        db.session.commit()
        return meeting.id, minutes.id, text


def test_corrections_go_through_preview_guards_and_restore(
    browser, page, live_app, log_in, tmp_path
):
    meeting_id, minutes_id, text = _published_minutes(live_app)
    citizen = browser.new_context(locale="ko-KR", base_url=live_app.config["LIVE_URL"]).new_page()

    def public_text() -> str:
        citizen.goto(f"/minutes/{minutes_id}")
        return citizen.locator("section.turns").inner_text()

    def upload(name: str, content: str) -> None:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        page.goto(f"/meetings/{meeting_id}/minutes/new")
        page.get_by_label("회의록 파일").set_input_files(str(path))
        page.get_by_role("button", name="올리기").click()
        page.wait_for_url(f"**/minutes/{minutes_id}/preview")

    def publish() -> None:
        page.get_by_label("미리 보기를 확인했으며").check()
        page.locator(
            "form[action$='/publish'] button[type=submit], form[action$='/publish'] input[type=submit]"
        ).click()

    log_in("stenographer")
    assert "시행일을 설명해" in public_text()

    # A text file renamed .hwp: a draft with no speaker turn, refused on publish.
    upload("blank.hwp", "이 파일은 회의록이 아닙니다.\n메모만 적었습니다.")
    assert "발언을 하나도 찾지 못했습니다" in page.locator(".warnings").inner_text()
    publish()
    assert "[no_turns]" in page.locator(".callout-error, .field-error").first.inner_text()
    assert "시행일을 설명해" in public_text()
    citizen.goto(f"/minutes/{minutes_id}")
    assert "blank.hwp" not in citizen.content()

    # Another council's file: the warning names its session number and council.
    upload(
        "청주시의회 회의록.txt",
        text.replace("제998회 서울특별시 금천구의회(임시회)", "제5회 청주시의회(임시회)"),
    )
    warning = page.locator(".warnings").inner_text()
    assert "제5회(이 회의: 제998회)" in warning and "청주시의회" in warning

    # A one-word correction: the diff marks that word and nothing else.
    upload("고친 회의록.txt", text.replace("시행일을", "시행 시기를"))
    assert page.locator(".diff del").all_inner_texts() == ["시행일을"]
    assert page.locator(".diff ins").all_inner_texts() == ["시행 시기를"]
    assert "시행 시기를" not in public_text()
    publish()
    page.wait_for_url(f"**/minutes/{minutes_id}")
    assert "시행 시기를 설명해" in public_text()

    # Restore version 1: a new draft, public once published.
    page.get_by_role("button", name="제1판을 새 초안으로").click()
    page.wait_for_url(f"**/minutes/{minutes_id}/preview")
    assert page.locator(".diff ins").all_inner_texts() == ["시행일을"]
    assert "시행 시기를 설명해" in public_text()
    publish()
    page.wait_for_url(f"**/minutes/{minutes_id}")
    assert "시행일을 설명해" in public_text()
    citizen.context.close()
