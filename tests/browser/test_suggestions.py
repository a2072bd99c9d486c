"""A citizen mistypes 예산 as 얘산, or types 행재위 for 행정재경위원회, and still finds them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_citizen_who_types_a_slip_is_offered_the_word_meant(page):
    page.goto("/search")
    page.get_by_label("검색어", exact=True).fill("얘산")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.get_by_text("찾는 발언이 없습니다.")).to_be_visible()

    suggestions = page.locator(".search-suggestions")
    expect(suggestions).to_contain_text("이것을 찾으셨나요?")
    suggestions.get_by_role("link", name="예산", exact=True).click()

    page.wait_for_url(re.compile(r"/search\?q=%EC%98%88%EC%82%B0"))
    expect(page.get_by_label("검색어", exact=True)).to_have_value("예산")
    expect(page.locator(".hit-snippet mark").first).to_have_text("예산")
    expect(page.locator(".search-suggestions")).to_have_count(0)


def test_citizen_who_types_an_abbreviation_finds_the_full_name(page):
    page.goto("/search")
    page.get_by_label("검색어", exact=True).fill("행재위")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("검색 결과"))).to_be_visible()
    expect(page.locator(".hit-snippet mark").first).to_have_text("행정재경위원회")
    expect(page.locator(".search-suggestions")).to_have_count(0)
