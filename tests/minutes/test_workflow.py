"""Upload in every format, versions, publication against the deadline, closed passages."""

from __future__ import annotations

import datetime
import io

import pytest
from sqlalchemy import select

from council_app.core.models import AuditEvent
from council_app.core.time import today_kst
from council_app.extensions import db
from council_app.minutes import events, publication, queries, versions
from council_app.minutes.models import IndexOutbox, Minutes, MinutesStatus
from council_app.minutes.parse import CLOSED_NOTICE
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync as search_sync
from tests.minutes import samples

PAST = datetime.date(2023, 1, 10)


@pytest.fixture
def stenographer(make_user, login):
    user = make_user("stenographer")
    login(user)
    return user


def post_file(client, meeting, data: bytes, name: str):
    return client.post(
        f"/api/v1/meetings/{meeting.id}/minutes",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("build", "name", "file_type"),
    [
        (samples.as_hwp, "제300회 본회의 회의록.hwp", "hwp"),
        (samples.as_hwpx, "제300회 본회의 회의록.hwpx", "hwpx"),
        (samples.as_docx, "회의록.docx", "docx"),
        (samples.as_cp949, "회의록.txt", "text"),
    ],
)
def test_every_format_uploads_into_speaker_turns(
    app, client, make_meeting, stenographer, build, name, file_type
):
    meeting = make_meeting(PAST)
    data = build()
    response = post_file(client, meeting, data, name)
    assert response.status_code == 201, response.get_json()
    minutes = db.session.get(Minutes, response.get_json()["id"])
    version = minutes.current_version
    stored = version.file
    assert (stored.file_type, stored.original_name, stored.size) == (file_type, name, len(data))
    assert queries.file_path(stored).read_bytes() == data  # kept byte for byte
    assert stored.stored_name not in name and len(stored.sha256) == 64
    speakers = [u.speaker for u in version.utterances]
    assert speakers == [
        "의장 김가상",
        "의장 김가상",
        "이가상 의원",
        "행정국장 홍예시",
        "의장 김가상",
    ]
    assert version.utterances[2].text == "질의하겠습니다.\n시행일을 설명해 주십시오."
    assert version.utterances[0].member.name == "김가상"
    assert version.utterances[3].member_id is None
    assert version.utterances[1].agenda_heading == "1. 예시 조례안"
    assert version.header["session_number"] == 300


def test_real_pdf_uploads(app, client, make_meeting, stenographer, corpus):
    meeting = make_meeting(PAST, body="admin-finance")
    path = corpus / "pdf/2011-04-28_18.299.04.4DS.pdf"
    response = post_file(client, meeting, path.read_bytes(), "위원회 회의록.pdf")
    assert response.status_code == 201
    assert response.get_json()["utterances"] == 132
    version = db.session.get(Minutes, response.get_json()["id"]).current_version
    assert version.extractor.startswith("pypdfium2")
    assert version.utterances[0].speaker == "위원장 이군현"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "회의록.png", "지원하지 않는 형식"),
        (b"%PDF-1.4\n garbage", "깨진.pdf", "손상"),
        (samples.as_hwpx()[:300], "잘린.hwpx", "손상"),
    ],
)
def test_unreadable_file_is_kept_with_a_korean_message(
    app, client, make_meeting, stenographer, data, name, words
):
    meeting = make_meeting(PAST)
    response = post_file(client, meeting, data, name)
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["field"] == "file" and words in body["errors"][0]["message"]
    minutes = db.session.get(Minutes, body["id"])
    kept = minutes.files[0]
    assert queries.file_path(kept).read_bytes() == data and kept.problem
    # The text is pasted for the kept file instead.
    pasted = client.post(
        f"/api/v1/meetings/{meeting.id}/minutes",
        data={"text": samples.MINUTES, "source_file": str(kept.id)},
    )
    assert pasted.status_code == 201
    db.session.expire_all()
    assert minutes.current_version.file_id == kept.id
    assert minutes.current_version.extractor == versions.PASTED


def test_encrypted_hwp_gets_the_korean_message(app, client, make_meeting, stenographer, corpus):
    path = next((corpus / "files-hwp").rglob("*distribution*.hwp"), None)
    assert path is not None, "the corpus has no distribution-protected HWP sample"
    response = post_file(client, make_meeting(PAST), path.read_bytes(), path.name)
    assert response.status_code == 422
    assert "붙여 넣" in response.get_json()["errors"][0]["message"]


def test_too_large_file_is_refused_before_reading(app, client, make_meeting, stenographer):
    app.config["MINUTES_MAX_UPLOAD_BYTES"] = 1000
    response = post_file(client, make_meeting(PAST), b"a" * 1001, "big.txt")
    assert response.status_code == 422
    assert "MB를 넘습니다" in response.get_json()["errors"][0]["message"]


def test_no_minutes_for_a_meeting_ahead(app, client, make_meeting, stenographer):
    meeting = make_meeting(today_kst() + datetime.timedelta(days=3))
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/minutes", data={"text": "○의장 김가상  개의"}
    )
    assert response.status_code == 422
    assert "아직 열리지 않아" in response.get_json()["errors"][0]["message"]


def _draft(meeting, text=None):
    # The cover names the meeting's own day, so no guard warns about another meeting's file.
    result = versions.upload(meeting, UploadMinutes(text=text or samples.dated(meeting.date)))
    db.session.commit()
    return result.minutes


def test_publish_late_needs_a_reason_and_shows_days_late(app, client, make_meeting, stenographer):
    minutes = _draft(make_meeting(PAST))
    refused = client.post(f"/api/v1/minutes/{minutes.id}/publish", json={})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "reason"
    published = client.post(f"/api/v1/minutes/{minutes.id}/publish", json={"reason": "인력 부족"})
    assert published.status_code == 200
    body = published.get_json()
    assert body["status"] == "provisional" and body["late"] and body["late_reason"] == "인력 부족"
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "지연" in page and "인력 부족" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "minutes.publish"))
    assert event.reason == "인력 부족"


def test_publish_on_time_uses_the_server_clock(app, client, make_meeting, stenographer):
    minutes = _draft(make_meeting(today_kst()))
    response = client.post(
        f"/api/v1/minutes/{minutes.id}/publish", json={"published_at": "2020-01-01T00:00:00+09:00"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert not body["late"] and not body["published_at"].startswith("2020")
    assert db.session.scalars(select(IndexOutbox)).one().action.value == "index"


def test_outbox_signal_fires_only_after_commit(app, make_meeting):
    minutes = _draft(make_meeting(today_kst()))
    heard = []

    def listener(sender, action):
        heard.append((sender, action))

    events.minutes_changed.connect(listener)
    try:
        publication.publish(minutes)
        db.session.rollback()
        assert heard == []
        publication.publish(db.session.get(Minutes, minutes.id))
        db.session.commit()
        assert heard == [(minutes.id, "index")]
    finally:
        events.minutes_changed.disconnect(listener)


def test_corrections_keep_every_version_and_the_diff_is_readable(
    app, client, make_meeting, stenographer
):
    minutes = _draft(make_meeting(today_kst()))
    publication.publish(minutes)
    original = samples.dated(minutes.meeting.date)
    corrected = original.replace("질의하겠습니다.", "질의하겠습니다. 정정합니다.")
    versions.upload(minutes.meeting, UploadMinutes(text=corrected, note="발언 정정"))
    db.session.commit()
    assert [v.number for v in minutes.versions] == [1, 2]
    assert minutes.versions[0].text == original
    # The correction is a draft until published; the diff marks the added words only.
    publication.publish(minutes)
    db.session.commit()
    page = client.get(f"/minutes/{minutes.id}/diff?from=1&to=2").get_data(as_text=True)
    assert "○이가상 의원  질의하겠습니다.<ins> 정정합니다.</ins>" in page
    assert client.post(f"/api/v1/minutes/{minutes.id}/finalize").status_code == 200
    again = client.post(f"/api/v1/meetings/{minutes.meeting_id}/minutes", data={"text": "고침"})
    assert again.status_code == 422 and "확정된" in again.get_json()["errors"][0]["message"]


def test_closed_passages_are_never_public(app, client, make_meeting):
    minutes = _draft(make_meeting(today_kst()))
    publication.publish(minutes)
    db.session.commit()
    version = minutes.current_version
    assert [u.closed for u in version.utterances] == [False, False, False, True, False]
    assert "비공개로 보고" not in version.public_text and CLOSED_NOTICE in version.public_text
    page = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert "비공개로 보고" not in page and "가결되었음을" in page
    api = client.get(f"/api/v1/minutes/{minutes.id}").get_json()
    assert [u["order"] for u in api["utterances"]] == [1, 2, 3, 5]
    # The original holds the closed passage, so only staff may download it.
    assert client.get(f"/minutes/{minutes.id}/files/1").status_code == 404


def test_closed_meeting_minutes_are_never_public(app, client, make_meeting, make_user, login):
    minutes = _draft(make_meeting(today_kst(), public=False))
    publication.publish(minutes)
    db.session.commit()
    assert client.get(f"/minutes/{minutes.id}").status_code == 404
    assert client.get(f"/api/v1/minutes/{minutes.id}").status_code == 404
    assert client.get("/api/v1/minutes").get_json()["total"] == 0
    # The outbox row is written all the same; the index holds nothing of closed minutes.
    assert search_sync.search_index().doc_count() == 0 and search_sync.check().in_step
    login(make_user("stenographer"))
    assert "비공개 회의입니다" in client.get(f"/minutes/{minutes.id}").get_data(as_text=True)


def test_drafts_are_hidden_from_citizens(app, client, make_meeting):
    minutes = _draft(make_meeting(PAST))
    assert client.get(f"/minutes/{minutes.id}").status_code == 404
    assert client.get(f"/api/v1/minutes?meeting={minutes.meeting_id}").get_json()["total"] == 0


def test_withdrawal_is_for_admins_with_a_reason(app, client, make_meeting, make_user, login):
    minutes = _draft(make_meeting(today_kst()))
    publication.publish(minutes)
    db.session.commit()
    login(make_user("stenographer"))
    assert (
        client.post(f"/api/v1/minutes/{minutes.id}/withdraw", json={"reason": "x"}).status_code
        == 403
    )
    client.post("/logout")
    login(make_user("admin"))
    assert client.post(f"/api/v1/minutes/{minutes.id}/withdraw", json={}).status_code == 422
    response = client.post(
        f"/api/v1/minutes/{minutes.id}/withdraw", json={"reason": "개인정보 포함"}
    )
    assert response.get_json()["status"] == "withdrawn"
    client.post("/logout")
    page = client.get(f"/minutes/{minutes.id}")
    assert page.status_code == 410 and "개인정보 포함" in page.get_data(as_text=True)
    actions = [
        r.action.value for r in db.session.scalars(select(IndexOutbox).order_by(IndexOutbox.id))
    ]
    assert actions == ["index", "delete"]
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "minutes.withdraw")
    ).reason


def test_download_keeps_the_korean_name(app, client, make_meeting, stenographer):
    meeting = make_meeting(today_kst())
    data = samples.as_hwpx()
    minutes_id = post_file(client, meeting, data, "제300회 회의록.hwpx").get_json()["id"]
    # The sample's cover is dated 2023. 1. 10.: the stenographer accepts the warning.
    published = client.post(
        f"/api/v1/minutes/{minutes_id}/publish", json={"confirm": ["header_mismatch"]}
    )
    assert published.status_code == 200
    client.post("/logout")
    page = client.get(f"/minutes/{minutes_id}").get_data(as_text=True)
    assert 'id="u-3"' in page and "임시" in page
    response = client.get(
        f"/minutes/{minutes_id}/files/{db.session.get(Minutes, minutes_id).files[0].id}"
    )
    # The sample has a closed passage: the original stays with the staff.
    assert response.status_code == 404
    open_text = (
        samples.dated(today_kst())
        .replace("(14시00분 비공개회의 시작)\n", "")
        .replace("(14시10분 공개회의로 전환)\n", "")
    )
    other = make_meeting(today_kst(), body="steering")
    result = versions.upload(other, data=open_text.encode(), filename="제301회 회의록.txt")
    # A steering committee meeting with the plenary's cover: accepted as a mismatch.
    publication.publish(result.minutes, PublishMinutes(confirm=("header_mismatch",)))
    db.session.commit()
    with client.get(f"/minutes/{result.minutes.id}/files/{result.file.id}") as response:
        assert response.status_code == 200 and response.data == open_text.encode()
        disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%EC%A0%9C301%ED%9A%8C" in disposition


def test_speaker_filter_and_contents(app, client, make_meeting):
    minutes = _draft(make_meeting(today_kst()))
    publication.publish(minutes)
    db.session.commit()
    page = client.get(f"/minutes/{minutes.id}?speaker=이가상 의원").get_data(as_text=True)
    assert "시행일을 설명해" in page and "성원이 되었으므로" not in page
    full = client.get(f"/minutes/{minutes.id}").get_data(as_text=True)
    assert '<a href="#u-2">1. 예시 조례안</a>' in full


def test_upload_page_flow_for_stenographers(app, client, make_meeting, stenographer):
    meeting = make_meeting(PAST)
    form = client.get(f"/meetings/{meeting.id}/minutes/new")
    assert form.status_code == 200 and "회의록 올리기" in form.get_data(as_text=True)
    response = client.post(
        f"/meetings/{meeting.id}/minutes/new",
        data={"file": (io.BytesIO(samples.as_hwp()), "회의록.hwp")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    minutes = queries.minutes_for(meeting)
    assert response.headers["Location"].endswith(f"/minutes/{minutes.id}/preview")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "제1판을 초안으로 저장했습니다." in preview and "미리 보고 공개해 주세요." in preview
    # Publishing is a second step: without the confirmation box ticked nothing happens.
    unconfirmed = client.post(
        f"/minutes/{minutes.id}/publish", data={"publish-reason": "늦었습니다"}
    )
    assert unconfirmed.status_code == 422
    assert "공개하려면 확인란에 표시해 주세요" in unconfirmed.get_data(as_text=True)
    db.session.expire_all()
    assert minutes.status is MinutesStatus.DRAFT
    published = client.post(
        f"/minutes/{minutes.id}/publish",
        data={"publish-reason": "늦었습니다", "publish-agree": "y"},
    )
    assert published.status_code == 302
    db.session.expire_all()
    assert minutes.status is MinutesStatus.PROVISIONAL and minutes.late
    bad = client.post(
        f"/meetings/{meeting.id}/minutes/new",
        data={"file": (io.BytesIO(b"\x00\x01garbage\xff" * 10), "x.bin")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "지원하지 않는 형식" in bad.get_data(as_text=True)
    # A refused form answers with the refusal's status (422), as the API does.
    long_note = client.post(
        f"/meetings/{meeting.id}/minutes/new", data={"text": samples.MINUTES, "note": "가" * 501}
    )
    assert long_note.status_code == 422
    assert "메모는 500자 이내여야 합니다." in long_note.get_data(as_text=True)
    stranger = client.post(
        f"/meetings/{meeting.id}/minutes/new", data={"text": samples.MINUTES, "source_file": "x"}
    )
    assert stranger.status_code == 422 and "올린 파일이 아닙니다" in stranger.get_data(as_text=True)


def test_meeting_page_include_links_public_minutes(app, make_meeting):
    from flask import render_template

    minutes = _draft(make_meeting(today_kst()))
    with app.test_request_context("/"):
        assert "아직 공개된 회의록이 없습니다" in render_template(
            "minutes/_for_meeting.html", meeting=minutes.meeting
        )
        publication.publish(minutes)
        db.session.commit()
        html = render_template("minutes/_for_meeting.html", meeting=minutes.meeting)
    assert f'href="/minutes/{minutes.id}"' in html and "임시회의록" in html
