"""A citizen opens the demo calendar in a real browser: the month, a holiday, a filter, the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JUNE = "/calendar?year=2023&month=6"


def test_month_grid_shows_meeting_link_and_holiday(page):
    page.goto(JUNE)
    grid = page.get_by_role("table", name="2023년 6월 회의 일정, 일요일부터 토요일까지")
    expect(grid.get_by_role("columnheader", name="일요일")).to_be_visible()
    expect(grid.get_by_text("현충일")).to_be_visible()
    grid.get_by_role("link", name="제244회 정례회 제1차 본회의").click()
    page.wait_for_url("**/meetings/*")
    assert "제244회 정례회 제1차 본회의" in page.get_by_role("heading", level=1).inner_text()


def test_body_filter_shows_one_committee(page):
    page.goto(JUNE)
    page.get_by_label("회의체").select_option(label="행정재경위원회")
    page.get_by_role("button", name="보기").click()
    page.wait_for_url("**body=admin-finance**")
    main = page.locator("main")
    expect(
        main.get_by_role("link", name="제244회 정례회 제1차 행정재경위원회").first
    ).to_be_visible()
    assert main.get_by_role("link", name="제244회 정례회 제1차 본회의").count() == 0


def test_small_screen_gets_the_list_instead_of_the_grid(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(JUNE)
    expect(page.get_by_role("table")).to_be_hidden()
    listing = page.get_by_role("region", name="2023년 6월 회의 목록")
    expect(listing.get_by_role("heading", name="2023. 6. 8.(목)")).to_be_visible()
    expect(listing.get_by_role("link", name="제244회 정례회 제1차 본회의")).to_be_visible()


def test_subscribe_link_is_webcal(page):
    page.goto(JUNE)
    link = page.get_by_role("link", name="전체 회의 일정 구독")
    assert link.get_attribute("href").startswith("webcal://127.0.0.1:")
