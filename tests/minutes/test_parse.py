import datetime
import re

import pytest

from council_app.minutes.extract import extract_text
from council_app.minutes.parse import (
    CLOSED_NOTICE,
    MARKERS,
    Block,
    Utterance,
    closed_flags,
    normalise,
    parse_minutes,
    public_text,
    reconstruct,
)

COUNCIL_TEXT = """제12회 금천구의회(임시회)

   본 회 의 회 의 록

제 3 호

금천구의회사무국

 2026년 3월 5일(목) 10시00분

   의사일정 (제3차 본회의)
 1. 금천구 조례 일부개정조례안

(10시05분 개의)

○의장 홍길동\u2003 성원이 되었으므로 개의를 선포합니다.

   (의사봉 3타)

그러면 의사일정에 들어가겠습니다.

1. 금천구 조례 일부개정조례안(구청장 제출)

○행정재경위원장 김영희  심사 결과를 보고드리겠습니다.
   원안 가결하였습니다(별지 참조).
〇박철수 위원\u00a0반대합니다.
○의장 홍길동
   이의가 없으므로 가결되었음을 선포합니다.

(10시40분 산회)

○출석 의원(3명)
홍길동김영희박철수
○기록 담당 공무원
이기록"""


def parse_council():
    return parse_minutes(COUNCIL_TEXT, roster=["홍길동", "김영희", "박철수"])


def test_header_fields():
    header = parse_council().header
    assert header.session_number == 12
    assert header.council == "금천구의회"
    assert header.session_kind == "임시회"
    assert header.body_name == "본회의"
    assert header.sitting == 3
    assert header.date == datetime.date(2026, 3, 5)
    assert header.start_time == "10:05"  # the 개의 mark, not the scheduled 10:00


def test_turns_speakers_and_agenda():
    turns = [u for u in parse_council().utterances if not u.continued]
    assert [(u.order, u.speaker, u.title, u.name) for u in turns] == [
        (1, "의장 홍길동", "의장", "홍길동"),
        (2, "행정재경위원장 김영희", "행정재경위원장", "김영희"),
        (3, "박철수 위원", "위원", "박철수"),
        (4, "의장 홍길동", "의장", "홍길동"),
    ]
    assert turns[0].agenda_heading is None
    assert turns[1].agenda_heading == "1. 금천구 조례 일부개정조례안(구청장 제출)"
    assert turns[1].text == "심사 결과를 보고드리겠습니다.\n원안 가결하였습니다(별지 참조)."
    assert turns[2].text == "반대합니다."
    assert turns[3].text == "이의가 없으므로 가결되었음을 선포합니다."  # label-only line
    assert [u.member for u in turns] == ["홍길동", "김영희", "박철수", "홍길동"]


def test_stage_direction_splits_a_turn_that_then_continues():
    blocks = parse_council().blocks
    kinds = [b.kind if isinstance(b, Block) else "utterance" for b in blocks]
    opening = kinds.index("stage_direction")
    assert blocks[opening].text == "(의사봉 3타)"
    resumed = blocks[opening + 1]
    assert isinstance(resumed, Utterance) and resumed.continued
    assert (resumed.order, resumed.speaker) == (1, "의장 홍길동")
    assert resumed.text == "그러면 의사일정에 들어가겠습니다."


def test_time_marks_and_closing_lists():
    blocks = [b for b in parse_council().blocks if isinstance(b, Block)]
    marks = [(b.time, b.mark) for b in blocks if b.kind == "time_mark"]
    assert marks == [("10:05", "개의"), ("10:40", "산회")]
    closing = [b.text for b in blocks if b.kind == "closing_list"]
    assert closing == ["출석 의원(3명)\n홍길동김영희박철수", "기록 담당 공무원\n이기록"]


def test_roster_finds_names_in_labels_that_lost_spaces():
    parsed = parse_minutes("◯위원장김용익  의사일정에 들어가겠습니다.", roster=["김용익"])
    (turn,) = parsed.utterances
    assert (turn.speaker, turn.member) == ("위원장김용익", "김용익")


def test_parentheses_inside_speech_stay_in_speech():
    parsed = parse_minutes(
        "○의장 홍길동  (웃음) 농담입니다.\n  (「예」하는 의원 있음)\n  가결되었습니다."
    )
    first, direction, resumed = parsed.blocks
    assert first.text == "(웃음) 농담입니다."
    assert direction.kind == "stage_direction"
    assert resumed.text == "가결되었습니다."


def test_normalise_rules():
    assert normalise("\n\n가\r\n나  \u2003\r\r\r\n\n다\n\n") == "가\n나\n\n다"
    assert normalise("\u1100\u1161") == "가"  # NFD Hangul composed


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "본문만 있는 글", COUNCIL_TEXT, COUNCIL_TEXT.replace("\n", "\r\n") + "\n\n\n"],
)
def test_reconstruct_is_lossless_on_edge_cases(text):
    assert reconstruct(parse_minutes(text)) == normalise(text)


def speaker_lines(text: str) -> int:
    """Count speaker lines independently: a marker, a label, a wide space, then words."""
    wide_space = re.compile(r"\S(?:\s{2,}|[\u00a0\u2003\u3000])\S")
    return sum(
        1
        for line in normalise(text).split("\n")
        if line and line[0] in MARKERS and wide_space.search(line[:60])
    )


@pytest.mark.parametrize(
    ("folder", "marker", "expected_turns"),
    [("national-assembly/text", "◯", 1911), ("city-council/text", "○", 1458)],
)
def test_corpus_is_lossless_and_every_turn_is_found(corpus, folder, marker, expected_turns):
    paths = sorted((corpus / folder).glob("*.txt"))
    assert paths
    found = expected = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        parsed = parse_minutes(text)
        assert reconstruct(parsed) == normalise(text), path.name
        turns = [u for u in parsed.utterances if not u.continued]
        assert all(u.speaker and u.text for u in turns), path.name
        found += len(turns)
        expected += speaker_lines(text)
    assert expected == expected_turns
    assert found >= 0.99 * expected
    assert found == expected_turns


def test_national_assembly_speakers(corpus):
    text = (corpus / "national-assembly/text/제340회 제1차(2016년02월10일).txt").read_text()
    parsed = parse_minutes(text)
    by_speaker = {u.speaker: u for u in parsed.utterances}
    assert "보고사항을 말씀드리겠습니다." in by_speaker["의사국장 장대섭"].text
    hanja = by_speaker["河泰慶 議員"]
    assert (hanja.title, hanja.name) == ("議員", "河泰慶")
    assert parsed.header.session_number == 340
    assert parsed.header.sitting == 1
    assert parsed.header.date == datetime.date(2016, 2, 10)


def test_city_council_header_and_em_space(corpus):
    parsed = parse_minutes((corpus / "city-council/text/minutes-3435.txt").read_text())
    header = parsed.header
    assert (header.session_number, header.council, header.session_kind) == (
        87,
        "청주시의회",
        "정례회",
    )
    assert (header.body_name, header.sitting) == ("행정문화위원회", 1)
    assert header.date == datetime.date(2024, 6, 21)
    em_space = parse_minutes((corpus / "city-council/text/minutes-2782.txt").read_text())
    first = em_space.utterances[0]
    assert first.speaker == "의장 김병국"
    assert first.text.startswith("의석을 정돈해 주시기 바랍니다.")


def test_two_column_pdf_turns(corpus):
    path = corpus / "pdf/2011-04-28_18.299.04.4DS.pdf"
    text = extract_text(path.read_bytes(), path.name, max_seconds=60).text
    parsed = parse_minutes(text)
    assert reconstruct(parsed) == normalise(text)
    turns = [u for u in parsed.utterances if not u.continued]
    assert len(turns) == speaker_lines(text) == 132
    assert turns[0].speaker == "위원장 이군현"
    assert turns[0].text.startswith("좌석을 정돈해 주시기 바랍니")
    assert parsed.header.place == "知識經濟委員會會議室"


CLOSED_TEXT = """(10시05분 개의)
○의장 홍길동  개의합니다.
(비공개회의 시작)
○의원 김가상  인사 문제를 보고합니다.
(비공개 해제)
○의장 홍길동  공개로 계속합니다.
(11시00분 산회)"""


def test_closed_passages_run_from_their_opening_mark_to_their_end():
    blocks = parse_minutes(CLOSED_TEXT, ["홍길동", "김가상"]).blocks
    flags = closed_flags(blocks)
    assert [(b.raw, hidden) for b, hidden in zip(blocks, flags, strict=True)] == [
        ("(10시05분 개의)", False),
        ("○의장 홍길동  개의합니다.", False),
        ("(비공개회의 시작)", True),
        ("○의원 김가상  인사 문제를 보고합니다.", True),
        ("(비공개 해제)", False),
        ("○의장 홍길동  공개로 계속합니다.", False),
        ("(11시00분 산회)", False),
    ]
    shown = public_text(blocks, flags)
    assert "인사 문제" not in shown and "비공개회의 시작" not in shown
    assert shown.count(CLOSED_NOTICE) == 1 and "공개로 계속합니다" in shown


@pytest.mark.parametrize(
    ("ending", "closed_after"),
    [
        ("(공개회의로 전환)", False),
        ("(비공개회의 종료)", False),
        ("(12시00분 산회)", False),
        ("(의사봉 3타)", True),
    ],
)
def test_what_ends_a_closed_passage(ending, closed_after):
    text = f"(10시05분 개의)\n(비공개회의 시작)\n○의장 홍길동  보고합니다.\n{ending}"
    blocks = parse_minutes(text).blocks
    assert closed_flags(blocks)[1:3] == [True, True]
    assert closed_flags(blocks)[-1] is closed_after
