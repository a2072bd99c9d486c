"""Every public and staff page passes axe-core (WCAG 2.1 AA), fits a phone, and is photographed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from council_app.agenda.models import AgendaItem
from council_app.council.models import Member
from council_app.council.services import current_council
from council_app.extensions import db
from council_app.minutes.queries import latest_published

from .conftest import DEMO_PASSWORDS, serve_demo

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests/a11y/js/node_modules/axe-core/axe.min.js"
SCREENSHOTS = ROOT / "artifacts/screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PUBLIC = {
    "home": "/",
    "sessions": "/sessions",
    "plan": "/sessions/plan/2023",
    "session": "/sessions/{session}",
    "meeting": "/meetings/{meeting}",
    "agenda": "/agenda",
    "item": "/agenda/{item}",
    "calendar": "/calendar?year=2023&month=6",
    "minutes": "/minutes/{minutes}",
    "compliance": "/minutes/compliance?year=2023",
    "login": "/login",
    "search": "/search?q=추가경정예산",
    "search-empty": "/search?q=없는낱말없는낱말",
    "alerts": "/alerts/new?q=주차",
    "search-member": "/search?q=김가상",
    "members": "/members",
    "member": "/members/{member}",
    "not-found": "/no/such/page",
    "api-docs": "/api/v1/docs",
}
STAFF = {
    "secretariat": {
        "dashboard": "/dashboard",
        "new-session": "/sessions/new",
        "new-meeting": "/sessions/{session}/meetings/new",
        "edit-meeting": "/meetings/{meeting}/edit",
        "session-manage": "/sessions/{session}",
        "new-item": "/agenda/new",
        "edit-item": "/agenda/{item}/edit",
        "item-manage": "/agenda/{item}",
        "order-of-business": "/meetings/{meeting}/order-of-business",
        "holidays": "/holidays",
        "tokens": "/account/tokens",
    },
    "stenographer": {
        "dashboard": "/dashboard",
        "upload": "/meetings/{meeting}/minutes/new",
        "minutes-manage": "/minutes/{minutes}",
        "minutes-preview": "/minutes/{minutes}/preview",
        "tokens": "/account/tokens",
    },
}
#: The pages a citizen reaches most, checked for width and photographed.
MAIN_PAGES = [
    "home",
    "sessions",
    "plan",
    "session",
    "meeting",
    "agenda",
    "item",
    "calendar",
    "minutes",
]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, demo_template):
    """Serve one demo site for the whole module (read-only tests) and name its sample pages."""
    with serve_demo(tmp_path_factory.mktemp("a11y"), demo_template) as app:
        with app.app_context():
            minutes = latest_published(current_council())[0]
            meeting = minutes.meeting
            item = db.session.scalar(select(AgendaItem).order_by(AgendaItem.id))
            ids = {
                "session": meeting.council_session.number,
                "meeting": meeting.id,
                "item": item.id,
                "minutes": minutes.id,
                "member": db.session.scalar(select(Member.id).where(Member.name == "김가상")),
            }
        yield app.config["LIVE_URL"], ids


@pytest.fixture(scope="module")
def axe_source():
    """Return the path of axe.min.js, installed by ``make setup-test`` (npm ci)."""
    if not AXE.exists():
        message = f"axe-core not installed at {AXE}: run `npm ci --prefix tests/a11y/js`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


@pytest.fixture(scope="module")
def contexts(browser, demo_site):
    """Open one browser context per visitor: a citizen and each staff role, logged in."""
    base_url, _ = demo_site
    opened = {}

    def get(role: str):
        if role not in opened:
            context = browser.new_context(locale="ko-KR", base_url=base_url)
            if role != "citizen":
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("아이디").fill(role)
                page.get_by_label("비밀번호").fill(DEMO_PASSWORDS[role])
                page.get_by_role("button", name="로그인").click()
                page.wait_for_url("**/dashboard")
                page.close()
            opened[role] = context
        return opened[role]

    yield get
    for context in opened.values():
        context.close()


def _cases():
    cases = [pytest.param("citizen", path, id=f"public-{name}") for name, path in PUBLIC.items()]
    cases += [
        pytest.param(role, path, id=f"{role}-{name}")
        for role, pages in STAFF.items()
        for name, path in pages.items()
    ]
    return cases


def _violations(page) -> list[dict]:
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        WCAG_21_AA,
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("role", "path"), _cases())
def test_page_has_no_axe_violations(contexts, demo_site, axe_source, role, path, lang):
    _, ids = demo_site
    page = contexts(role).new_page()
    # The site's CSP allows no inline script, so axe comes in as an init script, which the
    # browser runs outside the page's policy; anything the policy blocks is reported.
    page.add_init_script(path=axe_source)
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )
    try:
        url = path.format(**ids)
        page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
        violations = _violations(page)
    finally:
        page.close()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=2)
    assert blocked == []


@pytest.mark.parametrize("width", [360, 640])
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_page_fits_a_phone_and_200_percent_zoom(browser, demo_site, name, width):
    """At 360 px (a small phone) and 640 px (1280 px at 200 % zoom) nothing scrolls sideways."""
    base_url, ids = demo_site
    context = browser.new_context(
        locale="ko-KR", base_url=base_url, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(PUBLIC[name].format(**ids))
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert scroll_width <= width


def test_keyboard_user_can_skip_to_content_and_sees_focus(contexts):
    page = contexts("citizen").new_page()
    try:
        page.goto("/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="본문 바로가기")
        assert skip.evaluate("el => el === document.activeElement")
        assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_main_pages(browser, demo_site, width):
    """Save full-page screenshots to artifacts/screenshots for review (Korean and English)."""
    base_url, ids = demo_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        locale="ko-KR", base_url=base_url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        for name in MAIN_PAGES:
            for lang in ("ko", "en"):
                url = PUBLIC[name].format(**ids)
                page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
                target = SCREENSHOTS / f"{name}-{lang}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 0
    finally:
        context.close()
