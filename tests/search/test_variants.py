"""Other spellings of a query word: abbreviations both ways, numbers, Hanja readings."""

import pytest

from council_app import create_app
from council_app.search import readings, variants
from council_app.search.index import SearchFilters, SearchIndex


def test_abbreviations_go_both_ways_and_groups_join():
    built_in = variants.load()
    assert built_in.of("행감") == ["행정사무감사"]
    assert "행감" in built_in.of("행정사무감사")
    assert built_in.of("복건위") == ["복지건설위원회"]
    assert built_in.of("행재위") == ["행정재경위원회"]
    assert built_in.of("행정재경위원회") == ["행재위"]
    assert set(built_in.of("예결위")) == {"예결특위", "예산결산특별위원회"}
    # A particle after the abbreviation: its stem is looked up.
    assert built_in.of("복건위에서", "복건위") == ["복지건설위원회"]


def test_numbers_are_searched_as_people_type_them():
    assert set(variants.number_variants("1000만원")) == {"1,000만원", "1,000만 원", "1000만 원"}
    assert "1000만" in variants.number_variants("1,000만")
    assert variants.number_variants("2조4000억") == ["2조4,000억"]
    # A year or a number is no amount.
    assert variants.number_variants("2016년도") == []
    assert variants.number_variants("예산") == []


def test_hanja_reads_in_hangul_and_names_as_names():
    assert readings.reading("國土交通委員長代理 朴成浩") == "국토교통위원장대리 박성호"
    assert readings.reading("李承晩") == "이승만"
    # 金 is 김 as a family name, and still 금 in a word.
    assert readings.readings("金永柱 議員") == ["금영주 의원", "김영주 의원"]
    assert readings.readings("예산") == []


def test_a_council_adds_its_own_abbreviations_by_a_setting(tmp_path):
    extra = tmp_path / "ours.txt"
    extra.write_text("# 우리 의회\n구건위 = 구민건강위원회\n", encoding="utf-8")
    council_list = variants.load(extra)
    assert council_list.of("구건위") == ["구민건강위원회"]
    assert council_list.of("행감") == ["행정사무감사"]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'council.sqlite3'}",
            "SEARCH_POLL_SECONDS": 0,
            "SEARCH_INDEX_PATH": str(tmp_path / "index"),
            "SEARCH_ABBREVIATIONS_FILE": str(extra),
        }
    )
    assert app.extensions["council_search_index"].variants.of("구민건강위원회") == ["구건위"]


def test_a_bad_abbreviation_file_says_which_line(tmp_path):
    extra = tmp_path / "bad.txt"
    extra.write_text("행감 = 행정사무감사\n구건위\n", encoding="utf-8")
    with pytest.raises(variants.AbbreviationFileError, match="2번째 줄"):
        variants.load(extra)
    with pytest.raises(variants.AbbreviationFileError, match="읽을 수 없습니다"):
        variants.load(tmp_path / "missing.txt")


ROWS = [
    ("위원장 김가상", "행정사무감사 결과를 보고합니다."),
    ("위원 이가상", "행감에서 지적한 사항입니다."),
    ("國土交通委員長代理 朴成浩", "國家保安法 개정안을 설명드리겠습니다."),
    ("위원 박가상", "국가보안법 이야기는 그만하고 예산 1,000만 원을 봅시다."),
    ("위원 최가상", "총 2조 4,000억 원 규모입니다."),
    ("위원 정가상", "1000만원짜리 사업입니다."),
]


@pytest.fixture
def index(tmp_path):
    index = SearchIndex(tmp_path / "index", variants=variants.load()).create()
    index.add_utterances(
        {"minutes_id": 1, "order": n, "speaker": speaker, "text": text, "body": "plenary"}
        for n, (speaker, text) in enumerate(ROWS, 1)
    )
    return index


def speakers(index, q, **filters):
    return [hit.speaker for hit in index.search(q, SearchFilters(**filters)).hits]


def test_an_abbreviation_finds_the_full_form_and_back_exact_first(index):
    assert speakers(index, "행감") == ["위원 이가상", "위원장 김가상"]
    assert speakers(index, "행정사무감사") == ["위원장 김가상", "위원 이가상"]
    # Quoted, a word is searched as written.
    assert speakers(index, '"행감"') == ["위원 이가상"]


def test_hangul_finds_hanja_below_the_hangul_and_the_facet_reads_it(index):
    assert speakers(index, "국가보안법") == ["위원 박가상", "國土交通委員長代理 朴成浩"]
    result = index.search("개정안")
    assert result.facets["speaker"] == {"국토교통위원장대리 박성호": 1}
    # The speaker filter takes the reading (the facet's link) or the label as printed.
    assert speakers(index, "", speaker="박성호") == ["國土交通委員長代理 朴成浩"]
    assert speakers(index, "", speaker="국토교통위원장대리 박성호") == ["國土交通委員長代理 朴成浩"]
    assert speakers(index, "", speaker="朴成浩") == ["國土交通委員長代理 朴成浩"]
    # A word typed in Hanja finds its reading too.
    assert speakers(index, "國家保安法") == ["國土交通委員長代理 朴成浩", "위원 박가상"]


def test_amounts_find_each_other_however_typed(index):
    assert set(speakers(index, "1000만원")) == {"위원 박가상", "위원 정가상"}
    assert set(speakers(index, "1,000만 원")) == {"위원 박가상", "위원 정가상"}
    assert speakers(index, "2조4000억") == ["위원 최가상"]


ASSEMBLY_MINUTES = """제300회 서울특별시 금천구의회(임시회)
본회의회의록
(10시00분 개의)
◯國土交通委員長代理 朴成浩  國家保安法 개정안에 대하여 보고드리겠습니다.
◯의장 김가상  행재위에서 넘어온 안건입니다.
◯이가상 의원  행정재경위원회 심사 결과 1,000만 원을 줄였습니다.
(10시30분 산회)
"""


def test_citizen_finds_hanja_abbreviations_and_amounts_written_another_way(client, publish):
    minutes = publish(ASSEMBLY_MINUTES, body="plenary")

    def search(q, **args):
        response = client.get("/api/v1/search", query_string={"q": q, **args})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    found = search("국가보안법")
    assert [hit["speaker"] for hit in found["data"]] == ["國土交通委員長代理 朴成浩"]
    assert found["data"][0]["web"].endswith(f"/minutes/{minutes.id}#u-1")
    assert found["facets"]["speaker"] == {"국토교통위원장대리 박성호": 1}
    # The facet's link filters by the reading.
    assert search("", speaker="국토교통위원장대리 박성호")["total"] == 1

    assert [hit["speaker"] for hit in search("행재위")["data"]] == ["의장 김가상", "이가상 의원"]
    assert [hit["speaker"] for hit in search("행정재경위원회")["data"]] == [
        "이가상 의원",
        "의장 김가상",
    ]
    assert [hit["speaker"] for hit in search("1000만원")["data"]] == ["이가상 의원"]

    html = client.get("/search", query_string={"q": "국가보안법"}).get_data(as_text=True)
    assert "國土交通委員長代理 朴成浩" in html and ">국토교통위원장대리 박성호</a>" in html
