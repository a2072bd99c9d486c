"""Rate limits: a flood of searches, logins, API writes or feed fetches gets 429 with Retry-After."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import time_machine

from council_app import create_app
from council_app.auth import services
from council_app.core.time import KST
from council_app.extensions import db

ON = pytest.mark.app_config(RATELIMIT_ENABLED=True)
MOMENT = datetime(2023, 6, 8, 10, 0, tzinfo=KST)


def _statuses(responses) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


@ON
def test_300_quick_searches_meet_429_with_retry_after(client):
    with time_machine.travel(MOMENT, tick=False):
        responses = [
            client.get("/search?q=예산" if i % 2 else "/api/v1/search?q=예산") for i in range(300)
        ]
    counts = _statuses(responses)
    assert counts[200] == 60 and counts[429] == 240  # "60 per minute", page and API together
    page = next(r for r in responses if r.status_code == 429 and r.mimetype == "text/html")
    assert "요청이 너무 많습니다" in page.get_data(as_text=True)
    assert 0 < int(page.headers["Retry-After"]) <= 61  # the minute, rounded up
    api = next(r for r in responses if r.status_code == 429 and r.mimetype == "application/json")
    assert "요청이 너무 많습니다" in api.get_json()["errors"][0]["message"]
    assert 0 < int(api.headers["Retry-After"]) <= 61  # the minute, rounded up


@ON
def test_search_works_again_once_retry_after_has_passed(client):
    with time_machine.travel(MOMENT, tick=False) as clock:
        for _ in range(60):
            assert client.get("/search?q=예산").status_code == 200
        refused = client.get("/search?q=예산")
        assert refused.status_code == 429
        clock.shift(timedelta(seconds=int(refused.headers["Retry-After"]) + 1))
        assert client.get("/search?q=예산").status_code == 200


@ON
def test_each_address_has_its_own_budget(client):
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(61):
            client.get("/search?q=예산")
        other = client.get("/search?q=예산", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
def test_login_posts_are_limited_per_address(client):
    with time_machine.travel(MOMENT, tick=False):
        tries = [
            client.post("/login", data={"username": f"guess{i}", "password": "x" * 12})
            for i in range(4)
        ]
        assert [r.status_code for r in tries] == [401, 401, 401, 429]
        assert tries[-1].headers["Retry-After"]
        assert client.get("/login").status_code == 200  # reading the form is not limited


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_API_WRITE="2 per minute")
def test_api_writes_are_limited_and_reads_are_not(client, make_user):
    token = services.issue_token(make_user("secretariat"), "script")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    with time_machine.travel(MOMENT, tick=False):
        writes = [client.post("/api/v1/sessions", json={}, headers=headers) for _ in range(3)]
        assert [r.status_code for r in writes][-1] == 429
        assert writes[0].status_code != 429 and writes[1].status_code != 429
        assert int(writes[-1].headers["Retry-After"]) > 0
        assert writes[-1].get_json()["errors"][0]["message"]
        assert client.get("/api/v1/bodies").status_code != 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_SUBSCRIPTION="2 per hour")
def test_calendar_feeds_are_limited_as_subscriptions(client):
    with time_machine.travel(MOMENT, tick=False):
        statuses = [client.get("/calendar.ics").status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]


def test_limits_are_off_in_the_other_tests(app, client):
    assert app.config["RATELIMIT_ENABLED"] is False
    assert _statuses(client.get("/search?q=예산") for _ in range(70)) == {200: 70}


def test_redis_storage_shares_the_count_between_workers(tmp_path):
    """Two app processes (here: two apps) on one Redis see one budget."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "x",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        # A prefix of this run's own, so parallel runs never share counts.
        "RATELIMIT_KEY_PREFIX": f"council-test-{uuid.uuid4().hex}",
        "RATELIMIT_SEARCH": "3 per minute",
        "RATELIMIT_SWALLOW_ERRORS": False,  # an unreachable Redis fails the test
    }
    first, second = (
        create_app(settings | {"DATABASE_URL": f"sqlite:///{tmp_path / f'{n}.sqlite3'}"})
        for n in ("a", "b")
    )
    assert first.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    with first.app_context():
        db.create_all()
        assert [first.test_client().get("/search").status_code for _ in range(3)] == [200] * 3
    with second.app_context():
        db.create_all()
        refused = second.test_client().get("/search")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
