"""Three gunicorn workers answer searches while minutes are published through the API."""

import datetime
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from council_app.auth import services as auth_services
from council_app.extensions import db
from council_app.minutes import versions
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync
from tests.search.conftest import BUDGET_MINUTES

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
QUERY, SPEAKER = urllib.parse.quote("추가경정예산"), urllib.parse.quote("김가상")
DRAFTS = 8
READERS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, token: str | None = None, payload: dict | None = None) -> tuple[int, dict]:
    """GET url, or POST payload as JSON; return the status and the JSON answer."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data)  # noqa: S310  (http://127.0.0.1 only)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (localhost)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}


@pytest.fixture
def gunicorn(app, tmp_path):
    """Serve the test app's database and index from three gunicorn worker processes."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "COUNCIL_DATABASE_URL": app.config["DATABASE_URL"],
        "COUNCIL_SEARCH_INDEX_PATH": app.config["SEARCH_INDEX_PATH"],
        "COUNCIL_INSTANCE_PATH": str(tmp_path / "instance"),
        "COUNCIL_SECRET_KEY": "concurrency-test",
        # The readers search far faster than any person; this test is about the index.
        "COUNCIL_RATELIMIT_ENABLED": "false",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "60", "wsgi:app"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if call(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield base, tmp_path / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_workers_search_while_another_publishes(app, make_meeting, make_user, gunicorn):
    gunicorn, log = gunicorn
    drafts = [
        versions.upload(
            make_meeting(datetime.date(2023, 1, 2 + n), "admin-finance"),
            UploadMinutes(text=BUDGET_MINUTES),
        ).minutes.id
        for n in range(DRAFTS)
    ]
    token = auth_services.issue_token(make_user("stenographer"))
    db.session.commit()
    sync.search_index()  # the workers find an index, so none of them rebuilds it
    statuses, totals = [], []
    publishing = threading.Event()
    publishing.set()

    def read():
        for _ in range(200):  # bounded, whatever happens to the publisher
            status, data = call(f"{gunicorn}/api/v1/search?q={QUERY}&speaker={SPEAKER}")
            statuses.append(status)
            totals.append(data.get("total"))
            if not publishing.is_set():
                return

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    late = {"reason": "시험: 기한 지난 회의록"}
    published = [call(f"{gunicorn}/api/v1/minutes/{i}/publish", token, late)[0] for i in drafts]
    publishing.clear()
    for reader in readers:
        reader.join(timeout=120)

    assert published == [200] * DRAFTS
    assert statuses and set(statuses) == {200}, log.read_text()[-3000:]
    # Readers saw the index grow one whole minutes at a time, never half of one.
    assert all(0 <= total <= DRAFTS for total in totals)
    # A publication that found the index busy is applied by the worker's catch-up thread,
    # right after its response: the last one may still be on its way.
    deadline = time.monotonic() + 20
    while (total := call(gunicorn + f"/api/v1/search?q={QUERY}&per_page=1")[1]["total"]) < DRAFTS:
        assert time.monotonic() < deadline, f"{total} of {DRAFTS} minutes found after 20 s"
        time.sleep(0.2)
    assert total == DRAFTS
    drift = sync.check()
    assert drift.in_step and drift.pending == 0
