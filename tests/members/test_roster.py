"""Who a label or a closing list names: pure rules, no database."""

from datetime import date

import pytest

from council_app.council.roster import Seat, match_member, names_in, person_of
from council_app.minutes.attendance import AttendanceStatus, list_status, read_attendance
from council_app.minutes.parse import parse_minutes
from council_app.search.lookup import read_query
from council_app.sessions.models import SessionKind

PLENARY, BUDGET = 1, 2
#: Two councillors named 김가상: one in the 8th term, one (chairing the budget committee)
#: in the 9th; and 이가상 of the 9th.
SEATS = [
    Seat(1, "김가상", PLENARY, "member", date(2018, 7, 1), date(2022, 6, 30)),
    Seat(2, "김가상", PLENARY, "member", date(2022, 7, 1), None),
    Seat(2, "김가상", BUDGET, "chair", date(2022, 7, 1), None),
    Seat(3, "이가상", PLENARY, "vice_chair", date(2022, 7, 1), None),
    Seat(3, "이가상", BUDGET, "member", date(2022, 7, 1), None),
]


def test_a_name_is_the_member_seated_on_the_day():
    assert match_member("김가상", "의원", SEATS, date(2020, 5, 1), PLENARY) == 1
    assert match_member("김가상", "위원장", SEATS, date(2023, 5, 1), BUDGET) == 2


def test_labels_that_lost_their_spaces_or_title_still_match():
    assert match_member("김가상", "위원장김가상", SEATS, date(2023, 5, 1), BUDGET) == 2
    assert match_member("이가상", "이가상", SEATS, date(2023, 5, 1), PLENARY) == 3
    assert match_member("김가상", "과장김가상", SEATS, date(2023, 5, 1), PLENARY) is None


def test_officials_of_a_members_name_stay_text():
    assert match_member("김가상", "과장", SEATS, date(2023, 5, 1), PLENARY) is None
    assert match_member("김가상", "구청장", SEATS, date(2023, 5, 1), PLENARY) is None
    assert match_member("김가상", "전문위원", SEATS, date(2023, 5, 1), BUDGET) is None
    assert match_member("홍길동", "의원", SEATS, date(2023, 5, 1), PLENARY) is None


def test_same_named_members_seated_together_are_told_apart_by_role():
    seats = [*SEATS, Seat(4, "김가상", BUDGET, "member", date(2022, 7, 1), None)]
    assert match_member("김가상", "위원장", seats, date(2023, 5, 1), BUDGET) == 2
    # As a plain 위원 either could be speaking: nobody is guessed.
    assert match_member("김가상", "위원", seats, date(2023, 5, 1), BUDGET) is None


def test_a_unique_name_matches_outside_the_seats_recorded():
    assert match_member("이가상", "의원", SEATS, date(2021, 1, 5), PLENARY) == 3
    # Two members named 김가상, neither seated that day: nobody is guessed.
    assert match_member("김가상", "의원", SEATS, date(2017, 1, 5), PLENARY) is None


def test_names_run_together_are_found_longest_first():
    assert names_in("임정수이한국김완식", ["이한국", "김완식", "임정수", "김완"]) == [
        "임정수",
        "이한국",
        "김완식",
    ]
    assert names_in("김가상  이가상", ["김가상", "이가상", "박가상"]) == ["김가상", "이가상"]


@pytest.mark.parametrize(
    ("heading", "status"),
    [
        ("출석 의원(41명)", AttendanceStatus.PRESENT),
        ("출석 위원(10명)", AttendanceStatus.PRESENT),
        ("청가 의원(1명)", AttendanceStatus.LEAVE),
        ("결석 위원(1인)", AttendanceStatus.ABSENT),
        ("위원 아닌 의원(2명)", AttendanceStatus.GUEST),
        ("출석 전문위원", None),
        ("출석 공무원", None),
        ("개의 시 재석 의원(41명)", None),
        ("기록 담당 공무원", None),
    ],
)
def test_closing_list_headings(heading, status):
    assert list_status(heading) is status


CLOSING = """제250회 서울특별시 금천구의회(임시회)
예산결산특별위원회회의록
(10시00분 개의)
○위원장 김가상\u2003개의합니다.
(10시30분 산회)
○출석 위원(1명)
김가상
○청가 위원(1명)
이가상
○출석 공무원
과장 박가상
"""


def test_attendance_is_read_from_the_closing_lists():
    blocks = parse_minutes(CLOSING, ["김가상", "이가상"]).blocks
    listed = read_attendance(blocks, SEATS, date(2023, 5, 1), BUDGET)
    assert {(a.member_id, a.status) for a in listed} == {
        (2, AttendanceStatus.PRESENT),
        (3, AttendanceStatus.LEAVE),
    }


def test_a_seated_member_on_no_list_is_unlisted_only_when_lists_exist():
    text = CLOSING.replace("○청가 위원(1명)\n이가상\n", "")
    blocks = parse_minutes(text, ["김가상", "이가상"]).blocks
    listed = read_attendance(blocks, SEATS, date(2023, 5, 1), BUDGET)
    assert (3, AttendanceStatus.UNLISTED) in {(a.member_id, a.status) for a in listed}
    no_lists = text.split("○출석 위원")[0]
    assert read_attendance(parse_minutes(no_lists).blocks, SEATS, date(2023, 5, 1), BUDGET) == []


def test_a_facet_label_names_the_person_whatever_the_title():
    names = {"김가상", "이가상"}
    assert person_of("위원장 김가상", names) == "김가상"
    assert person_of("의장 김가상", names) == "김가상"
    assert person_of("김가상 의원", names) == "김가상"
    assert person_of("과장 김가상", names) is None
    assert person_of("구청장 홍길동", names) is None


def test_the_box_reads_members_items_sessions_and_meetings():
    assert read_query("김가상").names == ("김가상",)
    assert read_query("김가상 의원").names == ("김가상",)
    assert read_query("위원장 김가상").names == ("김가상",)
    assert read_query("김가상의원").names == ("김가상",)
    assert read_query("제11호").bill_number == 11
    assert read_query("의안번호 11").bill_number == 11
    assert read_query("의안번호11").bill_number == 11
    assert read_query("의안번호 제11호").bill_number == 11
    assert read_query("제244회").session_number == 244
    both = read_query("244회 정례회")
    assert (both.session_number, both.session_kind) == (244, SessionKind.REGULAR)
    meeting = read_query("제2차 본회의")
    assert (meeting.sitting, meeting.body_words, meeting.title_words) == (2, ("본회의",), ())
    assert read_query("주차장 조례").title_words == ("주차장", "조례")
    assert read_query("가" * 101) == read_query("")


#: 청주시의회's 42 councillors in the 제88회 plenary minutes (corpus minutes-3424).
CHEONGJU = [
    "김병국",
    "남일현",
    "김성택",
    "박봉규",
    "이상조",
    "신승호",
    "이화정",
    "박완희",
    "안성현",
    "임은성",
    "김기동",
    "김태순",
    "이완복",
    "김영근",
    "신민수",
    "홍성각",
    "김현기",
    "박노학",
    "허철",
    "남연심",
    "이우균",
    "한동순",
    "김준석",
    "유광욱",
    "김은숙",
    "정연숙",
    "홍순철",
    "정영석",
    "최재호",
    "이영신",
    "이예숙",
    "정재우",
    "임정수",
    "정태훈",
    "변은영",
    "이한국",
    "남인범",
    "박근영",
    "박승찬",
    "송병호",
    "이인숙",
    "김완식",
]


def test_attendance_of_real_minutes_skips_vote_and_quorum_lists():
    from tests.corpus import require_corpus

    text = require_corpus("city-council", "text", "minutes-3424.txt").read_text("utf-8")
    seats = [Seat(n, name, PLENARY, "member", None, None) for n, name in enumerate(CHEONGJU, 1)]
    blocks = parse_minutes(text, list(CHEONGJU)).blocks
    listed = read_attendance(blocks, seats, date(2024, 4, 1), PLENARY)
    by_status: dict[AttendanceStatus, list[str]] = {}
    for entry in listed:
        by_status.setdefault(entry.status, []).append(CHEONGJU[entry.member_id - 1])
    assert by_status[AttendanceStatus.LEAVE] == ["김완식"]
    assert len(by_status[AttendanceStatus.PRESENT]) == 41
    assert set(by_status) == {AttendanceStatus.PRESENT, AttendanceStatus.LEAVE}
