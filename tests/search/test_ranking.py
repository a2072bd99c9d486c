"""Ranking: what was said about a topic comes before the chair's procedural formulas."""

import datetime
import re

import pytest

from tests.search.conftest import BUDGET_MINUTES


def api(client, **args):
    response = client.get("/api/v1/search", query_string={"per_page": 100, **args})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _is_opening(hit):
    return "개의하겠습니다" in hit["snippet"]


def test_demo_budget_puts_a_members_remark_above_the_chairs_opening_formula(client, demo):
    hits = api(client, q="예산")["data"]
    kinds = [h["kind"] for h in hits]
    assert kinds[0] == "speech" and "procedural" in kinds
    # Every discussion turn first, then the formulas.
    assert kinds == sorted(kinds, key=lambda kind: kind == "procedural")
    remark = next(
        n for n, h in enumerate(hits) if "예산</mark>안에 대해 구민 의견을" in h["snippet"]
    )
    opening = next(n for n, h in enumerate(hits) if _is_opening(h))
    assert remark < opening
    assert re.search(r"^(박가상|이가상) (의원|위원)$", hits[0]["speaker"])


def test_demo_topic_ties_are_broken_by_date_newest_first(client, demo):
    hits = api(client, q="구민 의견")["data"]
    assert hits and all(h["kind"] == "speech" for h in hits)
    by_score = {}
    for hit in hits:
        by_score.setdefault(hit["score"], []).append(hit["date"])
    tied = [dates for dates in by_score.values() if len(set(dates)) > 1]
    assert tied, "the demo repeats one remark at many sittings"
    assert all(dates == sorted(dates, reverse=True) for dates in tied)


def test_demo_a_query_about_procedure_finds_the_formulas_first(client, demo):
    hits = api(client, q="의사일정 상정")["data"]
    assert hits[0]["kind"] == "procedural"
    assert "<mark>의사일정</mark>" in hits[0]["snippet"]
    best = [h["date"] for h in hits if h["score"] == hits[0]["score"]]
    assert len(best) > 1 and hits[0]["date"] == max(best)


@pytest.fixture
def budget(publish):
    return publish(BUDGET_MINUTES, day=datetime.date(2023, 1, 3))


def test_the_api_labels_each_hit_and_filters_by_kind(client, budget):
    every = api(client, q="추가경정예산 OR 예산")["data"]
    assert [h["kind"] for h in every] == ["speech", "procedural"]
    assert [h["speaker"] for h in every][0] == "이가상 위원"
    only_speech = api(client, q="추가경정예산 OR 예산", kind="speech")
    assert [h["kind"] for h in only_speech["data"]] == ["speech"]
    formulas = api(client, q="추가경정예산 OR 예산", kind="procedural")
    assert {h["speaker"] for h in formulas["data"]} == {"위원장 김가상"}
    assert formulas["facets"]["kind"] == {"procedural": 1}
    # Naming procedure (산회) asks for the formulas: they rank by their words alone.
    closing = api(client, q="추가경정예산 OR 예산 OR 산회")["data"]
    assert [h["kind"] for h in closing][0] == "procedural"
    assert api(client, q="예산", kind="procedural", sort="date")["total"] == 1
    response = client.get("/api/v1/search", query_string={"q": "예산", "kind": "chair"})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "kind" and "발언 종류" in error["message"]


def _hit_speakers(html):
    return re.findall(r'class="hit-speaker">([^<]+)</a>', html)


def _toggle(html: str) -> str:
    return re.search(r'<input type="checkbox" id="s-kind"[^>]*>', html)[0]


def test_a_topic_shows_discussion_only_by_default(client, budget):
    html = client.get("/search", query_string={"q": "추가경정예산 OR 예산"}).text
    assert _hit_speakers(html) == ["이가상 위원"]
    assert "checked" not in _toggle(html)
    assert '<label for="s-kind">절차 발언 포함</label>' in html
    # The default is no filter the reader chose: the "조건 더하기" fold stays closed.
    assert '<details class="search-filters" >' in html
    # The API keeps every kind unless asked, the formulas last.
    hits = api(client, q="추가경정예산 OR 예산")["data"]
    assert [h["kind"] for h in hits] == ["speech", "procedural"]


def test_the_ticked_box_shows_procedural_turns_after_discussion(client, budget):
    html = client.get("/search", query_string={"q": "추가경정예산 OR 예산", "kind": "all"}).text
    assert _hit_speakers(html) == ["이가상 위원", "위원장 김가상"]
    assert html.count('class="badge hit-kind">절차 발언<') == 1
    assert "checked" in _toggle(html)


def test_a_query_about_procedure_shows_the_formulas_with_the_box_ticked(client, budget):
    html = client.get("/search", query_string={"q": "예산 상정"}).text
    assert "위원장 김가상" in _hit_speakers(html)
    assert "checked" in _toggle(html)


def test_words_only_the_formulas_hold_are_shown_rather_than_nothing(client, budget):
    # 추가경정예산안 is said only in the chair's "…을 상정합니다".
    assert api(client, q="추가경정예산안", kind="speech")["total"] == 0
    html = client.get("/search", query_string={"q": "추가경정예산안"}).text
    assert _hit_speakers(html) == ["위원장 김가상"]
    assert "checked" in _toggle(html)


def test_unticking_the_toggle_hides_procedural_turns(client, budget):
    # An unticked box sends only the hidden field that follows it.
    html = client.get("/search?q=추가경정예산+OR+예산&kind=speech").text
    assert _hit_speakers(html) == ["이가상 위원"]
    toggle = re.search(r'<input type="checkbox" id="s-kind"[^>]*>', html)[0]
    assert "checked" not in toggle
    # Ticked again, the box's value comes first and wins over the hidden field.
    html = client.get("/search?q=추가경정예산+OR+예산&kind=all&kind=speech").text
    assert len(_hit_speakers(html)) == 2


def test_sort_by_date_keeps_working_with_the_toggle(client, publish):
    publish(BUDGET_MINUTES, day=datetime.date(2023, 1, 3))
    publish(BUDGET_MINUTES, day=datetime.date(2023, 1, 5))
    hits = api(client, q="예산", sort="date")["data"]
    assert [h["date"] for h in hits] == ["2023-01-05"] * 2 + ["2023-01-03"] * 2
    speech = api(client, q="예산", sort="date", kind="speech")["data"]
    assert [(h["date"], h["kind"]) for h in speech] == [
        ("2023-01-05", "speech"),
        ("2023-01-03", "speech"),
    ]
