"""The secretariat schedules an item for a committee, records 원안가결; a citizen follows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_secretariat_decides_in_committee_and_citizen_sees_the_timeline(page, browser, live_app):
    page.goto("/login")
    page.get_by_label("아이디").fill("secretariat")
    page.get_by_label("비밀번호").fill("demo-secretariat-2023")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/dashboard")

    page.goto("/agenda/new")
    page.get_by_label("안건명").fill("서울특별시 금천구 브라우저 시험 조례안(예시)")
    page.get_by_label("종류").select_option(label="조례안")
    page.get_by_label("접수일").fill("2023-06-01")
    page.get_by_role("button", name="저장").click()
    page.get_by_role(
        "heading", level=1, name="서울특별시 금천구 브라우저 시험 조례안(예시)"
    ).wait_for()
    item_url = page.url

    page.get_by_label("회부 위원회").select_option(label="행정재경위원회")
    page.get_by_label("회부일").fill("2023-06-08")
    page.get_by_role("button", name="회부").click()
    expect(page.get_by_text("위원회에 회부했습니다.")).to_be_visible()

    page.get_by_label("회의").select_option(label="2023. 6. 9.(금) 제1차 행정재경위원회")
    page.get_by_label("변경 사유").fill("추가 상정")
    page.get_by_role("button", name="의사일정에 올리기").click()
    page.get_by_role(
        "heading", level=1, name="제244회 정례회 제1차 행정재경위원회 의사일정"
    ).wait_for()

    form = page.locator("form.outcome-form").filter(has_text="브라우저 시험 조례안")
    form.get_by_label("결과", exact=True).select_option(label="원안가결")
    form.get_by_label("찬성").fill("3")
    form.get_by_role("button", name="결과 기록").click()
    expect(page.get_by_text("결과를 기록했습니다")).to_be_visible()

    citizen = browser.new_context(locale="ko-KR").new_page()
    citizen.goto(item_url)
    steps = citizen.locator(".timeline li")
    assert steps.count() == 3
    assert steps.nth(1).inner_text().endswith("행정재경위원회 회부")
    decision = steps.nth(2).get_by_role("link", name="제244회 정례회 제1차 행정재경위원회 원안가결")
    assert decision.get_attribute("href").startswith("/meetings/")
    assert "찬성 3" in steps.nth(2).inner_text()
    assert citizen.get_by_role("heading", name="의사팀 관리").count() == 0
    citizen.context.close()
