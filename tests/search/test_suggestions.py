"""이것을 찾으셨나요?: the search page and the API correct a mistyped query."""

import datetime

import pytest

from tests.search.conftest import PLENARY_MINUTES

MORE_BUDGET = """제300회 서울특별시 금천구의회(임시회)
본회의회의록
(10시00분 개의)
○의장 김가상\u2003금천구청 예산 심사 결과를 보고해 주십시오.
○이가상 의원\u2003금천구청의 예산 집행이 늦습니다.
○박가상 의원\u2003예산 편성에 대해 묻겠습니다.
(10시30분 산회)
"""


@pytest.fixture
def minutes(app, publish):
    """Minutes where 예산 and 금천구청 are said in several turns."""
    app.config["SEARCH_SPELLER_REFRESH_SECONDS"] = 0
    publish()
    publish(PLENARY_MINUTES, body="plenary", day=datetime.date(2023, 1, 5))
    return publish(MORE_BUDGET, body="plenary", day=datetime.date(2023, 1, 6))


def test_page_offers_the_word_meant_for_a_slip(client, minutes):
    html = client.get("/search", query_string={"q": "얘산"}).get_data(as_text=True)
    assert "찾는 발언이 없습니다." in html
    assert "이것을 찾으셨나요?" in html
    assert '<a href="/search?q=%EC%98%88%EC%82%B0" rel="nofollow">예산</a>' in html


def test_page_corrects_one_word_of_several(client, minutes):
    html = client.get("/search", query_string={"q": "금천구칭 예산"}).get_data(as_text=True)
    assert "이것을 찾으셨나요?" in html and ">금천구청 예산</a>" in html


def test_page_suggests_nothing_for_words_spelled_right(client, minutes):
    for q in ("예산", "금천구청", "추가경정예산", "보행환경"):
        html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
        assert "이것을 찾으셨나요?" not in html, q


def test_api_answers_suggestions_with_links(client, minutes):
    data = client.get("/api/v1/search", query_string={"q": "얘산"}).get_json()
    assert data["total"] == 0
    assert [s["q"] for s in data["suggestions"]] == ["예산"]
    assert data["suggestions"][0]["links"]["self"].endswith("/api/v1/search?q=%EC%98%88%EC%82%B0")
    assert client.get("/api/v1/search", query_string={"q": "예산"}).get_json()["suggestions"] == []


def test_openapi_documents_the_suggestions(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/search"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schemas = document["components"]["schemas"]
    field = schemas[answer.rsplit("/", 1)[1]]["properties"]["suggestions"]
    assert field["type"] == "array"
    suggestion = schemas[field["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(suggestion["required"]) == {"q", "links"}
    assert "이것을 찾으셨나요?" in suggestion["description"]
