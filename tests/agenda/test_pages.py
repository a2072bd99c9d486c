"""The public list and item pages, the secretariat's forms and attachments."""

from __future__ import annotations

import io
from datetime import date

import pytest

from council_app.agenda import services
from council_app.agenda.commands import OutcomeCommand, ReferralCommand
from council_app.agenda.models import ItemKind, Result
from council_app.extensions import db
from council_app.meetings import order


@pytest.fixture
def staff(make_user, login):
    login(make_user("secretariat"))


def test_list_shows_counts_and_filters(client, make_item, make_meeting):
    meeting = make_meeting("plenary", date(2023, 6, 30))
    order.add_to_order(meeting, make_item("구정질문", kind=ItemKind.QUESTION_TIME), "상정")
    make_item("예시 조례안")
    db.session.commit()
    page = client.get("/agenda").get_data(as_text=True)
    assert '<th scope="row">2023년</th>' in page and "1회 1건" in page
    assert "구정질문" in page and "예시 조례안" in page
    filtered = client.get("/agenda?kind=question_time").get_data(as_text=True)
    assert "구정질문" in filtered and "예시 조례안" not in filtered
    assert client.get("/agenda?kind=poem").status_code == 400
    # The page says which filter was wrong, not only that the request was bad.
    assert "question_time" in client.get("/agenda?kind=poem").get_data(as_text=True)


def test_item_page_links_each_step_to_its_meeting(client, make_item, make_meeting):
    item = make_item()
    meeting = make_meeting("plenary", date(2023, 6, 30))
    order.add_to_order(meeting, item, "상정")
    services.record_outcome(meeting, item, OutcomeCommand(Result.PASSED, votes_yes=10, votes_no=0))
    db.session.commit()
    page = client.get(f"/agenda/{item.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}"' in page
    assert "제244회 정례회 제1차 본회의 원안가결" in page and "찬성 10" in page
    assert "의사팀 관리" not in page


def test_create_form_shows_rule_errors_in_korean(client, staff, make_item):
    make_item(bill_number=5)
    response = client.post(
        "/agenda/new",
        data={
            "title": "새 안건",
            "bill_number": "5",
            "kind": "ordinance",
            "proposer_kind": "member",
            "submitted_on": "2023-06-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "제9대에 이미 의안번호 제5호가 있습니다." in page
    assert "의원 발의 안건은 대표발의 의원을 골라야 합니다." in page
    assert 'aria-invalid="true"' in page


def test_outcome_refused_on_the_page_is_flashed(client, staff, make_item, make_meeting, bodies):
    item = make_item()
    services.refer(item, ReferralCommand("admin-finance", date(2023, 6, 1)))
    plenary = make_meeting("plenary", date(2023, 6, 30))
    order.add_to_order(plenary, item, "상정")
    db.session.commit()
    response = client.post(
        f"/meetings/{plenary.id}/outcomes/{item.id}",
        data={"result": "passed"},
        follow_redirects=True,
    )
    assert "회부된 위원회(행정재경위원회)의 심사가 끝나지 않았습니다." in response.get_data(
        as_text=True
    )


def test_held_meeting_reorder_needs_a_reason_on_the_page(client, staff, make_item, make_meeting):
    meeting = make_meeting("plenary", date(2023, 6, 30))
    first, second = make_item("첫째"), make_item("둘째")
    order.set_order(meeting, [first, second], "상정")
    db.session.commit()
    url = f"/meetings/{meeting.id}/order-of-business/{second.id}/move"
    refused = client.post(url, data={"offset": "-1"}, follow_redirects=True)
    assert "변경 사유를 적어 주세요" in refused.get_data(as_text=True)
    client.post(url, data={"offset": "-1", "reason": "의장 제의"})
    page = client.get(f"/meetings/{meeting.id}/order-of-business").get_data(as_text=True)
    assert page.index("둘째") < page.index("첫째")


def test_attachment_is_stored_checked_and_served(client, staff, make_item, app):
    item = make_item()
    pdf = b"%PDF-1.7\n" + b"x" * 100
    response = client.post(
        f"/agenda/{item.id}/attachments",
        data={"file": (io.BytesIO(pdf), "../../조례안 원문.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "파일을 첨부했습니다." in response.get_data(as_text=True)
    [attachment] = item.attachments
    assert attachment.original_name == "조례안 원문.pdf" and attachment.size == len(pdf)
    assert attachment.stored_name.startswith("agenda/") and "조례안" not in attachment.stored_name
    with client.get(f"/agenda/{item.id}/attachments/{attachment.id}") as download:
        assert download.data == pdf and "attachment" in download.headers["Content-Disposition"]

    fake = client.post(
        f"/agenda/{item.id}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "PDF 파일이 아닙니다." in fake.get_data(as_text=True)
    exe = client.post(
        f"/agenda/{item.id}/attachments",
        data={"file": (io.BytesIO(b"MZ"), "run.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "올릴 수 있는 파일 형식은" in exe.get_data(as_text=True)
    db.session.refresh(item)
    assert len(item.attachments) == 1


def test_outcome_form_is_offered_only_once_the_meeting_is_held(
    client, clock, make_user, login, make_item, make_meeting
):
    from council_app.meetings.models import MeetingStatus

    meeting = make_meeting("plenary", date(2023, 6, 30), status=MeetingStatus.SCHEDULED)
    order.add_to_order(meeting, make_item("예시 조례안"), "상정")
    db.session.commit()
    url = f"/meetings/{meeting.id}/order-of-business"
    # Logged in on the eve: a login signed later than the clock reads would not count.
    clock.move_to("2023-06-29 23:59:00+09:00")
    login(make_user("secretariat"))
    before = client.get(url).get_data(as_text=True)
    assert "회의가 열린 뒤에 결과를 기록할 수 있습니다" in before and "outcome-form" not in before
    clock.move_to("2023-06-30 00:01:00+09:00")
    on_the_day = client.get(url).get_data(as_text=True)
    assert "outcome-form" in on_the_day
