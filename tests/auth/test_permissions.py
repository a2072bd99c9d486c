"""Every write route × every role: the right role passes, others are refused.

New write routes join this matrix by themselves; a write route that names no permission
fails the first test.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from council_app import create_app
from council_app.auth.permissions import Permission, Role, role_allows

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Writes open to anyone (logging in; asking for and ending mail alerts, which need no
#: account) or to any logged-in user (logging out).
OPEN_WRITES = {"auth.login", "auth.logout", "alerts.new", "alerts.unsubscribe"}


def _write_routes():
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITE_METHODS):
            if rule.endpoint in OPEN_WRITES:
                continue
            url = rule.rule
            for argument in rule.arguments:
                number = isinstance(rule._converters[argument], IntegerConverter)
                url = url.replace(
                    f"<{'int:' if number else ''}{argument}>",
                    "999999" if number else "no-such-thing",
                )
                url = url.replace(f"<{argument}>", "no-such-thing")
            routes.append((rule.endpoint, method, url, app.view_functions[rule.endpoint]))
    return routes


WRITE_ROUTES = _write_routes()


def test_there_are_write_routes_to_check():
    assert len(WRITE_ROUTES) >= 2


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "view"),
    WRITE_ROUTES,
    ids=[f"{m} {e}" for e, m, _, _ in WRITE_ROUTES],
)
def test_every_write_route_names_a_permission(endpoint, method, url, view):
    assert isinstance(getattr(view, "required_permission", None), Permission), (
        f"{endpoint} writes but does not use @permission_required"
    )


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(
    ("endpoint", "method", "url", "view"),
    WRITE_ROUTES,
    ids=[f"{m} {e}" for e, m, _, _ in WRITE_ROUTES],
)
def test_write_route_refuses_the_wrong_roles(
    app, client, make_user, login, role, endpoint, method, url, view
):
    if role is not None:
        login(make_user(role.value))
    response = client.open(url, method=method, json={} if url.startswith("/api/") else None)
    if role is None:
        expected = 401 if url.startswith("/api/") else 302
        assert response.status_code == expected
        if expected == 302:
            assert "/login" in response.headers["Location"]
    elif role_allows(role, view.required_permission):
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403
        if url.startswith("/api/"):
            assert response.get_json()["errors"][0]["message"] == "이 작업을 할 권한이 없습니다."
