"""The whole mission in one browser: plan, schedule, minute, publish, find, follow, subscribe.

The secretariat plans an extraordinary session that opened twelve days ago and meets again
tomorrow, puts an item on a committee's order of business; the stenographer publishes one
committee's minutes late (with a reason) and another's on time; a citizen finds a speaker's
words, opens the minutes there, follows the item's timeline and subscribes to the committee's
calendar, which a client parser reads back with the new meetings.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from council_app.core.time import format_date, today_kst
from tests.browser.conftest import DEMO_PASSWORDS, serve_demo

pytestmark = pytest.mark.browser

ITEM = "서울특별시 금천구 보행환경 개선 조례안(예시)"
LATE_TEXT = """제247회 서울특별시 금천구의회(임시회)
행정재경위원회회의록
제 1 호
의사일정
1. {item}
(10시00분 개의)
○위원장 박가상\u2003성원이 되었으므로 회의를 개의하겠습니다.
1. {item}
○위원장 박가상\u2003의사일정 제1항을 상정합니다.
○김가상 위원\u2003독산로 보행환경 개선을 위해 횡단보도 신호 시간을 늘려 주시기 바랍니다.
○위원장 박가상\u2003원안대로 가결되었음을 선포합니다.
(10시40분 산회)
"""
ON_TIME_TEXT = """제247회 서울특별시 금천구의회(임시회)
복지건설위원회회의록
제 1 호
(10시00분 개의)
○위원장 최가상\u2003회의를 개의하겠습니다.
○이가상 위원\u2003경로당 냉난방비 지원을 점검해 주시기 바랍니다.
(10시30분 산회)
"""


@pytest.fixture
def journey_app(tmp_path, demo_template):
    """Serve the demo without its made-up session, so this journey plans its own."""
    with serve_demo(tmp_path, demo_template, example_session=False) as app:
        yield app


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/dashboard")


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("로그아웃")).click()


def add_meeting(page, body: str, day, start: str = "10:00") -> None:
    page.goto("/sessions/247")
    page.get_by_role("link", name="회의 추가").click()
    page.get_by_label("회의체").select_option(label=body)
    page.get_by_label("날짜").fill(day.isoformat())
    page.get_by_label("시작 시각", exact=True).fill(start)
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(body)


def upload_and_publish(page, meeting_name: str, text: str, reason: str | None) -> None:
    page.goto("/sessions/247")
    page.get_by_role("link", name=meeting_name).click()
    page.get_by_role("link", name="회의록 올리기").click()
    page.get_by_label("또는 본문 붙여 넣기").fill(text)
    page.get_by_role("button", name="올리기").click()
    # The upload is a draft: its preview is the second step, confirmed before publishing.
    page.wait_for_url("**/preview")
    expect(page.get_by_text("점검에서 문제를 찾지 못했습니다.")).to_be_visible()
    if reason:
        page.get_by_label("사유", exact=True).fill(reason)
    page.get_by_label("미리 보기를 확인했으며").check()
    page.get_by_role("button", name="임시회의록 공개").click()
    expect(page.get_by_text("임시회의록").first).to_be_visible()


def test_the_whole_mission_in_one_browser(browser, journey_app, icaljs):
    today = today_kst()
    start, end = today - timedelta(days=12), today + timedelta(days=2)  # 15 days
    context = browser.new_context(locale="ko-KR", base_url=journey_app.config["LIVE_URL"])
    page = context.new_page()

    # The secretariat plans the session, its meetings and the order of business.
    sign_in(page, "secretariat")
    page.goto("/sessions/new")
    page.get_by_label("회기 번호").fill("247")
    page.get_by_label("회기 종류").select_option("extraordinary")
    page.get_by_label("시작일(집회일)").fill(start.isoformat())
    page.get_by_label("종료일").fill(end.isoformat())
    page.get_by_role("button", name="저장").click()
    page.wait_for_url("**/sessions/247")
    add_meeting(page, "행정재경위원회", start)
    add_meeting(page, "복지건설위원회", today - timedelta(days=1))
    add_meeting(page, "본회의", today + timedelta(days=1))

    page.goto("/agenda/new")
    page.get_by_label("안건명").fill(ITEM)
    page.get_by_label("종류").select_option(label="조례안")
    page.get_by_label("제출자").select_option(label="구청장")
    page.get_by_label("접수일").fill(start.isoformat())
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM)
    page.get_by_label("회부 위원회").select_option(label="행정재경위원회")
    page.get_by_label("회부일").fill(start.isoformat())
    page.get_by_role("button", name="회부").click()
    page.get_by_label("회의", exact=True).select_option(
        label=f"{format_date(start)} 제1차 행정재경위원회"
    )
    page.get_by_role("button", name="의사일정에 올리기").click()
    expect(page.get_by_text("제247회 임시회 제1차 행정재경위원회").first).to_be_visible()
    sign_out(page)

    # The stenographer publishes one committee's minutes late, the other's on time.
    sign_in(page, "stenographer")
    upload_and_publish(
        page,
        "제1차 행정재경위원회",
        LATE_TEXT.format(item=ITEM),
        "속기 인력 부족으로 늦게 공개합니다.",
    )
    expect(page.get_by_text(re.compile(r"지연 \d+일"))).to_be_visible()
    upload_and_publish(page, "제1차 복지건설위원회", ON_TIME_TEXT, None)
    expect(page.get_by_text(re.compile(r"지연 \d+일"))).to_have_count(0)
    sign_out(page)

    # A citizen finds the speaker's words and lands on them.
    page.goto("/")
    page.get_by_role("search").get_by_label("회의록 검색").fill("보행환경")
    page.get_by_role("search").get_by_role("button", name="검색").click()
    hit = page.locator(".hit-speaker", has_text="김가상").first
    hit.click()
    # The hit's link carries the searched words and the way back (issue 18).
    page.wait_for_url(re.compile(r"/minutes/\d+\?q=.*#u-\d+$"))
    turn = page.locator("#" + page.url.rsplit("#", 1)[1])
    expect(turn).to_be_in_viewport()
    expect(turn).to_contain_text("독산로 보행환경 개선")

    # … follows the item's timeline from the meeting's order of business and back.
    page.get_by_role("navigation", name="현재 위치").get_by_role(
        "link", name=re.compile("행정재경위원회")
    ).click()
    page.get_by_role("link", name=ITEM).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM)
    page.get_by_role("link", name="회의록에서 보기").first.click()
    page.wait_for_url(re.compile(r"/minutes/\d+#u-\d+$"))
    expect(page.locator("#" + page.url.rsplit("#", 1)[1])).to_contain_text("상정")

    # … and subscribes to the committee's calendar, which clients read back.
    page.goto("/calendar")
    webcal = page.get_by_role("link", name="행정재경위원회 일정 구독").get_attribute("href")
    assert webcal.startswith("webcal://")
    address = webcal.replace("webcal://", "http://", 1)
    feed = page.request.get(address)
    assert feed.ok and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert "제247회 임시회 제1차 행정재경위원회" in summaries
    parsed = icaljs(feed.body())
    assert "제247회 임시회 제1차 행정재경위원회" in [e["summary"] for e in parsed["events"]]
    context.close()
