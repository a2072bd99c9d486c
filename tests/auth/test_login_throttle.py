"""Guessers are slowed per (account, address) and per address; the real user is never locked out."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from council_app import create_app
from council_app.auth.services import backoff
from council_app.core.time import KST
from tests.conftest import PASSWORD

MOMENT = datetime(2023, 6, 8, 23, 59, tzinfo=KST)
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OFFICE = {"REMOTE_ADDR": "198.51.100.7"}


def _try(client, username: str, password: str, address: dict):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base=address
    )


def _fail(client, username: str, address: dict, clock) -> None:
    """Fail once to log in, waiting out any throttle first, as a patient guesser does."""
    response = _try(client, username, "wrong-password", address)
    if response.status_code == 429:
        clock.shift(timedelta(seconds=int(response.headers["Retry-After"])))
        response = _try(client, username, "wrong-password", address)
    assert response.status_code == 401


@pytest.fixture
def clock():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def test_five_wrong_passwords_from_one_address_leave_the_owner_free_elsewhere(
    app, make_user, clock
):
    make_user("secretariat", username="secretariat")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        _fail(attacker, "secretariat", ATTACKER, clock)
    refused = _try(attacker, "secretariat", PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "8"
    response = _try(owner, "secretariat", PASSWORD, OFFICE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert owner.get("/dashboard", environ_base=OFFICE).status_code == 200


def test_made_up_names_from_one_address_do_not_lock_the_stenographer_out(app, make_user, clock):
    make_user("stenographer", username="stenographer")
    attacker, owner = app.test_client(), app.test_client()
    for n in range(15):
        _fail(attacker, f"made-up-{n}", ATTACKER, clock)
    # The address that guessed waits (2^6 s after 15 failures, 10 of them free)…
    refused = _try(attacker, "stenographer", PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "64"
    # …the stenographer elsewhere does not.
    assert _try(owner, "stenographer", PASSWORD, OFFICE).status_code == 302


def test_the_wait_doubles_with_each_failure(client, make_user, clock):
    user = make_user()
    for _ in range(3):
        assert _try(client, user.username, "wrong-password", ATTACKER).status_code == 401
    waits = []
    for _ in range(4):
        refused = _try(client, user.username, PASSWORD, ATTACKER)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.shift(timedelta(seconds=waits[-1]))
        assert _try(client, user.username, "wrong-password", ATTACKER).status_code == 401
    assert waits == [2, 4, 8, 16]


def test_a_success_starts_the_count_afresh(client, make_user, clock):
    user = make_user()
    for _ in range(5):
        _fail(client, user.username, ATTACKER, clock)
    clock.shift(timedelta(seconds=8))
    assert _try(client, user.username, PASSWORD, ATTACKER).status_code == 302
    client.post("/logout", environ_base=ATTACKER)
    for _ in range(2):
        assert _try(client, user.username, "wrong-password", ATTACKER).status_code == 401
    assert _try(client, user.username, PASSWORD, ATTACKER).status_code == 302


def test_after_the_wait_the_owner_logs_in_from_the_same_address(client, make_user, clock):
    user = make_user()
    for _ in range(6):
        _fail(client, user.username, ATTACKER, clock)
    refused = _try(client, user.username, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "16"
    clock.shift(timedelta(seconds=16))
    assert _try(client, user.username, PASSWORD, ATTACKER).status_code == 302


def test_hammering_during_the_wait_does_not_lengthen_it(client, make_user, clock):
    user = make_user()
    for _ in range(4):
        _fail(client, user.username, ATTACKER, clock)
    for _ in range(20):
        refused = _try(client, user.username, "wrong-password", ATTACKER)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "4"
    clock.shift(timedelta(seconds=4))
    assert _try(client, user.username, PASSWORD, ATTACKER).status_code == 302


def test_the_wait_is_capped_and_failures_are_forgotten_after_the_window(
    app, client, make_user, clock
):
    user = make_user()
    for _ in range(30):
        _try(client, user.username, "wrong-password", ATTACKER)
        clock.shift(timedelta(minutes=15))
    refused = _try(client, user.username, "wrong-password", ATTACKER)
    # 30 failures, far past the doubling: one try per 15 minutes at most.
    assert refused.status_code == 401
    assert int(_try(client, user.username, PASSWORD, ATTACKER).headers["Retry-After"]) == 900
    clock.shift(app.config["LOGIN_FAILURE_WINDOW"])
    assert _try(client, user.username, PASSWORD, ATTACKER).status_code == 302


def test_backoff_doubles_after_the_free_failures_up_to_the_cap():
    cap = timedelta(minutes=15)
    assert [backoff(n, 3, cap).total_seconds() for n in range(1, 8)] == [0, 0, 2, 4, 8, 16, 32]
    assert backoff(10_000, 3, cap) == cap


def test_durations_from_the_environment_are_seconds(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNCIL_LOGIN_MAX_DELAY", "600")
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x"})
    assert app.config["LOGIN_MAX_DELAY"] == timedelta(minutes=10)
    assert app.config["LOGIN_FAILURE_WINDOW"] == timedelta(days=1)


@pytest.mark.app_config(PROXY_FIX_HOPS=1)
def test_behind_one_proxy_each_client_is_throttled_by_its_own_address(app, make_user, clock):
    make_user("secretariat", username="secretariat")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        response = attacker.post(
            "/login",
            data={"username": "secretariat", "password": "wrong-password"},
            environ_base=proxy,
            headers={"X-Forwarded-For": ATTACKER["REMOTE_ADDR"]},
        )
        if response.status_code == 429:
            clock.shift(timedelta(seconds=int(response.headers["Retry-After"])))
    response = owner.post(
        "/login",
        data={"username": "secretariat", "password": PASSWORD},
        environ_base=proxy,
        headers={"X-Forwarded-For": OFFICE["REMOTE_ADDR"]},
    )
    assert response.status_code == 302
