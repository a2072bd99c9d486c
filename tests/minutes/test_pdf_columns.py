"""Two-column PDFs: read column by column, words cut at a line end made whole again."""

import itertools

import pytest

from council_app.minutes import guards
from council_app.minutes.extract import extract_text
from council_app.minutes.parse import parse_minutes
from tests.minutes.builders import korean_pdf

LEFT = [
    "◯위원장 김가상  회의를 시작하겠습니다.",
    "오늘은 2025년도 예산안을 심사하겠",
    "습니다. 보고해 주십시오.",
    "◯이가상 위원  질의하겠습니다. 보행",
    "환경 개선 예산이 부족합니다.",
]
RIGHT = [
    "◯위원장 김가상  답변해 주십시오.",
    "시간이 부족하니 짧게 해 주십시오.",
    "◯구청장 박예시  예산을 늘리겠습니",
    "다. 시장 골목도 살피겠습니다.",
]


def two_columns() -> bytes:
    """Return a page whose lines are drawn row by row across both columns, as typesetters do."""

    def column(x, lines):
        return [(x, 780 - 15 * row, text) for row, text in enumerate(lines)]

    rows = itertools.zip_longest(column(50, LEFT), column(310, RIGHT))
    return korean_pdf([[line for row in rows for line in row if line]])


def test_two_columns_read_in_order_with_cut_words_joined():
    text = extract_text(two_columns(), "회의록.pdf", max_seconds=20).text
    assert text.split("\n") == [
        "◯위원장 김가상  회의를 시작하겠습니다. 오늘은 2025년도 예산안을 심사하겠습니다. "
        "보고해 주십시오.",
        "◯이가상 위원  질의하겠습니다. 보행환경 개선 예산이 부족합니다.",
        "◯위원장 김가상  답변해 주십시오. 시간이 부족하니 짧게 해 주십시오.",
        "◯구청장 박예시  예산을 늘리겠습니다. 시장 골목도 살피겠습니다.",
    ]
    parsed = parse_minutes(text)
    assert [u.speaker for u in parsed.utterances] == [
        "위원장 김가상",
        "이가상 위원",
        "위원장 김가상",
        "구청장 박예시",
    ]
    # `다.` at a line start was a cut sentence, not an item `다.` of the agenda.
    assert not any(getattr(b, "kind", None) == "agenda_heading" for b in parsed.blocks)


@pytest.mark.parametrize(
    ("name", "turns", "whole"),
    [
        ("2011-04-28_18.299.04.4DS.pdf", 132, "1. 현안보고"),
        ("sample_2020.pdf", 355, "의료기관 감염 관리도 강화하였습니다."),
    ],
)
def test_corpus_two_column_pdfs(corpus, name, turns, whole):
    text = extract_text((corpus / "pdf" / name).read_bytes(), name, max_seconds=60).text
    parsed = parse_minutes(text)
    assert len({u.order for u in parsed.utterances}) == turns
    assert whole in text
    headings = [b.text for b in parsed.blocks if getattr(b, "kind", None) == "agenda_heading"]
    assert guards.fragment_headings(headings) == []
    assert not any(h.startswith(("다. ", "요. ")) for h in headings)
    # Before, over 60 % of speech lines ended mid-word; now under a quarter.
    assert len(guards.cut_lines(text)) * 4 < guards.speech_lines(text)
