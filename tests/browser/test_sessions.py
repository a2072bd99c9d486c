"""The secretariat plans a session in a real browser: refused at 16 days, saved at 15."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_sixteen_days_refused_fifteen_days_planned(page, log_in):
    log_in("secretariat")
    page.goto("/sessions")
    page.get_by_role("link", name="새 회기").click()
    page.get_by_label("회기 번호").fill("248")
    page.get_by_label("회기 종류").select_option("extraordinary")
    page.get_by_label("시작일(집회일)").fill("2027-03-04")
    page.get_by_label("종료일").fill("2027-03-19")
    page.get_by_role("button", name="저장").click()
    error = page.locator("#end-error")
    assert error.inner_text() == "임시회 회기는 15일 이내여야 합니다 (입력: 16일)"
    assert page.get_by_label("종료일").get_attribute("aria-invalid") == "true"

    page.get_by_label("종료일").fill("2027-03-18")
    page.get_by_role("button", name="저장").click()
    page.wait_for_url("**/sessions/248")
    assert page.get_by_role("heading", level=1).inner_text().startswith("제248회 임시회")

    page.goto("/sessions/plan/2027")
    assert page.locator("#plan-summary").inner_text() == (
        "총 1회 15일 [정례회 0회 0일 / 임시회 1회 15일]"
    )
    row = page.get_by_role("row", name="제248회 임시회")
    assert "3. 4.(목) ~ 3. 18.(목)" in row.inner_text()
