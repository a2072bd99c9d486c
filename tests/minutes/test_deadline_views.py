"""The deadline clock as staff and citizens see it: dashboard, API, report, CLI with mail."""

from __future__ import annotations

import datetime
import socket
from email.header import decode_header, make_header

import pytest

from council_app.core.time import today_kst
from council_app.extensions import db
from council_app.minutes import compliance, publication, versions
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from tests.minutes import samples


@pytest.fixture
def three_meetings(make_meeting):
    """An overdue plenary, a committee due later, and one published late."""
    overdue = make_meeting(datetime.date(2023, 1, 10))
    due = make_meeting(today_kst(), body="admin-finance")
    late = make_meeting(datetime.date(2023, 1, 11), body="steering")
    published = versions.upload(late, UploadMinutes(text=samples.MINUTES)).minutes
    # The plenary sample's cover does not fit the steering committee: accepted here.
    publication.publish(published, PublishMinutes(reason="인력 부족", confirm=("header_mismatch",)))
    db.session.commit()
    return overdue, due, late


def test_dashboard_lists_awaiting_minutes_with_countdown(
    app, client, three_meetings, make_user, login
):
    overdue, due, _ = three_meetings
    login(make_user("stenographer"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.index(overdue.name) < page.index(due.name)  # by due date
    assert 'class="overdue"' in page and "기한" in page and "일 지남" in page
    assert "일 남음" in page  # the committee meeting of today, counted down
    assert f"/meetings/{due.id}/minutes/new" in page


def test_api_deadlines_by_status(app, client, three_meetings):
    overdue, due, late = three_meetings
    body = client.get("/api/v1/minutes/deadlines?status=overdue").get_json()
    assert [e["meeting_id"] for e in body["data"]] == [overdue.id]
    entry = body["data"][0]
    assert entry["body_kind"] == "plenary" and entry["meeting_date"] == "2023-01-10"
    assert entry["due"] == "2023-01-12" and entry["days_left"] < 0
    assert [
        e["meeting_id"]
        for e in client.get("/api/v1/minutes/deadlines?status=due").get_json()["data"]
    ] == [due.id]
    assert (
        client.get("/api/v1/minutes/deadlines?status=due").get_json()["data"][0]["body_kind"]
        == "standing"
    )
    late_entry = client.get("/api/v1/minutes/deadlines?status=late").get_json()["data"][0]
    assert late_entry["meeting_id"] == late.id and late_entry["days_left"] < 0
    bad = client.get("/api/v1/minutes/deadlines?status=soon")
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "status"


def test_api_lists_and_reads_public_minutes(app, client, three_meetings):
    _, _, late = three_meetings
    listing = client.get("/api/v1/minutes?status=provisional").get_json()
    assert listing["total"] == 1 and listing["data"][0]["meeting"] == late.id
    detail = client.get(f"/api/v1/minutes/{listing['data'][0]['id']}").get_json()
    first = detail["utterances"][0]
    assert set(first) >= {"order", "speaker", "member", "title", "text"}
    assert (first["order"], first["speaker"], first["title"]) == (1, "의장 김가상", "의장")
    assert isinstance(first["member"], int)
    assert client.get("/api/v1/minutes?status=nonsense").status_code == 422
    assert client.get("/api/v1/minutes/999").status_code == 404


def test_api_writes_are_in_openapi(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/meetings/{meeting_id}/minutes"]["post"]["x-permission"] == "edit_minutes"
    assert "/api/v1/minutes/deadlines" in paths


def test_compliance_report(app, client, three_meetings):
    page = client.get("/minutes/compliance?year=2023").get_data(as_text=True)
    assert "2023년 회의록 공개 기한 준수 현황" in page
    rows = compliance.compliance(three_meetings[0].council_session.council, 2023)
    by_body = {r.body.slug: r for r in rows}
    assert (by_body["plenary"].missing, by_body["plenary"].on_time) == (1, 0)
    assert (by_body["steering"].late, by_body["steering"].missing) == (1, 0)
    assert by_body["steering"].average_days > 1000


def test_cli_lists_and_fails_when_overdue(app, runner, three_meetings):
    result = runner.invoke(args=["minutes", "deadlines"])
    assert result.exit_code == 1
    assert "기한 지남" in result.output and three_meetings[0].name in result.output


def test_cli_is_quiet_and_succeeds_when_nothing_is_due(app, runner, council):
    result = runner.invoke(args=["minutes", "deadlines"])
    assert result.exit_code == 0 and "없습니다" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cli_mails_the_stenographers(app, runner, three_meetings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MINUTES_REMINDER_TO=("steno@example.org",)
        )
        result = runner.invoke(args=["minutes", "deadlines", "--mail"])
    finally:
        controller.stop()
    assert result.exit_code == 1  # still overdue; the mail went out all the same
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "steno@example.org"
    assert "기한 지남 1건" in str(make_header(decode_header(message["Subject"])))
    assert three_meetings[0].name in message.get_payload(decode=True).decode()


def test_cli_mail_without_a_server_says_so(app, runner, three_meetings):
    result = runner.invoke(args=["minutes", "deadlines", "--mail", "--to", "a@example.org"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output
