"""What citizens can read and what search finds stay the same when a meeting changes state."""

import ast
import datetime
import pathlib

import pytest
from sqlalchemy import func, select

import council_app
from council_app.auth import services as auth_services
from council_app.core.commands import read_command
from council_app.extensions import db
from council_app.meetings.models import MeetingStatus
from council_app.minutes.models import IndexOutbox
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync
from council_app.sessions import services as session_services
from tests.search.conftest import BUDGET_MINUTES

#: A word only the committee minutes of the ``publish`` fixture say.
WORD = "보행환경"


@pytest.fixture
def secretariat(make_user):
    token = auth_services.issue_token(make_user("secretariat"), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def call(client, method, url, **kwargs):
    """Send a request in an app context of its own, as a server does for each request.

    The tests' app context would otherwise carry the first request's user to the next.
    """
    with client.application.app_context():
        return client.open(url, method=method, **kwargs)


def hits(client, q=WORD):
    response = call(client, "GET", "/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    return [(hit["minutes_id"], hit["anchor"]) for hit in response.get_json()["data"]]


def page_snippets(client, q=WORD):
    html = call(client, "GET", "/search", query_string={"q": q}).get_data(as_text=True)
    return html.count(f"<mark>{q}</mark>")


def rows_for(minutes) -> int:
    return db.session.scalar(
        select(func.count(IndexOutbox.id)).where(IndexOutbox.minutes_id == minutes.id)
    )


def patch_meeting(client, meeting_id, headers, **fields):
    response = call(client, "PATCH", f"/api/v1/meetings/{meeting_id}", json=fields, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_minutes_of_a_meeting_made_closed_leave_search_in_the_same_request(
    client, publish, secretariat, runner
):
    minutes = publish()
    assert hits(client) == [(minutes.id, "u-2")] and page_snippets(client) == 1
    assert patch_meeting(client, minutes.meeting_id, secretariat, public=False)["public"] is False
    # What the attacker tried next: the minutes page is gone, and so is every search hit.
    assert call(client, "GET", f"/minutes/{minutes.id}").status_code == 404
    assert hits(client) == [] and page_snippets(client) == 0
    assert hits(client, "추가경정예산") == []
    assert sync.wait_for_catch_up(30)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "색인에만 있는 발언" not in result.output


def test_minutes_of_a_meeting_made_public_again_are_found_again(
    client, publish, secretariat, runner
):
    minutes = publish()
    patch_meeting(client, minutes.meeting_id, secretariat, public=False)
    assert hits(client) == []
    patch_meeting(client, minutes.meeting_id, secretariat, public=True)
    assert call(client, "GET", f"/minutes/{minutes.id}").status_code == 200
    assert sync.wait_for_catch_up(30)
    assert hits(client) == [(minutes.id, "u-2")] and page_snippets(client) == 1
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_the_meeting_form_closing_a_meeting_takes_its_minutes_out_of_search(
    client, publish, make_user, login
):
    minutes = publish()
    login(make_user("secretariat"))
    meeting = minutes.meeting
    form = {
        "body": meeting.body.slug,
        "date": meeting.date.isoformat(),
        "start": "10:00",
        "place": meeting.place,
        # An unticked box is not sent at all.
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.public is False
    assert hits(client) == []
    assert sync.wait_for_catch_up(30) and sync.check().in_step


def test_cancelling_a_meeting_writes_an_outbox_row_and_search_shows_what_the_page_shows(
    client, make_meeting, secretariat, runner
):
    from council_app.minutes import versions

    # A scheduled meeting that has begun can have (draft) minutes, and can still be cancelled.
    meeting = make_meeting(
        datetime.date(2023, 1, 3), "admin-finance", status=MeetingStatus.SCHEDULED
    )
    minutes = versions.upload(meeting, UploadMinutes(text=BUDGET_MINUTES)).minutes
    db.session.commit()
    before = rows_for(minutes)
    patch_meeting(client, meeting.id, secretariat, status="cancelled")
    assert rows_for(minutes) == before + 1
    assert sync.wait_for_catch_up(30) and sync.pending_count() == 0
    readable = call(client, "GET", f"/minutes/{minutes.id}").status_code == 200
    assert bool(hits(client)) is readable
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_a_meeting_whose_minutes_are_published_was_held_and_stays_so(client, publish, secretariat):
    minutes = publish(status=MeetingStatus.SCHEDULED)
    assert minutes.meeting.status is MeetingStatus.HELD
    response = call(
        client,
        "PATCH",
        f"/api/v1/meetings/{minutes.meeting_id}",
        json={"status": "cancelled"},
        headers=secretariat,
    )
    assert response.status_code == 422
    assert hits(client) == [(minutes.id, "u-2")]


def test_a_cancelled_session_queues_the_minutes_of_the_meetings_it_cancels(make_meeting):
    from council_app.minutes import versions

    meeting = make_meeting(
        datetime.date(2023, 1, 3), "admin-finance", status=MeetingStatus.SCHEDULED
    )
    minutes = versions.upload(meeting, UploadMinutes(text=BUDGET_MINUTES)).minutes
    db.session.commit()
    before = rows_for(minutes)
    council_session = meeting.council_session
    council_session.status = session_services.SessionStatus.PLANNED
    command = read_command(
        session_services.SessionCommand, {"status": "cancelled", "reason": "시험"}, partial=True
    )
    session_services.update_session(council_session, command)
    db.session.commit()
    assert meeting.status is MeetingStatus.CANCELLED
    assert rows_for(minutes) == before + 1
    assert sync.wait_for_catch_up(30) and sync.check().in_step


def test_a_rolled_back_change_leaves_no_outbox_row(client, publish, secretariat):
    minutes = publish()
    before = rows_for(minutes)
    response = call(
        client,
        "PATCH",
        f"/api/v1/meetings/{minutes.meeting_id}",
        json={"public": False, "video_url": "ftp://nowhere"},
        headers=secretariat,
    )
    assert response.status_code == 422
    assert rows_for(minutes) == before and hits(client) == [(minutes.id, "u-2")]


def test_search_never_shows_minutes_the_index_has_not_yet_dropped(
    client, publish, secretariat, monkeypatch
):
    minutes = publish()
    # The index is busy elsewhere: the outbox row waits, yet nothing closed may show.
    monkeypatch.setattr(sync, "catch_up", lambda **_: 0)
    patch_meeting(client, minutes.meeting_id, secretariat, public=False)
    assert sync.pending_count() == 1
    assert sync.search_index().doc_count() > 0
    assert hits(client) == [] and page_snippets(client) == 0


def test_only_change_state_sets_a_meetings_status_or_public_flag():
    # Any other assignment would change what is public without telling the index.
    package = pathlib.Path(council_app.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        if path == package / "meetings" / "state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            else:
                continue
            for target in targets:
                for part in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if (
                        isinstance(part, ast.Attribute)
                        and part.attr in ("public", "status")
                        and "meeting" in ast.unparse(part.value).lower()
                    ):
                        offenders.append(f"{path.relative_to(package)}:{part.lineno}")
    assert offenders == []


def test_a_correction_awaiting_publication_leaves_the_published_hits_in_search(client, publish):
    from council_app.minutes import versions

    minutes = publish()
    assert hits(client) == [(minutes.id, "u-2")]
    versions.add_version(minutes, "○위원장 김가상\u2003정정된 발언입니다.", versions.PASTED, None)
    db.session.commit()
    # The draft is the newest version, but citizens still read (and find) the published one.
    assert hits(client) == [(minutes.id, "u-2")]
    assert hits(client, "정정된") == []
