"""One log line per request: method, path, status, duration and user id, nothing more."""

from __future__ import annotations

import logging
import re

import pytest

LINE = re.compile(r"request (\S+) (\S+) (\d{3}) (\d+\.\d)ms user=(\S+)")


def _lines(caplog) -> list[tuple[str, ...]]:
    return [
        LINE.fullmatch(r.getMessage()).groups()
        for r in caplog.records
        if r.name == "council_app" and r.getMessage().startswith("request ")
    ]


def test_each_request_logs_one_line_without_query_or_names(
    app, council, client, make_user, login, caplog
):
    caplog.set_level(logging.INFO, logger="council_app")
    user = make_user("secretariat", username="clerk-kim")
    login(user)
    caplog.clear()
    client.get("/sessions/")
    client.post("/logout")
    lines = _lines(caplog)
    assert [(m, p, s, u) for m, p, s, _, u in lines] == [
        ("GET", "/sessions/", "200", str(user.id)),
        ("POST", "/logout", "302", str(user.id)),
    ]
    text = caplog.text
    assert "clerk-kim" not in text and "테스트" not in text


def test_anonymous_and_refused_requests_are_logged(app, client, caplog):
    caplog.set_level(logging.INFO, logger="council_app")
    client.get("/api/v1/search?q=홍길동&speaker=김의원")
    client.get("/no-such-page")
    lines = _lines(caplog)
    assert [(m, p, s, u) for m, p, s, _, u in lines] == [
        ("GET", "/api/v1/search", "200", "-"),
        ("GET", "/no-such-page", "404", "-"),
    ]
    assert "홍길동" not in caplog.text and "q=" not in caplog.text
    assert all(float(line[3]) >= 0 for line in lines)


@pytest.mark.app_config(REQUEST_LOG=False)
def test_the_log_can_be_switched_off(app, council, client, caplog):
    caplog.set_level(logging.INFO, logger="council_app")
    client.get("/sessions/")
    assert _lines(caplog) == []
