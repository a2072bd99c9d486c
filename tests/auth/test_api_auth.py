"""The API judges a request by its Authorization header alone, never by the cookie beside it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from council_app.auth import services
from council_app.auth.models import User
from council_app.auth.permissions import role_allows
from council_app.core.models import AuditEvent
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.minutes.models import Minutes, MinutesStatus
from tests.conftest import PASSWORD

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BAD_HEADERS = ["Bearer garbage", "Bearer cnl_made-up-token", "Basic YWRtaW46YWRtaW4=", "x", ""]


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _log_in_with_csrf(client, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302


def api_write_routes(app) -> list[tuple[str, str, object]]:
    """Return (method, URL, permission) for every API write route, ids filled with 1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        for method in sorted(rule.methods & WRITE_METHODS):
            url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
            routes.append((method, url, permission))
    return routes


def test_every_api_write_route_names_a_permission(app):
    routes = api_write_routes(app)
    assert len(routes) >= 13
    assert all(permission is not None for _, _, permission in routes), routes


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_admin_cookie_with_a_bad_header_is_refused_on_every_write_route(
    csrf_app, client, make_user, header
):
    _log_in_with_csrf(client, make_user("admin").username)
    for method, url, _ in api_write_routes(csrf_app):
        response = client.open(url, method=method, json={}, headers={"Authorization": header})
        assert response.status_code == 401, (method, url, response.get_data(as_text=True))
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["errors"][0]["field"] == "Authorization"


def test_admin_cookie_and_garbage_bearer_cannot_finalize_minutes(csrf_app, client, demo):
    minutes = db.session.scalar(
        select(Minutes).where(Minutes.status == MinutesStatus.PROVISIONAL).order_by(Minutes.id)
    )
    _log_in_with_csrf(client, "admin", "demo-admin-2023")
    response = client.post(
        f"/api/v1/minutes/{minutes.id}/finalize", headers={"Authorization": "Bearer garbage"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).status is MinutesStatus.PROVISIONAL


def test_a_bad_header_is_refused_on_reads_too(client):
    response = client.get("/api/v1/sessions", headers={"Authorization": "Basic eDp5"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_stenographer_cookie_with_secretariat_token_acts_as_the_secretariat(
    csrf_app, client, make_user
):
    secretariat = make_user("secretariat")
    token = services.issue_token(secretariat, "script")
    db.session.commit()
    _log_in_with_csrf(client, make_user("stenographer").username)
    for method, url, permission in api_write_routes(csrf_app):
        response = client.open(
            url, method=method, json={}, headers={"Authorization": f"Bearer {token}"}
        )
        if role_allows(secretariat.role, permission):
            # Past the permission check (the ids may not exist: 404 or 422, never 401/403).
            assert response.status_code not in (400, 401, 403), (method, url)
        else:
            assert response.status_code == 403, (method, url)


def test_a_change_made_with_a_token_is_recorded_as_the_token_owners(csrf_app, client, demo):
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    secretariat = db.session.scalar(select(User).where(User.username == "secretariat"))
    token = services.issue_token(secretariat, "script")
    db.session.commit()
    _log_in_with_csrf(client, "stenographer", "demo-steno-2023")
    response = client.patch(
        f"/api/v1/meetings/{meeting.id}",
        json={"note": "토큰으로 고친 비고"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert entry.actor_id == secretariat.id


def test_cookie_write_without_csrf_token_is_refused(csrf_app, client, make_user):
    _log_in_with_csrf(client, make_user("admin").username)
    response = client.post("/api/v1/minutes/1/finalize")
    assert response.status_code == 400
    assert "보안 토큰" in response.get_json()["errors"][0]["message"]


def test_anonymous_write_is_told_to_bring_a_bearer_token(client):
    response = client.post("/api/v1/minutes/1/finalize")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_still_works_on_its_own(client, make_user):
    user = make_user("secretariat")
    token = services.issue_token(user, "script")
    db.session.commit()
    response = client.post(
        "/api/v1/minutes/1/finalize", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403  # the secretariat may not finalize minutes
