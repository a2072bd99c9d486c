"""A council with a confirmed June 2023 session, and readers that parse feeds as clients do."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from council_app.sessions.models import CouncilSession
from tests.calendars import factories


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
