"""Two servers on one PostgreSQL, each with its own index: what one publishes, both find.

The nodes run as docs/deploy.md runs them: ``gunicorn -c gunicorn.conf.py wsgi:app`` with
``COUNCIL_BIND``, ``COUNCIL_SEARCH_INDEX_PATH`` of their own and the files in the database,
and ``flask --app council_app search check`` to see that each index is in step.
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from council_app.auth import services as auth_services
from council_app.extensions import db
from council_app.minutes import versions
from council_app.minutes.versions import UploadMinutes
from tests.search.conftest import BUDGET_MINUTES
from tests.search.test_concurrency import REPO_ROOT, call, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

#: What the issue asks of the other node: each change found there within this many seconds.
CONVERGE_SECONDS = 5.0
WALK = urllib.parse.quote("보행환경")


class Node:
    """One server: a gunicorn master and its two workers, in a process group of their own."""

    def __init__(self, app, folder, name):
        self.folder = folder / name
        self.folder.mkdir()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "COUNCIL_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "COUNCIL_DATABASE_URL": app.config["DATABASE_URL"],
            "COUNCIL_FILE_STORE": "database",
            "COUNCIL_SEARCH_INDEX_PATH": str(self.folder / "search-index"),
            "COUNCIL_INSTANCE_PATH": str(self.folder / "instance"),
            "COUNCIL_SECRET_KEY": "two-nodes-test",
            "COUNCIL_RATELIMIT_ENABLED": "false",
            # Each node looks for the other's changes as in production.
            "COUNCIL_SEARCH_POLL_SECONDS": "1",
        }
        self.process = None
        self.log = self.folder / "gunicorn.log"

    def start(self):
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = call(self.base + "/healthz")[1]
                index = health.get("search_index", {})
                if index.get("exists") and not index.get("rebuilding"):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{self.base} did not start: {self.log.read_text()[-3000:]}")

    def kill(self):
        """Kill the master and its workers at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def found(self, query=WALK) -> set[int]:
        status, body = call(f"{self.base}/api/v1/search?q={query}")
        assert status == 200, body
        return {hit["minutes_id"] for hit in body["data"]}

    def search_check(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "council_app", "search", "check"],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def post(url, token, form=None, payload=None):
    """POST a form or JSON with the token; return the status and the JSON answer."""
    if form is not None:
        data, kind = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    else:
        data, kind = json.dumps(payload or {}).encode(), "application/json"
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310  (localhost)
    request.add_header("Content-Type", kind)
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (localhost)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def converges(node, expected, query=WALK) -> float:
    """Return the seconds until ``node`` answers ``query`` with ``expected`` minutes."""
    start = time.monotonic()
    while (seen := node.found(query)) != expected:
        waited = time.monotonic() - start
        assert waited < CONVERGE_SECONDS, f"{node.base}: {seen} after {waited:.1f} s"
        time.sleep(0.1)
    waited = time.monotonic() - start
    print(f"{node.base} answered {urllib.parse.unquote(query)} as expected after {waited:.2f} s")
    return waited


@pytest.fixture
def nodes(app, tmp_path):
    one, two = Node(app, tmp_path, "one"), Node(app, tmp_path, "two")
    try:
        one.start()
        two.start()
        yield one, two
    finally:
        one.stop()
        two.stop()


def test_what_one_node_publishes_corrects_and_withdraws_the_other_finds(
    app, make_meeting, make_user, nodes
):
    one, two = nodes
    first, second = (
        versions.upload(
            make_meeting(datetime.date(2023, 1, 2 + n), "admin-finance"),
            UploadMinutes(text=BUDGET_MINUTES),
        ).minutes.id
        for n in range(2)
    )
    token = auth_services.issue_token(make_user("admin"))
    db.session.commit()
    late = {"reason": "시험: 기한 지난 회의록"}

    assert post(f"{one.base}/api/v1/minutes/{first}/publish", token, payload=late)[0] == 200
    converges(two, {first})

    corrected = BUDGET_MINUTES.replace("보행환경", "보행로")
    meeting = call(f"{one.base}/api/v1/minutes/{first}")[1]["meeting"]
    status, body = post(f"{one.base}/api/v1/meetings/{meeting}/minutes", token, {"text": corrected})
    assert status == 201, body
    status, body = post(
        f"{one.base}/api/v1/minutes/{first}/publish", token, payload={"reason": "발언 정정"}
    )
    assert status == 200, body
    converges(two, set())
    converges(two, {first}, urllib.parse.quote("보행로"))

    status, body = post(
        f"{one.base}/api/v1/minutes/{first}/withdraw", token, payload={"reason": "잘못 올림"}
    )
    assert status == 200, body
    converges(two, set(), urllib.parse.quote("보행로"))

    # A power cut on the node that is publishing: the publication committed or it did not.
    answered = []
    publishing = threading.Thread(
        target=lambda: answered.append(
            _or_none(
                lambda: post(f"{two.base}/api/v1/minutes/{second}/publish", token, payload=late)
            )
        )
    )
    publishing.start()
    time.sleep(0.05)
    two.kill()
    publishing.join(60)
    two.start()
    if call(f"{one.base}/api/v1/minutes/{second}")[0] != 200:
        # Not committed: nothing half-saved, and it can be published again.
        assert post(f"{one.base}/api/v1/minutes/{second}/publish", token, payload=late)[0] == 200
    converges(one, {second})
    converges(two, {second})

    for node in nodes:
        checked = node.search_check()
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "반영 대기 중인 변경: 0건" in checked.stdout
        assert "색인이 데이터베이스와 일치합니다." in checked.stdout


def _or_none(action):
    try:
        return action()
    except OSError:
        return None
