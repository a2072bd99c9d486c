"""CSRF on every form, and personal API tokens for the JSON API."""

from __future__ import annotations

import re

import pytest

from council_app.auth import services
from council_app.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def test_login_form_without_csrf_token_is_refused(csrf_app, client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_login_form_with_csrf_token_works(csrf_app, client, make_user):
    user = make_user()
    token = _csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_api_write_with_cookie_but_no_csrf_is_refused(csrf_app, client, make_user):
    user = make_user()
    token = _csrf_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    response = client.post("/api/v1/bodies")
    assert response.status_code in (400, 405)
    if response.status_code == 400:
        assert response.get_json()["errors"][0]["message"]


def test_token_is_shown_once_and_stored_hashed(client, make_user, login):
    user = make_user("secretariat")
    login(user)
    page = client.post("/account/tokens", data={"name": "연동"}).get_data(as_text=True)
    token = re.search(r'id="new-token">([^<]+)<', page)[1]
    assert token.startswith("cnl_")
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    db.session.refresh(user)
    assert user.tokens[0].digest != token and len(user.tokens[0].digest) == 64


def test_bearer_token_authenticates_and_revocation_ends_it(app, make_user):
    user = make_user("secretariat")
    token = services.issue_token(user, "script")
    db.session.commit()
    assert services.user_for_token(token).id == user.id
    services.revoke_token(user, user.tokens[0].id)
    db.session.commit()
    assert services.user_for_token(token) is None
    assert services.user_for_token("cnl_made-up") is None
    assert services.user_for_token("garbage") is None


def test_revoking_someone_elses_token_is_404(client, make_user, login):
    owner = make_user("secretariat")
    services.issue_token(owner, "mine")
    db.session.commit()
    login(make_user("stenographer"))
    assert client.post(f"/account/tokens/{owner.tokens[0].id}/revoke").status_code == 404
