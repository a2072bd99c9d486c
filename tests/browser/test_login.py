"""A secretary logs in with a real browser and lands on the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_secretariat_logs_in_and_sees_the_dashboard(page):
    page.goto("/")
    page.get_by_role("link", name="직원 로그인").click()
    page.get_by_label("아이디").fill("secretariat")
    page.get_by_label("비밀번호").fill("demo-secretariat-2023")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith("업무 현황")
    expect(page.get_by_text("의사팀(예시)님, 환영합니다.")).to_be_visible()


def test_wrong_password_shows_korean_error_in_browser(page):
    page.goto("/login")
    page.get_by_label("아이디").fill("secretariat")
    page.get_by_label("비밀번호").fill("not-the-password")
    page.get_by_role("button", name="로그인").click()
    error = page.locator(".field-error")
    expect(error).to_have_text("아이디 또는 비밀번호가 맞지 않습니다.")
    assert page.get_by_label("비밀번호").get_attribute("aria-invalid") == "true"


def test_skip_link_is_first_and_reaches_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "본문 바로가기"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
