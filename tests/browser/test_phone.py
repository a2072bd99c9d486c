"""A phone (390 × 844): one header row with a menu button, content in the first screen, cards."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from council_app.council.services import current_council
from council_app.extensions import db
from council_app.minutes.models import Utterance
from council_app.minutes.queries import latest_published

from .conftest import DEMO_PASSWORDS, serve_demo
from .test_accessibility import AXE, WCAG_21_AA

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts/screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_template):
    """Serve one demo for the module; name the newest minutes and the one with most headings."""
    with serve_demo(tmp_path_factory.mktemp("phone"), demo_template) as app:
        with app.app_context():
            published = latest_published(current_council(), limit=200)
            headings = {
                m.id: db.session.scalar(
                    select(func.count(func.distinct(Utterance.agenda_heading))).where(
                        Utterance.version_id == m.published_version.id
                    )
                )
                for m in published
            }
            ids = {"newest": published[0].id, "longest": max(headings, key=headings.get)}
            assert headings[ids["longest"]] >= 4  # a table of contents that used to fill a screen
        yield app.config["LIVE_URL"], ids


@pytest.fixture(scope="module")
def phone(browser, site):
    """Open a Korean phone-sized context on the demo."""
    base_url, _ = site
    context = browser.new_context(locale="ko-KR", base_url=base_url, viewport=PHONE)
    yield context
    context.close()


@pytest.fixture
def tab(phone):
    page = phone.new_page()
    yield page
    page.close()


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 AA) on the page; return each violation with where it is."""
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
            .violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))""",
        WCAG_21_AA,
    )


def top(page, selector: str) -> float:
    """Return the top of the first element matching ``selector``, from the top of the page."""
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().top")


#: What the header's row says in each language: the button, the menu's name, the switch.
HEADER_WORDS = {
    "ko": ("메뉴", "주 메뉴", "English", "회의록 검색"),
    "en": ("Menu", "Main menu", "한국어", "Search the minutes"),
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_header_is_one_row_with_a_menu_button(tab, lang):
    menu, menu_name, switch, search = HEADER_WORDS[lang]
    tab.goto(f"/?lang={lang}")
    header = tab.locator(".site-header").bounding_box()
    assert header["height"] <= 72
    button = tab.get_by_role("button", name=menu)
    assert button.get_attribute("aria-expanded") == "false"
    nav = tab.locator("#" + button.get_attribute("aria-controls"))
    assert nav.get_attribute("aria-label") == menu_name
    row = [
        tab.locator(".brand").bounding_box(),
        button.bounding_box(),
        tab.get_by_role("link", name=switch).bounding_box(),
    ]
    for box in row:
        assert (
            box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
        )
    assert not tab.get_by_role("link", name=search).is_visible()


def test_menu_button_opens_and_closes_with_the_keyboard(tab):
    tab.goto("/")
    button = tab.get_by_role("button", name="메뉴")
    # Skip link, the council's name, then the menu button.
    for _ in range(3):
        tab.keyboard.press("Tab")
    assert button.evaluate("el => el === document.activeElement")

    tab.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    sessions = tab.get_by_role("link", name="회기", exact=True)
    assert sessions.is_visible()
    tab.keyboard.press("Tab")
    assert sessions.evaluate("el => el === document.activeElement")
    # The open menu pushes the page down below the one row, it does not cover it.
    assert tab.locator("main").bounding_box()["y"] > sessions.bounding_box()["y"]

    tab.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.evaluate("el => el === document.activeElement")
    assert not sessions.is_visible()

    tab.keyboard.press(" ")
    assert button.get_attribute("aria-expanded") == "true"
    tab.get_by_role("link", name="회의록 검색").click()
    tab.wait_for_url("**/search")


def test_without_script_the_navigation_stays_open(browser, site):
    base_url, _ = site
    context = browser.new_context(
        locale="ko-KR", base_url=base_url, viewport=PHONE, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/")
        assert page.get_by_role("link", name="회의록 검색").is_visible()
        assert not page.locator(".menu-button").is_visible()
        page.goto("/search?q=예산")
        assert page.get_by_role("link", name="본회의", exact=True).first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_search_results_come_before_the_facets(tab, lang):
    tab.goto(f"/search?q=예산&lang={lang}")
    first_hit = tab.locator(".hit-group").first
    assert top(tab, ".hit-group") < PHONE["height"]
    assert first_hit.locator(".hit-snippet").first.is_visible()
    facet = tab.locator(".facets li a").first
    assert not facet.is_visible()
    tab.get_by_text({"ko": "필터", "en": "Filters"}[lang], exact=True).click()
    assert facet.is_visible()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("which", ["newest", "longest"])
def test_minutes_text_starts_in_the_first_screen(tab, site, which, lang):
    _, ids = site
    tab.goto(f"/minutes/{ids[which]}?lang={lang}")
    speech = tab.locator(".turn .speech p").first
    assert speech.is_visible()
    assert top(tab, ".turn .speech p") < PHONE["height"] - 24  # at least its first line
    # The table of contents is one line away.
    tab.get_by_text({"ko": "차례", "en": "Contents"}[lang], exact=True).click()
    assert tab.locator(".toc li a").first.is_visible()


@pytest.mark.parametrize("path", ["/agenda", "/sessions", "/minutes/{newest}"])
def test_tables_become_cards(tab, site, path):
    _, ids = site
    tab.goto(path.format(**ids))
    table = tab.locator("table.cards").first
    assert table.locator("thead").bounding_box()["height"] <= 1  # left for screen readers
    card = table.locator("tbody tr").first.bounding_box()
    assert card["width"] > PHONE["width"] * 0.8
    cells = table.locator("tbody td[data-label]")
    assert cells.count() > 0
    for index in range(min(cells.count(), 12)):
        box = cells.nth(index).bounding_box()
        assert box["width"] > card["width"] * 0.8  # one under the other, each with its name
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("path", ["/agenda", "/minutes/{newest}"])
def test_desktop_keeps_table_headers_on_one_line(browser, site, path):
    base_url, ids = site
    context = browser.new_context(
        locale="ko-KR", base_url=base_url, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(path.format(**ids))
        assert page.locator(".menu-button").is_hidden()
        assert page.get_by_role("link", name="회의록 검색").is_visible()
        lines = (
            page.locator("table.cards")
            .first.locator("thead th")
            .evaluate_all(
                """ths => ths.map(th => {
                const range = document.createRange();
                range.selectNodeContents(th);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            })"""
            )
        )
    finally:
        context.close()
    assert lines and all(count == 1 for count in lines)


PHONE_PAGES = {
    "home": "/",
    "search": "/search?q=예산",
    "minutes": "/minutes/{newest}",
    "agenda": "/agenda",
    "sessions": "/sessions",
}


def test_screenshots_of_the_first_screen(tab, site):
    """Save what a phone shows first to artifacts/screenshots/phone-*-390.png, for review."""
    _, ids = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PHONE_PAGES.items():
        tab.goto(path.format(**ids))
        target = SCREENSHOTS / f"phone-{name}-390.png"
        tab.screenshot(path=str(target))
        assert target.stat().st_size > 0
    tab.goto("/")
    tab.get_by_role("button", name="메뉴").click()
    tab.screenshot(path=str(SCREENSHOTS / "phone-menu-open-390.png"))


@pytest.mark.parametrize("menu", ["closed", "open"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_phone_pages_have_no_axe_violations(phone, site, lang, menu):
    if not AXE.exists():
        pytest.skip(f"axe-core not installed at {AXE}: run `npm ci --prefix tests/a11y/js`")
    _, ids = site
    page = phone.new_page()
    page.add_init_script(path=str(AXE))
    found = {}
    try:
        for name, path in (
            PHONE_PAGES | {"item": "/agenda?page=2", "plan": "/sessions/plan/2023"}
        ).items():
            url = path.format(**ids)
            page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            if menu == "open":
                page.locator(".menu-button").click()
            violations = axe_violations(page)
            if violations:
                found[name] = violations
    finally:
        page.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=2)


def test_staff_pages_on_a_phone_have_no_axe_violations(browser, site):
    """The stenographer's dashboard (its deadlines table as cards) and tokens page at 390 px."""
    if not AXE.exists():
        pytest.skip(f"axe-core not installed at {AXE}: run `npm ci --prefix tests/a11y/js`")
    base_url, _ = site
    context = browser.new_context(locale="ko-KR", base_url=base_url, viewport=PHONE)
    found = {}
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("아이디").fill("stenographer")
        page.get_by_label("비밀번호").fill(DEMO_PASSWORDS["stenographer"])
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url("**/dashboard")
        page.add_init_script(path=str(AXE))
        for path in ("/dashboard", "/account/tokens"):
            page.goto(path)
            page.get_by_role("button", name="메뉴").click()
            assert page.get_by_role("button", name=re.compile("로그아웃")).is_visible()
            violations = axe_violations(page)
            if violations:
                found[path] = violations
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=2)
