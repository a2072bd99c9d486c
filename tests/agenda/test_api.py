"""The agenda API: list and item shapes, the meeting's agenda, writes and their errors."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from council_app.agenda import services
from council_app.agenda.commands import OutcomeCommand, ReferralCommand
from council_app.agenda.models import ItemKind, Result
from council_app.core.errors import RuleViolation
from council_app.core.time import today_kst
from council_app.extensions import db
from council_app.meetings import order

KST = ZoneInfo("Asia/Seoul")


@pytest.fixture
def staff(make_user, login):
    login(make_user("secretariat"))


@pytest.fixture
def committee(make_meeting):
    return make_meeting("admin-finance", date(2023, 6, 12))


def test_item_shape_follows_oparl_names(client, make_item, bodies, committee):
    item = make_item(bill_number=4)
    services.refer(item, ReferralCommand("admin-finance", date(2023, 6, 1)))
    order.add_to_order(committee, item, reason="상정")
    services.record_outcome(committee, item, OutcomeCommand(Result.PASSED, votes_yes=3, votes_no=0))
    db.session.commit()
    data = client.get(f"/api/v1/agenda-items/{item.id}").get_json()
    assert data["reference"] == "제4호" and data["name"] == item.title
    assert data["paper_type"] == "조례안" and data["date"] == "2023-05-30"
    assert data["status"] == "committee_decided" and data["status_label"] == "위원회 심사 완료"
    assert data["under_direction_of"] == ["admin-finance"]
    assert data["referrals"][0]["referred_on"] == "2023-06-01"
    [outcome] = data["outcomes"]
    assert outcome["result"] == "passed" and outcome["votes"] == {
        "yes": 3,
        "no": 0,
        "abstain": None,
    }
    assert outcome["meeting"]["name"] == "제244회 정례회 제1차 행정재경위원회"


def test_list_filters_and_pages(client, make_item, committee):
    for n in range(3):
        order.add_to_order(committee, make_item(f"안건 {n}"), reason="상정")
    make_item("보고", kind=ItemKind.REPORT)
    db.session.commit()
    data = client.get("/api/v1/agenda-items?session=244&per_page=2").get_json()
    assert data["total"] == 3 and len(data["data"]) == 2
    assert "page=2" in data["links"]["next"] and "session=244" in data["links"]["next"]
    assert client.get("/api/v1/agenda-items?kind=report").get_json()["total"] == 1
    assert client.get("/api/v1/agenda-items?year=2022").get_json()["total"] == 0


def test_bad_filter_is_a_422_with_the_field(client):
    response = client.get("/api/v1/agenda-items?status=maybe")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "status"


def test_meeting_agenda_lists_lines_in_order(client, make_item, committee):
    first, second = make_item("첫째"), make_item("둘째")
    order.set_order(committee, [second, first], reason="상정")
    db.session.commit()
    data = client.get(f"/api/v1/meetings/{committee.id}/agenda").get_json()
    assert [(line["order"], line["name"]) for line in data["data"]] == [(1, "둘째"), (2, "첫째")]
    assert data["data"][0]["result"] is None


def test_yearly_counts_endpoint(client, make_item, committee):
    order.add_to_order(committee, make_item(), reason="상정")
    db.session.commit()
    [line] = client.get("/api/v1/agenda-items/yearly-counts").get_json()["data"]
    assert line["text"] == "2023년 1회 1건: 정례회 1건, 임시회 0건"
    assert line["regular"] == {"sessions": 1, "items": 1}


def test_secretariat_creates_refers_schedules_and_decides(client, staff, council, committee):
    response = client.post(
        "/api/v1/agenda-items",
        json={
            "name": "서울특별시 금천구 예시 조례안",
            "kind": "ordinance",
            "proposer_kind": "district_head",
            "date": "2023-05-30",
            "bill_number": 9,
        },
    )
    assert response.status_code == 201, response.get_json()
    item_id = response.get_json()["id"]
    response = client.post(
        f"/api/v1/agenda-items/{item_id}/referrals",
        json={"organization": "admin-finance", "referred_on": "2023-06-01"},
    )
    assert response.status_code == 201
    response = client.post(
        f"/api/v1/meetings/{committee.id}/agenda", json={"item": item_id, "reason": "상정"}
    )
    assert response.status_code == 201 and response.get_json()["total"] == 1
    response = client.post(
        f"/api/v1/meetings/{committee.id}/outcomes", json={"item": item_id, "result": "passed"}
    )
    assert response.status_code == 201
    assert response.get_json()["agenda_item"]["status"] == "committee_decided"


def test_write_errors_share_the_error_shape(client, staff, council, make_item, committee):
    response = client.post("/api/v1/agenda-items", json={"name": "x", "kind": "poem"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "kind"

    item = make_item()
    response = client.post(
        f"/api/v1/meetings/{committee.id}/outcomes", json={"item": item.id, "result": "passed"}
    )
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "item" and "의사일정에 없는 안건" in error["message"]

    response = client.put(f"/api/v1/meetings/{committee.id}/agenda", json={"items": [item.id]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "reason"


def test_writes_need_a_login(client, council):
    assert client.post("/api/v1/agenda-items", json={}).status_code == 401


def test_openapi_lists_the_agenda_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/agenda-items"])
    assert {"get", "put", "post"} <= set(paths["/api/v1/meetings/{meeting_id}/agenda"])
    assert paths["/api/v1/meetings/{meeting_id}/outcomes"]["post"]["x-permission"] == (
        "manage_agenda"
    )


@pytest.mark.parametrize("day", ["9999-12-31", "eleven years ahead", "1948-12-31"])
def test_a_referral_dated_beyond_the_sane_range_is_refused(client, staff, make_item, day):
    last_year = today_kst().year + 10
    if day == "eleven years ahead":
        day = f"{last_year + 1}-01-01"
    item = make_item()
    response = client.post(
        f"/api/v1/agenda-items/{item.id}/referrals",
        json={"organization": "admin-finance", "referred_on": day},
    )
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == "referred_on"
    assert f"1949년부터 {last_year}년 사이" in error["message"]
    assert db.session.get(type(item), item.id).referrals == []


def test_the_referral_form_refuses_a_date_far_ahead(bodies, make_item):
    item = make_item()
    last_year = today_kst().year + 10
    with pytest.raises(RuleViolation) as refused:
        services.refer(item, ReferralCommand("admin-finance", date(9999, 12, 31)))
    assert refused.value.errors == [
        ("referred_on", f"회부일은(는) 1949년부터 {last_year}년 사이의 날짜여야 합니다.")
    ]


def test_unknown_references_are_named_as_the_client_sent_them(
    client, staff, council, make_item, committee
):
    body = {"name": "예시", "kind": "ordinance", "proposer_kind": "committee", "date": "2023-05-30"}
    response = client.post("/api/v1/agenda-items", json={**body, "proposer_organization": "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "proposer_organization", "message": "위원회를 찾을 수 없습니다: x"}
    ]
    item = make_item()
    response = client.post(
        f"/api/v1/agenda-items/{item.id}/referrals",
        json={"organization": "x", "referred_on": "2023-06-01"},
    )
    assert response.get_json()["errors"][0]["field"] == "organization"
    response = client.put(
        f"/api/v1/meetings/{committee.id}/agenda",
        json={"items": [item.id, item.id], "reason": "상정"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "items", "message": "같은 안건을 의사일정에 두 번 올릴 수 없습니다."}
    ]
