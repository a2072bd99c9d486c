"""Drafts, preview, guarded publication, restore: nothing reaches the public record unchecked."""

from __future__ import annotations

import datetime
import io
import re
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import select

from council_app.core.models import AuditEvent
from council_app.core.time import today_kst
from council_app.extensions import db
from council_app.meetings.models import MeetingStatus
from council_app.minutes import publication, versions
from council_app.minutes.models import IndexOutbox, Minutes, MinutesStatus
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from tests.minutes import samples

OPEN = samples.MINUTES.replace("(14시00분 비공개회의 시작)\n", "").replace(
    "(14시10분 공개회의로 전환)\n", ""
)


@pytest.fixture
def stenographer(make_user, login):
    user = make_user("stenographer")
    login(user)
    return user


@pytest.fixture
def published(make_meeting):
    """Minutes of a meeting held today, published from a text file without closed passages."""
    meeting = make_meeting(today_kst())
    text = samples.dated(meeting.date, OPEN)
    result = versions.upload(meeting, data=text.encode(), filename="제300회 회의록.txt")
    publication.publish(result.minutes)
    db.session.commit()
    return result.minutes


def upload(client, minutes, text=None, data=None, name="고친 회의록.txt"):
    if data is None:
        data = text.encode()
    return client.post(
        f"/api/v1/meetings/{minutes.meeting_id}/minutes",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@contextmanager
def citizen(app):
    """Yield a client without a login; the test's app context forgets the staff user meanwhile."""
    g.pop("_login_user", None)
    try:
        yield app.test_client()
    finally:
        g.pop("_login_user", None)


def public_page(client, minutes, app):
    """Read the minutes page as a citizen would."""
    with citizen(app) as anonymous:
        return anonymous.get(f"/minutes/{minutes.id}").get_data(as_text=True)


def public_status(app, url):
    """Return the status a citizen gets for ``url``."""
    with citizen(app) as anonymous, anonymous.get(url) as response:
        return response.status_code


def test_a_correction_stays_a_draft_until_published(app, client, published, stenographer):
    before = public_page(client, published, app)
    corrected = samples.dated(published.meeting.date, OPEN).replace("시행일을", "시행 시기를")
    response = upload(client, published, corrected)
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == 1 and body["draft_version"] == 2 and body["warnings"] == []
    assert "시행일을 설명해" in public_page(client, published, app)
    assert public_page(client, published, app).count("시행 시기를") == 0
    with citizen(app) as anonymous:
        api = anonymous.get(f"/api/v1/minutes/{published.id}").get_json()
    assert api["version"] == 1 and "draft_version" not in api
    # The draft's file stays with the staff; the published version's file is public.
    db.session.expire_all()
    minutes = db.session.get(Minutes, published.id)
    first_file, draft_file = minutes.files
    assert public_status(app, f"/minutes/{minutes.id}/files/{draft_file.id}") == 404
    assert public_status(app, f"/minutes/{minutes.id}/files/{first_file.id}") == 200
    # Citizens see neither the draft in the history nor a diff with it.
    assert public_status(app, f"/minutes/{minutes.id}/diff?from=1&to=2") == 404
    assert client.get(f"/minutes/{minutes.id}/diff?from=1&to=2").status_code == 200
    assert "초안" not in before
    outbox = len(db.session.scalars(select(IndexOutbox)).all())

    preview = client.get(f"/minutes/{minutes.id}/preview").get_data(as_text=True)
    assert "<del>시행일을</del><ins>시행 시기를</ins>" in preview
    assert '이가상 의원 <span class="muted">(발언 1건)</span>' in preview
    assert '의장 김가상 <span class="muted">(발언 3건)</span>' in preview
    assert "1. 예시 조례안" in preview and "점검에서 문제를 찾지 못했습니다" in preview

    done = client.post(f"/api/v1/minutes/{minutes.id}/publish", json={})
    assert done.status_code == 200 and done.get_json()["version"] == 2
    assert "시행 시기를" in public_page(client, minutes, app)
    assert len(db.session.scalars(select(IndexOutbox)).all()) == outbox + 1
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "minutes.publish_correction")
    )
    assert event.before == {"version": 1} and event.after["version"] == 2
    assert [v.number for v in minutes.versions] == [1, 2]
    assert public_status(app, f"/minutes/{minutes.id}/files/{draft_file.id}") == 200
    # Nothing left to publish.
    again = client.post(f"/api/v1/minutes/{minutes.id}/publish", json={})
    assert again.status_code == 422
    assert "공개할 새 판이 없습니다" in again.get_json()["errors"][0]["message"]


def test_junk_upload_is_refused_on_publish_unless_confirmed_with_a_reason(
    app, client, published, stenographer
):
    junk = upload(client, published, "그냥 메모입니다.\n회의록이 아닙니다.", name="blank.hwp")
    # A text file renamed .hwp is read as text: a draft with no turn, flagged.
    assert junk.status_code == 201 and junk.get_json()["warnings"][0]["code"] == "no_turns"
    assert "성원이 되었으므로" in public_page(client, published, app)
    pasted = client.post(
        f"/api/v1/meetings/{published.meeting_id}/minutes", data={"text": "빈 문서"}
    )
    assert pasted.status_code == 201 and pasted.get_json()["utterances"] == 0
    preview = client.get(f"/minutes/{published.id}/preview").get_data(as_text=True)
    assert "발언을 하나도 찾지 못했습니다" in preview and "사유 필요" in preview

    refused = client.post(f"/api/v1/minutes/{published.id}/publish", json={})
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert errors[0]["field"] == "confirm" and "[no_turns]" in errors[0]["message"]
    no_reason = client.post(
        f"/api/v1/minutes/{published.id}/publish", json={"confirm": ["no_turns"]}
    )
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"] == [
        {"field": "reason", "message": "[no_turns] 확인한 사유를 적어 주세요."}
    ]
    page = client.post(f"/minutes/{published.id}/publish", data={"publish-agree": "y"}).get_data(
        as_text=True
    )
    assert "[no_turns]" in page
    assert "성원이 되었으므로" in public_page(client, published, app)
    bad = client.post(f"/api/v1/minutes/{published.id}/publish", json={"confirm": "no_turns"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "confirm"

    accepted = client.post(
        f"/api/v1/minutes/{published.id}/publish",
        json={"confirm": ["no_turns"], "reason": "원본이 비어 있음을 확인"},
    )
    assert accepted.status_code == 200
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "minutes.publish_correction")
    )
    assert event.reason == "원본이 비어 있음을 확인" and event.after["confirmed"] == ["no_turns"]


def test_another_councils_file_names_the_session_and_the_council(
    app, client, published, stenographer
):
    foreign = (
        samples.dated(published.meeting.date, OPEN)
        .replace("제300회 서울특별시 금천구의회(임시회)", "제5회 청주시의회(임시회)")
        .replace("장  소 : 본회의장", "장  소 : 知識經濟委員會會議室")
        .replace("(10시00분)", "(11시01분)")
    )
    body = upload(client, published, foreign, name="청주.txt").get_json()
    (warning,) = body["warnings"]
    assert warning["code"] == "header_mismatch"
    assert "청주시의회" in warning["message"] and "제5회(이 회의: 제300회)" in warning["message"]
    refused = client.post(f"/api/v1/minutes/{published.id}/publish", json={})
    assert refused.status_code == 422
    assert "[header_mismatch]" in refused.get_json()["errors"][0]["message"]
    assert (
        client.post(
            f"/api/v1/minutes/{published.id}/publish", json={"confirm": ["header_mismatch"]}
        ).status_code
        == 200
    )
    # The file's time and place never replace the meeting's. The time is read from the
    # page's 일시 field alone: the version history shows the clock's time, which may be 11:01.
    page = public_page(client, published, app)
    (when,) = re.findall(r"<dt>일시</dt><dd>([^<]*)</dd>", page)
    assert when.endswith(published.meeting.start_time.strftime("%H:%M")) and "11:01" not in when
    assert "知識經濟" not in page and "본회의장" in page


def test_restore_makes_an_earlier_version_the_new_draft(app, client, published, stenographer):
    second = samples.dated(published.meeting.date, OPEN).replace("질의하겠습니다.", "묻겠습니다.")
    upload(client, published, second)
    client.post(f"/api/v1/minutes/{published.id}/publish", json={})
    assert "묻겠습니다" in public_page(client, published, app)
    restored = client.post(f"/api/v1/minutes/{published.id}/versions/1/restore")
    assert restored.status_code == 201 and restored.get_json()["restored_as"] == 3
    assert "묻겠습니다" in public_page(client, published, app)
    db.session.expire_all()
    minutes = db.session.get(Minutes, published.id)
    assert minutes.versions[2].text == minutes.versions[0].text
    assert minutes.versions[2].note == "제1판 복원"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "minutes.restore"))
    assert client.post(f"/api/v1/minutes/{published.id}/versions/3/restore").status_code == 422
    assert client.post(f"/api/v1/minutes/{published.id}/versions/9/restore").status_code == 422
    # The page button does the same, then shows the preview.
    response = client.post(f"/minutes/{published.id}/versions/2/restore")
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")
    client.post(f"/api/v1/minutes/{published.id}/publish", json={})
    assert "묻겠습니다" in public_page(client, published, app)
    assert [v.number for v in db.session.get(Minutes, published.id).versions] == [1, 2, 3, 4]


def test_public_download_list_shows_the_published_file_first_with_type_and_size(
    app, client, published
):
    page = public_page(client, published, app)
    downloads = page.index("원본 파일 내려받기")
    assert downloads < page.index("회의 내용")
    assert "제300회 회의록.txt</a>" in page and "(TEXT, " in page and "KB)" in page


def test_unreadable_upload_is_staff_only(app, client, published, stenographer):
    refused = upload(client, published, data=b"\x00\x01garbage\xff" * 10, name="x.bin")
    assert refused.status_code == 422
    file_id = refused.get_json()["file"]
    assert public_status(app, f"/minutes/{published.id}/files/{file_id}") == 404
    with client.get(f"/minutes/{published.id}/files/{file_id}") as staff_download:
        assert staff_download.status_code == 200
    assert "x.bin" not in public_page(client, published, app)


def test_publishing_marks_the_meeting_held(app, make_meeting):
    meeting = make_meeting(datetime.date(2023, 1, 10), status=MeetingStatus.SCHEDULED)
    revision = meeting.revision
    minutes = versions.upload(meeting, UploadMinutes(text=samples.dated(meeting.date))).minutes
    assert meeting.status is MeetingStatus.SCHEDULED
    publication.publish(minutes, PublishMinutes(reason="시험"))
    db.session.commit()
    assert meeting.status is MeetingStatus.HELD and meeting.revision == revision + 1


def test_empty_file_says_the_file_is_empty(app, client, make_meeting, stenographer):
    meeting = make_meeting(datetime.date(2023, 1, 10))
    response = client.post(
        f"/meetings/{meeting.id}/minutes/new",
        data={"file": (io.BytesIO(b""), "회의록.hwp")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "파일이 비어 있습니다" in page
    assert "파일을 고르거나" not in page


def test_no_upload_offered_before_the_meeting(app, client, make_meeting, stenographer):
    ahead = make_meeting(today_kst() + datetime.timedelta(days=3))
    page = client.get(f"/meetings/{ahead.id}").get_data(as_text=True)
    assert "회의록 올리기" not in page
    form = client.get(f"/meetings/{ahead.id}/minutes/new").get_data(as_text=True)
    assert "아직 열리지 않아" in form and 'type="file"' not in form
    held = make_meeting(datetime.date(2023, 1, 10))
    assert "회의록 올리기" in client.get(f"/meetings/{held.id}").get_data(as_text=True)


def test_finalize_needs_the_box_ticked_and_then_shows_the_final_state(
    app, client, published, stenographer
):
    upload(client, published, samples.dated(published.meeting.date, OPEN) + "\n")
    manage = client.get(f"/minutes/{published.id}").get_data(as_text=True)
    assert "확정하면 공개되지 않은 초안 제2판은 공개할 수 없습니다" in manage
    unticked = client.post(f"/minutes/{published.id}/finalize", follow_redirects=True)
    assert "확정하려면 확인란에 표시해 주세요" in unticked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Minutes, published.id).status is MinutesStatus.PROVISIONAL
    done = client.post(
        f"/minutes/{published.id}/finalize", data={"finalize-agree": "y"}, follow_redirects=True
    )
    page = done.get_data(as_text=True)
    assert "회의록을 확정했습니다" in page and "확정된 회의록입니다" in page
    assert "고친 판 올리기" not in page and "새 초안으로</button>" not in page


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("city-council/text/minutes-2782.txt", ["청주시의회", "제72회(이 회의: 제300회)"]),
        ("pdf/2011-04-28_18.299.04.4DS.pdf", ["제299회(이 회의: 제300회)", "2011. 4. 28."]),
        ("national-assembly/hwp/제338회 제1차(2015년12월28일).hwp", ["의회 '국회'", "제338회"]),
    ],
)
def test_real_files_of_other_councils_are_flagged(
    app, client, published, stenographer, corpus, path, named
):
    name = path.rsplit("/", 1)[-1]
    response = upload(client, published, data=(corpus / path).read_bytes(), name=name)
    assert response.status_code == 201
    warnings = {w["code"]: w["message"] for w in response.get_json()["warnings"]}
    assert all(words in warnings["header_mismatch"] for words in named)
    refused = client.post(f"/api/v1/minutes/{published.id}/publish", json={})
    assert refused.status_code == 422
    assert "성원이 되었으므로" in public_page(client, published, app)
