"""Video at the moment: each turn with a time opens the meeting's video at that second."""

import datetime
import io
import re

import pytest
from sqlalchemy import select

from council_app.core.errors import RuleViolation
from council_app.extensions import db
from council_app.minutes import publication, versions, video
from council_app.minutes.models import Utterance
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from tests.search.conftest import council, make_meeting  # noqa: F401  (fixtures)

MINUTES = """제300회 서울특별시 금천구의회(임시회)
본회의회의록
(10시00분 개의)
○의장 김가상\u2003회의를 시작하겠습니다.
○이가상 의원\u2003주차 문제를 여쭙겠습니다.
(10시20분 정회)
(10시40분 속개)
(의사봉 3타)
○의장 김가상\u2003회의를 속개하겠습니다.
(비공개회의 시작)
○박가상 의원\u2003비공개 발언입니다.
(공개회의로 전환)
○의장 김가상\u2003산회를 선포합니다.
(11시00분 산회)
"""
YOUTUBE = "https://www.youtube.com/watch?v=abc123"
SIGN = "https://vod.example.go.kr/sign/300-1.mp4"


@pytest.mark.parametrize(
    ("url", "seconds", "expected"),
    [
        (YOUTUBE, 754, "https://www.youtube.com/watch?v=abc123&t=754"),
        ("https://youtu.be/abc123?t=5", 60, "https://youtu.be/abc123?t=60"),
        (
            "https://www.youtube.com/embed/abc123",
            60,
            "https://www.youtube.com/embed/abc123?start=60",
        ),
        ("https://vimeo.com/12345", 90, "https://vimeo.com/12345#t=90s"),
        (SIGN, 120, SIGN + "#t=120"),
        ("https://tv.example.go.kr/v?id=7#old", 3, "https://tv.example.go.kr/v?id=7#t=3"),
    ],
)
def test_a_link_opens_the_video_at_the_second(url, seconds, expected):
    assert video.at_second(url, seconds) == expected


def test_a_position_comes_from_the_import_or_the_time_mark_and_the_video_start():
    start = datetime.time(9, 58)
    assert video.turn_offset(None, "10:00", start) == 120
    assert video.turn_offset(30, "10:00", start) == 30  # the stenographer's own time wins
    assert video.turn_offset(None, "10:00", None) is None  # no start time: no position
    assert video.turn_offset(None, "09:00", start) is None  # before the video began
    assert video.turn_offset(None, None, start) is None


@pytest.mark.parametrize(
    ("text", "seconds"), [("754", 754), ("12:34", 754), ("1:02:34", 3754), ("0:00", 0)]
)
def test_offsets_are_read_in_seconds_or_clock_form(text, seconds):
    assert video.parse_offset(text) == seconds


def test_a_csv_with_a_header_is_read():
    assert video.read_offsets(b"\xef\xbb\xbforder,offset\n1,0\n2,1:05\n\n", {1, 2, 3}) == {
        1: 0,
        2: 65,
    }


def test_a_bad_csv_says_which_line_is_wrong():
    data = "순서,시각\n1,0:10\n9,0:20\n1,0:30\nx,0:40\n2,soon\n3,25:00:00\n4\n".encode()
    with pytest.raises(RuleViolation) as refused:
        video.read_offsets(data, {1, 2, 3, 4})
    messages = [message for _, message in refused.value.errors]
    assert messages == [
        "3번째 줄: 9번째 발언이 이 판에 없습니다.",
        "4번째 줄: 1번째 발언이 두 번 나옵니다.",
        "5번째 줄: 발언 순서 ‘x’는 숫자여야 합니다.",
        "6번째 줄: 영상 시각 ‘soon’를 754(초), 12:34, 1:02:34처럼 적어 주세요.",
        "7번째 줄: 영상 시각은 24시간을 넘을 수 없습니다.",
        "8번째 줄: ‘발언 순서,영상 시각’ 두 칸이어야 합니다(예: 3,0:12:34).",
    ]


def test_a_csv_too_large_or_not_utf8_is_refused():
    with pytest.raises(RuleViolation, match="256KB 이하"):
        video.read_offsets(b"1,0\n" * 70_000, {1})
    with pytest.raises(RuleViolation, match="UTF-8"):
        video.read_offsets("1,0\n순서".encode("cp949"), {1})
    with pytest.raises(RuleViolation, match="든 줄이 없습니다"):
        video.read_offsets(b"order,offset\n", {1})


@pytest.fixture
def published(make_meeting):  # noqa: F811
    meeting = make_meeting(datetime.date(2023, 1, 3))
    meeting.video_url = YOUTUBE
    meeting.sign_language_video_url = SIGN
    meeting.video_start = datetime.time(9, 58)
    minutes = versions.upload(meeting, UploadMinutes(text=MINUTES)).minutes
    publication.publish(minutes, PublishMinutes(reason="시험"))
    db.session.commit()
    return minutes


def turn_links(html: str) -> dict[int, list[str]]:
    links = {}
    for order, block in re.findall(r'id="u-(\d+)">(.*?)</p>', html, re.S):
        links[int(order)] = re.findall(r'<a href="([^"]+)" aria-label="[^"]*영상으로 보기', block)
    return links


def test_turns_after_a_time_mark_link_into_the_video(client, published):
    clocks = dict(
        db.session.execute(
            select(Utterance.order, Utterance.clock_time).where(
                Utterance.version_id == published.published_version.id
            )
        ).all()
    )
    assert clocks == {1: "10:00", 2: None, 3: "10:40", 4: None, 5: None}
    html = client.get(f"/minutes/{published.id}").get_data(as_text=True)
    assert f'href="{YOUTUBE}"' in html and f'href="{SIGN}"' in html  # the whole videos
    links = {
        order: [link.replace("&amp;", "&") for link in found]
        for order, found in turn_links(html).items()
    }
    assert links[1] == [YOUTUBE + "&t=120", SIGN + "#t=120"]
    assert links[3] == [YOUTUBE + "&t=2520", SIGN + "#t=2520"]
    assert links[2] == [] and 4 not in links  # no time for it; the closed turn is not shown
    assert html.count("영상으로 보기</a>") == 2


def test_the_stenographer_imports_turn_times(client, published, make_user, login):
    login(make_user("stenographer"))
    response = client.post(
        f"/minutes/{published.id}/video-offsets",
        data={"video-file": (io.BytesIO(b"order,offset\n2,12:34\n"), "times.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/minutes/{published.id}").get_data(as_text=True)
    assert "발언 1건의 영상 시각을 넣었습니다." in page
    assert YOUTUBE.replace("&", "&amp;") + "&amp;t=754" in page
    # A correction keeps the times of the turns it did not change.
    versions.add_version(
        published, MINUTES.replace("시작하겠습니다", "열겠습니다"), versions.PASTED, None
    )
    db.session.commit()
    offsets = dict(
        db.session.execute(
            select(Utterance.order, Utterance.video_offset).where(
                Utterance.version_id == published.latest_version.id
            )
        ).all()
    )
    assert offsets[2] == 754 and offsets[1] is None


def test_a_bad_import_changes_nothing_and_says_why(client, published, make_user, login):
    login(make_user("stenographer"))
    response = client.post(
        f"/minutes/{published.id}/video-offsets",
        data={"video-file": (io.BytesIO(b"2,12:34\n99,1\n"), "times.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "2번째 줄: 99번째 발언이 이 판에 없습니다." in response.get_data(as_text=True)
    assert db.session.scalar(select(Utterance.video_offset).where(Utterance.order == 2)) is None


def test_citizens_cannot_import(client, published):
    response = client.post(f"/minutes/{published.id}/video-offsets", data={})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_secretariat_sets_the_video_start(client, make_meeting, make_user, login):  # noqa: F811
    meeting = make_meeting(datetime.date(2023, 1, 3))
    db.session.commit()
    login(make_user("secretariat"))
    form = {
        "body": meeting.body.slug,
        "date": meeting.date.isoformat(),
        "start": "10:00",
        "place": meeting.place,
        "public": "y",
        "video_url": YOUTUBE,
        "video_start": "09:58",
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.video_start == datetime.time(9, 58)
    bad = client.post(f"/meetings/{meeting.id}/edit", data=form | {"video_start": "아침"})
    assert bad.status_code == 422 and "영상 시작 시각" in bad.get_data(as_text=True)


def test_the_api_gives_each_turn_its_second_in_the_video(client, published):
    turns = client.get(f"/api/v1/minutes/{published.id}").get_json()["utterances"]
    assert [(t["order"], t["video_offset"]) for t in turns] == [
        (1, 120),
        (2, None),
        (3, 2520),
        (5, None),
    ]
