"""Logging in and out, and slowing down guessers."""

from __future__ import annotations

from datetime import datetime

import time_machine
from sqlalchemy import select

from council_app.auth.models import LoginAttempt
from council_app.core.time import KST
from council_app.extensions import db
from tests.conftest import PASSWORD

WRONG = "아이디 또는 비밀번호가 맞지 않습니다."
MOMENT = datetime(2023, 6, 8, 9, 0, tzinfo=KST)


def test_login_page_is_korean_with_labels(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert 'for="username"' in page and "아이디" in page
    assert 'for="password"' in page and "비밀번호" in page


def test_login_goes_to_the_role_dashboard(client, make_user):
    user = make_user("stenographer")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "작성할 회의록" in page and "속기" in page


def test_wrong_password_and_unknown_user_look_the_same(client, make_user):
    user = make_user()
    wrong = client.post("/login", data={"username": user.username, "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG in wrong.get_data(as_text=True)
    assert WRONG in unknown.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still logged out


def test_account_is_throttled_after_five_failures(app, client, make_user):
    user = make_user()
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(5):
            client.post("/login", data={"username": user.username, "password": "wrong-password"})
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    # Three failures were counted; the fourth and fifth came before the 2 s wait was over.
    assert "로그인 실패가 너무 많습니다. 2초 뒤에" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "2"
    assert (
        client.get("/dashboard").status_code == 302
    )  # from this address, even the right one waits


def test_address_is_throttled_across_accounts(app, client, make_user):
    app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"] = 3
    user = make_user()
    with time_machine.travel(MOMENT, tick=False):
        for name in ("a-user", "b-user", "c-user"):
            client.post("/login", data={"username": name, "password": "wrong-password"})
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_attempts_are_recorded(client, make_user):
    user = make_user()
    client.post("/login", data={"username": user.username, "password": "wrong-password"})
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    outcomes = db.session.scalars(select(LoginAttempt.succeeded).order_by(LoginAttempt.id)).all()
    assert outcomes == [False, True]


def test_logout_needs_post_and_ends_the_session(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_open_redirect_after_login_is_refused(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=https://evil.example/", data={"username": user.username, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/dashboard")


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401


def test_password_is_stored_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
