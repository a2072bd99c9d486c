"""Security headers on every response, and links that never come from a forged Host header."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from council_app import create_app
from council_app.core.security import configure_hosts
from tests.calendars import factories

BASE = "https://minutes.geumcheon.example"


@pytest.fixture
def june(app):
    factories.add_council()
    council_session = factories.add_session()
    factories.add_meeting(council_session)
    return council_session


def _uids(response) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {str(e["UID"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}


# Headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/login", "/search?q=예산", "/api/v1/sessions", "/calendar.ics", "/no/such/page"]
)
def test_every_response_carries_the_security_headers(client, june, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(client, june):
    for path in ("/", "/login", "/sessions/244", "/calendar?year=2023&month=6", "/search"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), path


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_is_sent_when_the_site_is_configured_for_https(app, client):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]


# Hosts -----------------------------------------------------------------------------------


def test_forged_host_is_refused_before_any_link_is_built(client, june):
    api = client.get("/api/v1/meetings", headers={"Host": "evil.example"})
    assert api.status_code == 400
    assert "evil.example" not in api.get_data(as_text=True)
    assert api.get_json()["errors"][0]["field"] == "Host"
    feed = client.get("/sessions/244.ics", headers={"Host": "evil.example"})
    assert feed.status_code == 400 and b"evil.example" not in feed.data
    page = client.get("/", headers={"Host": "evil.example"})
    assert page.status_code == 400


def test_local_hosts_keep_working_for_the_demo(client, june):
    for host in ("localhost", "127.0.0.1:5000"):
        meetings = client.get("/api/v1/meetings", headers={"Host": host}).get_json()["data"]
        assert meetings[0]["web"].startswith(f"http://{host}/meetings/")
    assert _uids(client.get("/sessions/244.ics")) == {
        f"session-{june.id}@localhost",
        f"meeting-{june.meetings[0].id}@localhost",
    }


def test_base_url_makes_every_link_and_uid_even_for_a_trusted_other_host(app, client, june):
    app.config["BASE_URL"] = BASE
    app.config["TRUSTED_HOSTS"] = ["evil.example", "localhost"]  # a careless operator
    headers = {"Host": "evil.example"}
    meeting = client.get("/api/v1/meetings", headers=headers).get_json()["data"][0]
    assert meeting["web"] == f"{BASE}/meetings/{meeting['id']}"
    council_session = client.get("/api/v1/sessions/244", headers=headers).get_json()
    assert council_session["web"] == f"{BASE}/sessions/244"
    assert council_session["meetings"].startswith(f"{BASE}/api/v1/meetings?")
    uids = _uids(client.get("/sessions/244.ics", headers=headers))
    assert uids == {
        f"session-{june.id}@minutes.geumcheon.example",
        f"meeting-{meeting['id']}@minutes.geumcheon.example",
    }
    feed = client.get("/sessions/244.ics", headers=headers).get_data(as_text=True)
    assert "evil.example" not in feed and f"URL:{BASE}/meetings/" in feed


def test_trusted_hosts_follow_the_base_url():
    config = {"BASE_URL": "https://minutes.geumcheon.example/", "TRUSTED_HOSTS": None}
    configure_hosts(config)
    assert config["BASE_URL"] == BASE
    assert config["TRUSTED_HOSTS"] == ["minutes.geumcheon.example", "localhost", "127.0.0.1"]
    with pytest.raises(ValueError, match="COUNCIL_BASE_URL"):
        configure_hosts({"BASE_URL": "minutes.geumcheon.example"})


def test_trusted_hosts_and_base_url_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNCIL_TRUSTED_HOSTS", '["minutes.geumcheon.example"]')
    monkeypatch.setenv("COUNCIL_BASE_URL", BASE)
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x"})
    assert app.config["TRUSTED_HOSTS"] == ["minutes.geumcheon.example"]
    assert app.config["BASE_URL"] == BASE
    assert app.test_client().get("/healthz").status_code == 400  # localhost is not listed


def test_an_https_base_url_makes_cookies_secure(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SECRET_KEY": "x",
            "BASE_URL": BASE,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
