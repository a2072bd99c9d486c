"""A citizen subscribes to 주차 alerts, confirms by mail, gets one mail, unsubscribes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from council_app.alerts.models import AlertSubscription
from council_app.extensions import db
from tests.alerts.conftest import Mailbox
from tests.browser.test_minutes import _held_meeting

pytestmark = pytest.mark.browser

MINUTES = """제999회 서울특별시 금천구의회(임시회)
본회의회의록
(10시00분 개의)
○의장 김가상\u2003회의를 시작하겠습니다.
○이가상 의원\u2003가산동 골목 주차 공간이 모자랍니다. 공영주차장을 늘려 주십시오.
○의장 김가상\u2003산회를 선포합니다.
(10시30분 산회)
"""


def _text(message) -> str:
    return message.get_payload(decode=True).decode()


def _link(message, base: str, path: str) -> str:
    match = re.search(rf"{re.escape(base)}(/{path}\S*)", _text(message))
    assert match, _text(message)
    return match[1]


@pytest.fixture
def mailbox(live_app):
    box = Mailbox()
    box.controller.start()
    live_app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=box.port, BASE_URL=live_app.config["LIVE_URL"]
    )
    yield box
    box.controller.stop()


def test_subscribe_confirm_receive_and_unsubscribe(page, live_app, mailbox, log_in):
    base = live_app.config["LIVE_URL"]
    page.goto("/search?q=주차")
    page.get_by_role("link", name="새 발언을 메일로 알림 받기").click()
    assert page.get_by_label("검색어", exact=True).input_value() == "주차"
    page.get_by_label("메일 주소").fill("citizen@example.org")
    page.get_by_role("button", name="확인 메일 받기").click()
    assert "확인 메일을 보냈습니다" in page.get_by_role("status").last.inner_text()
    assert "citizen@example.org" not in page.content()

    (confirmation,) = mailbox.pop()
    page.goto(_link(confirmation, base, "alerts/confirm"))
    assert page.get_by_role("heading", level=1).inner_text() == "알림을 시작했습니다"
    assert "‘주차’" in page.locator("main").inner_text()

    # The stenographer publishes minutes mentioning 주차.
    meeting_id, name = _held_meeting(live_app)
    log_in("stenographer")
    page.goto(f"/meetings/{meeting_id}/minutes/new")
    page.get_by_label("또는 본문 붙여 넣기").fill(MINUTES)
    page.get_by_role("button", name="올리기").click()
    page.wait_for_url("**/minutes/*/preview")
    minutes_id = int(page.url.split("/")[-2])
    for warning in page.locator('input[name="publish-confirm"]').all():
        warning.check()
    page.get_by_label("미리 보기를 확인했으며").check()
    page.get_by_role("button", name="임시회의록 공개").click()
    assert "임시회의록을 공개했습니다" in page.locator(".flashes").inner_text()
    page.get_by_role("button", name="로그아웃").click()

    result = live_app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    (alert,) = mailbox.pop()
    assert alert["To"] == "citizen@example.org"
    assert "가산동 골목 주차 공간이 모자랍니다" in _text(alert)
    turn_link = _link(alert, base, f"minutes/{minutes_id}#u-")
    page.goto(turn_link)
    assert "가산동 골목 주차" in page.locator("#u-2").inner_text()
    assert name in page.get_by_role("heading", level=1).inner_text()

    # Run again: nothing new, no second mail.
    live_app.test_cli_runner().invoke(args=["alerts", "send"])
    assert mailbox.pop() == []

    page.goto(_link(alert, base, "alerts/unsubscribe/"))
    page.get_by_role("button", name="알림 해지").click()
    assert page.get_by_role("heading", level=1).inner_text() == "알림을 해지했습니다"
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AlertSubscription)) == 0
