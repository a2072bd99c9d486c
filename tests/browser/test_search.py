"""A citizen searches the minutes for 추가경정예산, narrows to a committee, reads the words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_citizen_finds_a_committee_speech_on_supplementary_budget(page):
    page.goto("/")
    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="회의록 검색").click()
    page.get_by_label("검색어", exact=True).fill("추가경정예산")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("검색 결과"))).to_be_visible()

    facets = page.locator(".facets li a")
    committee = next(name for name in facets.all_inner_texts() if name.endswith("위원회"))
    page.get_by_text("조건 더하기").click()
    page.get_by_label("본회의·위원회").select_option(label=committee)
    page.get_by_role("button", name="조건 적용").click()

    groups = page.locator(".hit-group")
    expect(groups.first.get_by_role("heading")).to_contain_text(committee)
    assert all(committee in text for text in groups.get_by_role("heading").all_inner_texts())
    hit = groups.first.locator(".hit-list li").first
    expect(hit.locator(".hit-snippet mark").first).to_have_text("추가경정예산")
    speaker = hit.locator(".hit-speaker").inner_text()
    hit.locator(".hit-speaker").click()

    page.wait_for_url(re.compile(r"/minutes/\d+\?.*#u-\d+$"))
    turn = page.locator("#" + page.url.rsplit("#", 1)[1])
    expect(turn).to_be_in_viewport()
    expect(turn).to_contain_text(speaker)
    # The searched word is marked in the turn, and the way back keeps the filter.
    expect(turn.locator("mark").first).to_have_text("추가경정예산")
    expect(page.get_by_role("button", name="인쇄")).to_be_visible()
    page.get_by_role("link", name="검색 결과로 돌아가기").click()
    page.wait_for_url(re.compile(r"/search\?"))
    expect(page.get_by_label("검색어", exact=True)).to_have_value("추가경정예산")
    assert all(committee in text for text in groups.get_by_role("heading").all_inner_texts())
