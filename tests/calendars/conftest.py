"""A council with a confirmed June 2023 session, and readers that parse feeds as clients do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from council_app.sessions.models import CouncilSession
from tests.calendars import factories

ICALJS = Path(__file__).parent / "js"


@pytest.fixture
def june(app) -> CouncilSession:
    """Return 제244회 정례회 (2023. 6. 8. ~ 6. 30.), confirmed, with no meetings yet."""
    factories.add_council()
    return factories.add_session()


@pytest.fixture
def feed(client):
    """Fetch a feed and parse it with icalendar, checking the response on the way."""

    def fetch(url: str) -> Calendar:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.content_type == "text/calendar; charset=utf-8"
        return Calendar.from_ical(response.data)

    return fetch


@pytest.fixture
def icaljs():
    """Return a reader that parses feed bytes with Mozilla's ical.js under node."""
    node = shutil.which("node")
    if not node or not (ICALJS / "node_modules" / "ical.js").is_dir():
        message = "node or ical.js missing: run `make setup-test` (npm ci in tests/calendars/js)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    def read(data: bytes) -> dict:
        # A reader far from Seoul shows that times carry their own zone.
        env = {"PATH": os.environ["PATH"], "TZ": "America/New_York"}
        result = subprocess.run(
            [node, ICALJS / "read_feed.mjs"], input=data, capture_output=True, env=env, check=True
        )
        return json.loads(result.stdout)

    return read
