"""The search box finds members, agenda items, sessions and meetings besides speeches."""

import pytest
from sqlalchemy import select

from council_app.agenda.models import AgendaItem
from council_app.council.models import Member
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.minutes.models import Utterance


def _lookup(client, q: str) -> dict:
    response = client.get("/api/v1/lookup", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("q", ["김가상", "김가상 의원", "위원장 김가상", "의장 김가상"])
def test_a_member_is_found_by_name_with_or_without_title(client, demo, q):
    kim = db.session.scalar(select(Member).where(Member.name == "김가상"))
    assert [m["id"] for m in _lookup(client, q)["members"]] == [kim.id]
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert f'href="/members/{kim.id}"' in page
    assert f'href="/search?member={kim.id}"' in page


@pytest.mark.parametrize("q", ["제11호", "의안번호 11", "11호"])
def test_an_item_is_found_by_its_number(client, demo, q):
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.bill_number == 11))
    found = _lookup(client, q)["agenda_items"]
    assert [i["id"] for i in found] == [item.id]
    assert found[0]["reference"] == "제11호"
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert f'href="/agenda/{item.id}"' in page


def test_an_item_is_found_by_title_words(client, demo):
    found = _lookup(client, "주민참여예산 조례")["agenda_items"]
    assert found and all("주민참여예산" in i["title"] for i in found)


@pytest.mark.parametrize("q", ["제244회", "244회 정례회", "제244회정례회"])
def test_a_session_is_found_by_its_number(client, demo, q):
    assert [s["number"] for s in _lookup(client, q)["sessions"]] == [244]
    assert _lookup(client, "244회 임시회")["sessions"] == []


def test_meetings_are_found_by_sitting_and_body_and_closed_ones_never(client, demo):
    found = _lookup(client, "제2차 본회의")["meetings"]
    assert found and all(m["name"].endswith("제2차 본회의") for m in found)
    assert len(found) <= 5
    dates = [m["date"] for m in found]
    assert dates == sorted(dates, reverse=True)
    newest = db.session.get(Meeting, found[0]["id"])
    newest.public = False
    db.session.commit()
    again = [m["id"] for m in _lookup(client, "제2차 본회의")["meetings"]]
    assert newest.id not in again and again
    in_session = _lookup(client, f"제{newest.council_session.number}회 제2차 본회의")["meetings"]
    assert in_session == []


def test_the_speech_search_is_unchanged_below(client, demo):
    plain = client.get("/api/v1/search", query_string={"q": "예산"}).get_json()
    page = client.get("/search", query_string={"q": "예산", "kind": "all"}).get_data(as_text=True)
    assert "검색한 말과 맞는 의원·안건·회기·회의" in page
    assert f"발언 {plain['total']}건" in page


def test_lookup_input_is_bounded(client, demo):
    response = client.get("/api/v1/lookup", query_string={"q": "가" * 1001})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "q"
    long = _lookup(client, "김가상 " * 30)
    assert long["members"] == [] and long["agenda_items"] == []
    assert _lookup(client, "")["members"] == []


def test_lookup_is_in_the_openapi_document(client, demo):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/lookup" in paths
    assert "/api/v1/members" in paths and "/api/v1/members/{member_id}" in paths


def test_facets_count_a_member_once_whatever_the_title(client, demo):
    facets = client.get("/api/v1/search", query_string={"q": "상정합니다"}).get_json()["facets"]
    speakers = facets["speaker"]
    kim = db.session.scalar(select(Member).where(Member.name == "김가상"))
    assert "김가상" in speakers
    assert not [label for label in speakers if label != "김가상" and "김가상" in label]
    # He opened items as 의장 (plenary) and as 위원장 (special committees): one entry counts both.
    labels = set(
        db.session.scalars(
            select(Utterance.speaker).where(
                Utterance.member_id == kim.id, Utterance.text.contains("상정합니다")
            )
        )
    )
    assert {"의장 김가상", "위원장 김가상"} <= labels
    only_his = client.get(
        "/api/v1/search", query_string={"q": "상정합니다", "speaker": "김가상"}
    ).get_json()
    assert speakers["김가상"] == only_his["total"]
