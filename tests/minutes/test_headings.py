"""The one heading → agenda item matcher, used by the minutes pages and the search index."""

import pytest

from council_app.minutes.headings import heading_number, item_for_heading, names_title

ITEMS = [
    (1, "서울특별시 금천구 조례 일부개정조례안", "ordinance"),
    (2, "2023년도 제1회 추가경정예산안", "budget"),
    (3, "행정사무감사 계획서 승인의 건", "audit"),
]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # By title, whatever number the heading carries.
        ("2. 2023년도 제1회 추가경정예산안", "budget"),
        ("7. 2023년도 제1회 추가경정예산안(구청장 제출)", "budget"),
        # Spaces broken or doubled by extraction still match the title.
        ("1. 서울특별시  금천구 조례\n일부개정조례안", "ordinance"),
        # No title in the heading: its number is the place in the order of business.
        ("3. 감사 계획서 승인", "audit"),
        ("3) 감사 계획서 승인", "audit"),
        # Neither a title nor a known number.
        ("9. 기타 안건", None),
        ("가. 기획행정실 소관", None),
        ("", None),
        (None, None),
    ],
)
def test_a_heading_names_its_item_by_title_else_by_number(heading, expected):
    assert item_for_heading(heading, ITEMS) == expected


def test_a_title_beats_a_number_that_points_elsewhere():
    assert item_for_heading("1. 2023년도 제1회 추가경정예산안", ITEMS) == "budget"


def test_an_empty_title_names_nothing():
    assert not names_title("1. 조례안", "")
    assert not names_title(None, "조례안")
    assert names_title("1. 금천구  조례안", "금천구 조례안")
    assert item_for_heading("5. 조례안", [(1, " ", "blank")]) is None


def test_heading_numbers():
    assert heading_number(" 12. 안건") == 12
    assert heading_number("12 안건") is None
    assert heading_number(None) is None
