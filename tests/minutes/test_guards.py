"""The guards on publication, as pure rules: no database, no app."""

import datetime

from council_app.minutes import guards
from council_app.minutes.diff import word_diff

FACTS = guards.MeetingFacts(
    council="서울특별시 금천구의회",
    session_number=300,
    sitting=1,
    body_name="본회의",
    date=datetime.date(2023, 1, 10),
)
MATCHING = {
    "session_number": 300,
    "council": "금천구의회",
    "body_name": "본회의",
    "sitting": 1,
    "date": "2023-01-10",
    "start_time": "11:01",
    "place": "知識經濟委員會會議室",
}


def codes(findings):
    return [f.code for f in findings]


def test_no_turn_is_refused_and_needs_a_reason():
    (finding,) = guards.turn_findings(0, None)
    assert finding.code == "no_turns" and finding.needs_reason
    assert "발언을 하나도 찾지 못했습니다" in finding.message


def test_fewer_than_half_the_published_turns_needs_a_reason():
    (finding,) = guards.turn_findings(4, 9)
    assert finding.code == "fewer_turns" and "4건" in finding.message and "9건" in finding.message
    assert guards.turn_findings(5, 9) == [] and guards.turn_findings(3, None) == []


def test_a_matching_header_raises_nothing_and_time_and_place_are_not_compared():
    assert guards.header_findings(MATCHING, FACTS) == []
    assert guards.header_findings({}, FACTS) == []


def test_another_councils_header_names_each_difference():
    header = {**MATCHING, "council": "청주시의회", "session_number": 5, "date": "2011-04-28"}
    (finding,) = guards.header_findings(header, FACTS)
    assert finding.code == "header_mismatch"
    assert "청주시의회" in finding.message and "제5회(이 회의: 제300회)" in finding.message
    assert "2011. 4. 28." in finding.message and "본회의" not in finding.message


def test_sitting_and_body_mismatch():
    header = {**MATCHING, "sitting": 3, "body_name": "행정재경위원회"}
    (finding,) = guards.header_findings(header, FACTS)
    assert "차수 제3차(이 회의: 제1차)" in finding.message
    assert "회의체 '행정재경위원회'" in finding.message
    # A stray cover line guessed as the body is no body name.
    assert guards.header_findings({**MATCHING, "body_name": "[예시]이"}, FACTS) == []


def test_lines_cut_mid_word_are_named_with_examples():
    speech = ["○의장 김가상  성원이 되었으므로 개의하겠습니다."]
    speech += ["오늘 안건은 예산안의 심사와 조례안의 의", "결입니다 그리고 보고 사항이 있"] * 6
    findings = guards.text_findings("\n".join(speech), [])
    (cut,) = [f for f in findings if f.code == "cut_lines"]
    assert "조례안의 의 / 결입니다" in cut.message
    whole = ["○의장 김가상  성원이 되었으므로 개의하겠습니다."] + ["예산안을 심사하겠습니다."] * 12
    assert "cut_lines" not in codes(guards.text_findings("\n".join(whole), []))


def test_sentence_fragments_as_headings():
    findings = guards.text_findings(
        "○의장 김가상  개의합니다.",
        ["1. 2024년도 제1회 추가경정예산안", "2. 개선해 주시기 바랍니다.", "가. 기획행정실 소관"],
    )
    (fragment,) = findings
    assert (
        fragment.code == "fragment_headings" and "'2. 개선해 주시기 바랍니다.'" in fragment.message
    )


def test_replacement_characters_and_mostly_foreign_text():
    findings = guards.text_findings("○의장 김가상  개\ufffd의합니다.", [])
    assert codes(findings) == ["replacement_chars"] and "1개" in findings[0].message
    hanja = "○委員長 金鍾律  知識經濟委員會 會議를 開議하겠습니다. " + "政府 豫算案 審査 " * 10
    (finding,) = guards.text_findings(hanja, [])
    assert finding.code == "non_hangul" and "委" in finding.message


def test_unaccepted_lists_what_is_not_confirmed():
    found = guards.turn_findings(0, None) + guards.header_findings(
        {**MATCHING, "session_number": 5}, FACTS
    )
    assert [f for f, _ in guards.unaccepted(found, [], "")] == ["confirm", "confirm"]
    assert guards.unaccepted(found, ["no_turns", "header_mismatch"], "") == [
        ("reason", "[no_turns] 확인한 사유를 적어 주세요.")
    ]
    assert guards.unaccepted(found, ["no_turns", "header_mismatch"], "빈 판 공개") == []


def test_word_diff_marks_one_word_inside_its_line():
    old = "첫 줄\n○이가상 의원  시행일을 설명해 주십시오.\n셋째 줄\n넷째 줄\n다섯째 줄"
    new = old.replace("시행일을", "시행 시기를")
    lines = word_diff(old, new)
    changed = [line for line in lines if line and any(kind != "equal" for kind, _ in line)]
    assert changed == [
        [
            ("equal", "○이가상 의원  "),
            ("delete", "시행일을"),
            ("insert", "시행 시기를"),
            ("equal", " 설명해 주십시오."),
        ]
    ]
    # One line of context around the change, the rest left out.
    assert lines[0] == [("equal", "첫 줄")] and lines[-1] is None and len(lines) == 4
    assert word_diff(old, old) == []
