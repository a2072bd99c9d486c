"""A citizen types a name or a bill number in the home box and reaches the member or the item."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _search_from_home(page, words: str) -> None:
    page.goto("/")
    page.get_by_role("search").get_by_label("회의록 검색").fill(words)
    page.get_by_role("search").get_by_role("button", name="검색").click()
    expect(page.get_by_role("heading", name="검색한 말과 맞는 의원·안건·회기·회의")).to_be_visible()


def test_a_name_in_the_home_box_reaches_the_members_page_and_turns(page):
    _search_from_home(page, "김가상")
    page.get_by_role("link", name="김가상 의원", exact=True).click()

    expect(page.get_by_role("heading", name="김가상 의원", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^출석"))).to_be_visible()
    rate = page.locator(".attendance-rates tbody tr").first
    expect(rate).to_contain_text("%")
    turns = page.locator("#speeches-title ~ .hit-group .hit-speaker")
    expect(turns.first).to_contain_text("김가상")
    turns.first.click()

    page.wait_for_url(re.compile(r"/minutes/\d+#u-\d+$"))
    turn = page.locator("#" + page.url.rsplit("#", 1)[1])
    expect(turn).to_contain_text("김가상")


def test_a_bill_number_in_the_home_box_reaches_the_item(page):
    _search_from_home(page, "제11호")
    item = page.locator(".lookup-items a").first
    title = item.inner_text()
    item.click()

    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("제11호")
