"""A live server on a demo database, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from council_app import create_app
from council_app.demo import loader
from tests.demo_template import DemoTemplate, demo_config

CHROMIUM = os.environ.get("COUNCIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium headless with a fresh profile (Playwright never downloads one)."""
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: run the README's test command"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@contextmanager
def serve_demo(folder: Path, template: DemoTemplate, *, example_session: bool = True):
    """Serve a copy of the demo (and its search index) kept in ``folder`` on a free port."""
    source = template.build(example_session)
    shutil.copyfile(source / "demo.sqlite3", folder / "demo.sqlite3")
    shutil.copytree(source / "search-index", folder / "search-index")
    app = create_app({**demo_config(folder), "SECRET_KEY": "browser-test"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path, demo_template):
    """Serve a demo-loaded app that this test may change."""
    with serve_demo(tmp_path, demo_template) as app:
        yield app


@pytest.fixture
def page(browser, live_app):
    """Open a fresh browser context (no cookies) in Korean."""
    context = browser.new_context(locale="ko-KR", base_url=live_app.config["LIVE_URL"])
    page = context.new_page()
    yield page
    context.close()


DEMO_PASSWORDS = {username: password for username, password, _ in loader.DEMO_USERS}


@pytest.fixture
def log_in(page):
    """Log a demo account in through the login form."""

    def do(username: str) -> None:
        page.goto("/login")
        page.get_by_label("아이디").fill(username)
        page.get_by_label("비밀번호").fill(DEMO_PASSWORDS[username])
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url("**/dashboard")

    return do
