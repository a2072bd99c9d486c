"""The search page and the JSON API: filters, facets, grouping, escaping, hostile input."""

import datetime
import re
import time

import pytest

from tests.search.conftest import PLENARY_MINUTES


@pytest.fixture
def two_meetings(publish):
    """Return a committee's and the plenary's published minutes."""
    committee = publish()
    plenary = publish(PLENARY_MINUTES, body="plenary", day=datetime.date(2023, 1, 5))
    return committee, plenary


def api(client, **args):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_api_hits_facets_and_filters(client, two_meetings):
    committee, plenary = two_meetings
    data = api(client, q="추가경정예산")
    assert data["total"] == 2
    assert data["facets"]["body"] == {"admin-finance": 1, "plenary": 1}
    # One entry per member, by name, whatever the title (issue 18).
    assert data["facets"]["speaker"] == {"김가상": 1, "이가상": 1}
    hit = api(client, q="추가경정예산", body="admin-finance")["data"][0]
    assert hit["minutes_id"] == committee.id and hit["meeting_id"] == committee.meeting_id
    assert (hit["anchor"], hit["speaker"], hit["date"], hit["body"]) == (
        "u-1",
        "위원장 김가상",
        "2023-01-03",
        "admin-finance",
    )
    assert hit["score"] > 0 and "<mark>추가경정예산</mark>" in hit["snippet"]
    assert hit["web"].endswith(f"/minutes/{committee.id}#u-1")
    assert [h["minutes_id"] for h in api(client, q="추가경정예산", speaker="이가상")["data"]] == [
        plenary.id
    ]
    assert api(client, q="추가경정예산", **{"from": "2023-01-04"})["total"] == 1
    term = committee.meeting.council_session.term.number
    assert api(client, q="추가경정예산", to="2023-01-03", session=300, term=term)["total"] == 1
    assert api(client, q="추가경정예산", term=term + 1)["total"] == 0


def test_api_sorts_by_date_and_pages(client, two_meetings):
    data = api(client, sort="date", per_page=2)
    assert data["total"] == 5
    assert [h["date"] for h in data["data"]] == ["2023-01-05", "2023-01-05"]
    assert "page=2" in data["links"]["next"] and "prev" not in data["links"]
    last = api(client, sort="date", per_page=2, page=3)
    assert len(last["data"]) == 1 and "next" not in last["links"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "2023-13-01"}, "from"),
        ({"from": "2023-02-01", "to": "2023-01-01"}, "to"),
        ({"body": "no-such-committee"}, "body"),
        ({"member": "abc"}, "member"),
        ({"page": "99999"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"q": "회의록 " * 2000}, "q"),
        ({"q": "-예산"}, "q"),
        ({"speaker": "가" * 51}, "speaker"),
    ],
)
def test_api_refuses_bad_input_with_korean_errors(client, two_meetings, args, field):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == field and any("가" <= ch <= "힣" for ch in error["message"])


HOSTILE = [
    '"unbalanced 추가',
    "OR",
    "NOT NOT -",
    "* OR *",
    "'; DROP TABLE utterance;--",
    "<script>alert(1)</script>",
    "\x00\x07회의록\x1b[31m\u202e",
    "😀" * 50,
    "가" * 10_000,
    "a*",
    "%_%",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_input_never_fails_nor_lingers(client, two_meetings, q):
    for url in ("/search", "/api/v1/search"):
        started = time.perf_counter()
        response = client.get(url, query_string={"q": q, "speaker": q[:60], "agenda": q})
        assert response.status_code in (200, 400, 422)
        assert time.perf_counter() - started < 2
        if url == "/search":
            assert "<script>alert" not in response.get_data(as_text=True)


def test_page_groups_hits_by_meeting_and_links_the_utterance(client, two_meetings):
    committee, _ = two_meetings
    html = client.get("/search", query_string={"q": "추가경정예산", "kind": "all"}).get_data(
        as_text=True
    )
    assert 'role="search"' in html and '<label class="field-label" for="s-q">검색어</label>' in html
    assert "발언 2건" in html
    assert html.count('class="hit-group"') == 2
    # The link carries the words to mark and the way back (issue 18), then the turn's anchor.
    assert re.search(
        rf'href="/minutes/{committee.id}\?q=[^"#]*&amp;turn=1&amp;back=[^"#]*#u-1"', html
    )
    assert "제300회 임시회 제1차 행정재경위원회" in html
    assert '행정재경위원회</a> <span class="muted">(1)</span>' in html


def test_page_escapes_what_the_minutes_say(client, two_meetings):
    html = client.get("/search", query_string={"q": "보행환경"}).get_data(as_text=True)
    assert "&lt;b&gt;늘려&lt;/b&gt;" in html and "<b>늘려" not in html
    assert "<mark>보행환경</mark>" in html


def test_page_suggests_what_to_try_when_nothing_is_found(client, two_meetings):
    response = client.get("/search", query_string={"q": "없는낱말", "body": "plenary"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "찾는 발언이 없습니다." in html
    assert "조건을 모두 빼고 다시 찾기" in html


def test_page_shows_field_errors_next_to_their_filter(client, two_meetings):
    response = client.get("/search", query_string={"q": "예산", "from": "어제"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="s-from-error">날짜는 2024-03-05처럼 입력해 주세요.' in html
    assert 'aria-invalid="true"' in html


def test_blank_page_shows_the_box_and_the_nav_links_to_it(client, council):
    html = client.get("/search").get_data(as_text=True)
    assert '<a href="/search">회의록 검색</a>' in html and "검색 결과" not in html


def test_health_reports_the_index(client, two_meetings):
    report = client.get("/healthz").get_json()["search_index"]
    assert report == {
        "ok": True,
        "exists": True,
        "documents": 5,
        "pending": 0,
        "rebuilding": False,
        # Two minutes published: two outbox rows, both applied.
        "cursor": 2,
        "latest": 2,
        "lag_seconds": 0.0,
    }


def test_openapi_lists_search(client):
    assert "/api/v1/search" in client.get("/api/v1/openapi.json").get_json()["paths"]
