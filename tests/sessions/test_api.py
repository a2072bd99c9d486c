"""The sessions and meetings API: shapes, errors (422) and warnings."""

from __future__ import annotations

from council_app.auth import services as auth_services
from council_app.extensions import db


def bearer(make_user, role="secretariat") -> dict:
    token = auth_services.issue_token(make_user(role), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_sessions_of_a_year(client, demo):
    body = client.get("/api/v1/sessions?year=2023").get_json()
    assert body["total"] == 5 and "self" in body["links"]
    first = body["data"][0]
    assert {k: first[k] for k in ("number", "kind", "start", "end", "days", "status", "name")} == {
        "number": 242,
        "kind": "extraordinary",
        "start": "2023-02-14",
        "end": "2023-02-23",
        "days": 10,
        "status": "closed",
        "name": "제242회 임시회",
    }


def test_plan_totals(client, demo):
    plan = client.get("/api/v1/sessions/plan?year=2023").get_json()
    assert plan["year"] == 2023
    assert plan["total"] == {"count": 5, "days": 80}
    assert plan["regular"] == {"count": 2, "days": 51}
    assert plan["extraordinary"] == {"count": 3, "days": 29}
    assert plan["limits"]["annual_days"] == 110 and plan["remaining"]["annual_days"] == 30
    plan_2022 = client.get("/api/v1/sessions/plan?year=2022").get_json()
    assert plan_2022["total"] == {"count": 8, "days": 75}


def test_bad_year_is_a_422_in_korean(client, demo):
    response = client.get("/api/v1/sessions?year=abc")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "year"


def test_bodies_and_meetings(client, demo):
    meetings = client.get("/api/v1/meetings?from=2023-06-01&to=2023-06-30&body=plenary").get_json()
    assert meetings["total"] >= 2
    meeting = meetings["data"][0]
    assert meeting["name"] == "제244회 정례회 제1차 본회의"
    assert meeting["session"] == 244 and meeting["body"] == "plenary" and meeting["sitting"] == 1
    assert meeting["date"] == "2023-06-08" and meeting["start"] == "10:00"
    assert meeting["status"] == "held" and meeting["public"] is True
    assert meeting["modified"].endswith("+09:00")
    detail = client.get(f"/api/v1/meetings/{meeting['id']}").get_json()
    assert detail == meeting
    assert client.get("/api/v1/meetings/999999").status_code == 404
    assert client.get("/api/v1/meetings?body=nope").status_code == 422
    assert client.get("/api/v1/meetings?from=yesterday").status_code == 422


def test_meetings_come_a_page_at_a_time_and_the_pages_hold_them_all(client, demo):
    everything = client.get("/api/v1/meetings?per_page=500").get_json()
    assert everything["total"] == len(everything["data"]) > 3
    assert "next" not in everything["links"]

    url, seen = "/api/v1/meetings?per_page=3", []
    while url:
        page = client.get(url).get_json()
        assert page["total"] == everything["total"] and len(page["data"]) <= 3
        seen += [m["id"] for m in page["data"]]
        url = page["links"].get("next")
        assert url is None or "per_page=3" in url
    assert seen == [m["id"] for m in everything["data"]]

    session_page = client.get("/api/v1/meetings?session=244&per_page=2&page=2").get_json()
    assert {m["session"] for m in session_page["data"]} == {244}
    assert "session=244" in session_page["links"]["prev"]
    for bad in ("per_page=0", "per_page=501", "per_page=x", "page=0"):
        response = client.get(f"/api/v1/meetings?{bad}")
        assert response.status_code == 400, bad
        assert response.get_json()["errors"][0]["field"] in ("page", "per_page")


def test_create_session_broken_rule_is_422_with_field(client, council, make_user):
    response = client.post(
        "/api/v1/sessions",
        json={"number": 247, "kind": "extraordinary", "start": "2024-03-01", "end": "2024-03-16"},
        headers=bearer(make_user),
    )
    assert response.status_code == 422
    assert response.get_json() == {
        "errors": [{"field": "end", "message": "임시회 회기는 15일 이내여야 합니다 (입력: 16일)"}]
    }
    assert client.get("/api/v1/sessions?year=2024").get_json()["total"] == 0


def test_create_session_with_warning_is_201(client, council, make_user):
    response = client.post(
        "/api/v1/sessions",
        json={"number": 247, "kind": "regular", "start": "2024-06-10", "end": "2024-06-20"},
        headers=bearer(make_user),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "제247회 정례회" and body["days"] == 11
    assert len(body["warnings"]) == 1 and "집회일 변경 의결" in body["warnings"][0]
    assert response.headers["Location"].endswith("/sessions/247")


def test_patch_session_and_meeting(client, council, make_user):
    headers = bearer(make_user)
    client.post(
        "/api/v1/sessions",
        json={"number": 247, "kind": "extraordinary", "start": "2024-02-13", "end": "2024-02-20"},
        headers=headers,
    )
    created = client.post(
        "/api/v1/meetings",
        json={"session": 247, "body": "plenary", "date": "2024-02-17", "start": "10:00"},
        headers=headers,
    )
    assert created.status_code == 201
    meeting = created.get_json()
    assert meeting["warnings"] == ["2024. 2. 17.(토)은 토요일입니다."]
    moved = client.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"date": "2024-02-19", "place": "본회의장"},
        headers=headers,
    ).get_json()
    assert moved["date"] == "2024-02-19" and moved["warnings"] == [] and moved["revision"] == 1
    confirmed = client.patch("/api/v1/sessions/247", json={"status": "confirmed"}, headers=headers)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    wrong_sitting = client.post(
        "/api/v1/meetings",
        json={
            "session": 247,
            "body": "plenary",
            "date": "2024-02-20",
            "start": "10:00",
            "sitting": 5,
        },
        headers=headers,
    )
    assert wrong_sitting.status_code == 422
    assert wrong_sitting.get_json()["errors"][0]["field"] == "sitting"


def test_writes_need_a_json_object(client, council, make_user):
    response = client.post("/api/v1/sessions", data="nonsense", headers=bearer(make_user))
    assert response.status_code == 400
    assert "JSON" in response.get_json()["errors"][0]["message"]


def test_stenographer_token_cannot_write_sessions(client, council, make_user):
    response = client.post(
        "/api/v1/sessions", json={"number": 1}, headers=bearer(make_user, "stenographer")
    )
    assert response.status_code == 403


def test_revoked_or_bad_token_is_401(client, council):
    response = client.post(
        "/api/v1/sessions", json={}, headers={"Authorization": "Bearer cnl_nothing"}
    )
    assert response.status_code == 401
