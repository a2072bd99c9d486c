"""Search stays up: a deleted index, a query that would run long, a catch-up never inline."""

import datetime
import shutil

import pytest

from council_app.core import caching
from council_app.search import sync

#: Quoted, the bigrams of a long phrase all have to be checked in order, utterance by
#: utterance: what made one search take 31 s on a large index.
PHRASE = "추가경정예산안에 대한 행정재경위원회의 심사보고를 들으시고 질의와 토론을 하겠습니다"
TURNS = 300


def many_turns() -> str:
    speakers = ("○위원장 김가상", "○이가상 위원")
    lines = [f"{speakers[n % 2]}\u2003{PHRASE} 이번이 {n}번째 발언입니다." for n in range(TURNS)]
    return "제300회 서울특별시 금천구의회(임시회)\n행정재경위원회회의록\n" + "\n".join(lines)


def get(client, url, **args):
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_a_deleted_index_neither_breaks_search_nor_the_health_check(app, client, publish):
    minutes = publish()
    assert get(client, "/api/v1/search", q="보행환경").get_json()["total"] == 1
    # Deleted while the app runs, its searcher open.
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    # The stored answer from before would still be right; this test asks the index itself.
    caching.cache.clear()
    data = get(client, "/api/v1/search", q="보행환경").get_json()
    assert data["rebuilding"] is True and data["data"] == []
    assert "검색 색인을 다시 만들고 있어" in get(client, "/search", q="보행환경").get_data(
        as_text=True
    )
    report = get(client, "/healthz").get_json()
    assert report["status"] == "ok" and report["search_index"]["ok"] is True
    assert sync.wait_for_catch_up(30)
    data = get(client, "/api/v1/search", q="보행환경").get_json()
    assert [hit["minutes_id"] for hit in data["data"]] == [minutes.id]
    assert data["rebuilding"] is False
    assert get(client, "/healthz").get_json()["search_index"]["documents"] == 3


def test_health_survives_a_deleted_index(app, client, publish):
    publish()
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    report = get(client, "/healthz").get_json()["search_index"]
    assert report["exists"] is False and report["rebuilding"] is True
    assert sync.wait_for_catch_up(30)
    report = get(client, "/healthz").get_json()["search_index"]
    assert report["exists"] is True and report["documents"] == 3


@pytest.fixture
def long_minutes(publish):
    return publish(many_turns(), day=datetime.date(2023, 1, 4))


def test_a_search_out_of_time_answers_with_part_of_the_hits(app, client, long_minutes):
    args = {"q": f'"{PHRASE}"', "sort": "date"}
    data = get(client, "/api/v1/search", **args).get_json()
    assert data["partial"] is False and data["total"] == TURNS
    app.config["SEARCH_TIME_BUDGET_SECONDS"] = 0
    # A setting changed at run time is no change of data: the stored answer would stand.
    caching.cache.clear()
    data = get(client, "/api/v1/search", **args).get_json()
    assert data["partial"] is True
    assert 0 < data["total"] < TURNS and len(data["data"]) == 20
    assert all(
        PHRASE[:6] in hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        for hit in data["data"]
    )
    page = get(client, "/search", **args).get_data(as_text=True)
    assert "결과가 많아 일부만 보여 줍니다" in page


def test_a_search_out_of_time_never_lets_through_what_it_should_exclude(app, client, long_minutes):
    app.config["SEARCH_TIME_BUDGET_SECONDS"] = 0
    # Every utterance says the phrase; excluding it must leave nothing, in time or not.
    data = get(client, "/api/v1/search", q=f'발언입니다 -"{PHRASE}"', sort="date").get_json()
    assert data["partial"] is True and data["total"] == 0 and data["data"] == []


def test_a_query_of_too_many_words_is_refused_with_a_reason(client, publish):
    # Each word is one more posting list to read; 200 characters are refused elsewhere.
    publish()
    q = " ".join(f"낱말{n}" for n in range(13))
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "q" and "12개 이하" in error["message"]
