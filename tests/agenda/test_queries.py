"""The timeline of an item, the yearly counts and the list filters."""

from __future__ import annotations

from datetime import date

from flask_login import AnonymousUserMixin

from council_app.agenda import queries, services
from council_app.agenda.commands import OutcomeCommand, ReferralCommand
from council_app.agenda.models import ItemKind, ItemStatus, Result
from council_app.core.commands import read_command
from council_app.extensions import db
from council_app.meetings import order
from council_app.sessions.models import SessionKind

#: A citizen without a session: what the public pages and the API show.
VISITOR = AnonymousUserMixin()


def _decided_bill(make_item, make_meeting, bodies, title="예시 조례안", number=1):
    item = make_item(title, bill_number=number)
    services.refer(item, ReferralCommand("admin-finance", date(2023, 6, 1)))
    committee = make_meeting("admin-finance", date(2023, 6, 12))
    plenary = make_meeting("plenary", date(2023, 6, 30), sitting=3)
    for meeting in (committee, plenary):
        order.add_to_order(meeting, item, reason="상정")
        services.record_outcome(meeting, item, OutcomeCommand(Result.PASSED))
    db.session.commit()
    return item, committee, plenary


def test_timeline_goes_from_submission_to_the_plenary(make_item, make_meeting, bodies):
    item, committee, plenary = _decided_bill(make_item, make_meeting, bodies)
    steps = queries.timeline(item, VISITOR)
    assert [s.kind for s in steps] == [
        "submitted",
        "referred",
        "committee_decision",
        "plenary_decision",
    ]
    assert [s.title for s in steps] == [
        "접수 (구청장)",
        "행정재경위원회 회부",
        "제244회 정례회 제1차 행정재경위원회 원안가결",
        "제244회 정례회 제3차 본회의 원안가결",
    ]
    assert [s.meeting for s in steps] == [None, None, committee, plenary]
    assert all(s.minutes_url is None for s in steps)  # filled in by the minutes issue


def test_timeline_shows_a_scheduled_meeting_without_outcome(make_item, make_meeting):
    item = make_item()
    meeting = make_meeting("plenary", date(2023, 6, 30))
    order.add_to_order(meeting, item, reason="상정")
    assert queries.timeline(item, VISITOR)[-1].title == "제244회 정례회 제1차 본회의 상정"


def test_yearly_counts_split_regular_and_extraordinary(
    make_item, make_meeting, make_session, bodies
):
    _decided_bill(make_item, make_meeting, bodies)
    extraordinary = make_session(
        245, SessionKind.EXTRAORDINARY, date(2023, 9, 13), date(2023, 9, 21)
    )
    september = make_meeting("plenary", date(2023, 9, 13), in_session=extraordinary)
    for title in ("2023년도 제2회 추가경정예산안", "구정질문"):
        order.add_to_order(september, make_item(title, submitted_on=date(2023, 9, 1)), "상정")
    make_item("아직 상정하지 않은 안건")
    db.session.commit()
    [line] = queries.yearly_counts()
    assert line.year == 2023
    assert line.sessions == {SessionKind.REGULAR: 1, SessionKind.EXTRAORDINARY: 1}
    assert line.sentence() == "2023년 2회 3건: 정례회 1건, 임시회 2건"


def test_an_item_counts_once_in_the_session_that_first_had_it(
    make_item, make_meeting, make_session
):
    later = make_session(246, SessionKind.REGULAR, date(2023, 11, 23), date(2023, 12, 20))
    item = make_item()
    order.add_to_order(make_meeting("plenary", date(2023, 6, 30)), item, "상정")
    order.add_to_order(make_meeting("plenary", date(2023, 11, 23), in_session=later), item, "이월")
    db.session.commit()
    assert queries.yearly_counts()[0].sentence() == "2023년 2회 1건: 정례회 1건, 임시회 0건"


def test_filters(make_item, make_meeting, bodies):
    decided, _, _ = _decided_bill(make_item, make_meeting, bodies)
    report = make_item("주요업무계획 보고", kind=ItemKind.REPORT)

    def titles(**args):
        query = queries.filtered_items(read_command(queries.ItemFilter, args), VISITOR)
        return {i.title for i in db.session.scalars(query)}

    assert titles() == {decided.title, report.title}
    assert titles(kind="report") == {report.title}
    assert titles(status=ItemStatus.PASSED.value) == {decided.title}
    assert titles(committee="admin-finance") == {decided.title}
    assert titles(session="244", year="2023") == {decided.title}
    assert titles(session="245") == set()
    assert titles(term="9", proposer="district_head") == {decided.title, report.title}


def test_the_list_finds_items_by_title_words_and_bill_number(make_item, client):
    parking = make_item("서울특별시 금천구 주차장 설치 및 관리 조례 일부개정조례안", bill_number=11)
    make_item("서울특별시 금천구 주민참여예산 조례안", bill_number=12)
    make_item("100%_달성 보고", kind=ItemKind.REPORT)

    def titles(q):
        query = queries.filtered_items(read_command(queries.ItemFilter, {"q": q}), VISITOR)
        return {i.title for i in db.session.scalars(query)}

    # Korean titles run words together: 주차 is inside 주차장.
    assert titles("주차") == {parking.title}
    assert titles("금천구 주차") == {parking.title}
    assert titles("주차 예산") == set()
    for number in ("제11호", "11호", "11", "의안번호 11", "의안번호11"):
        assert titles(number) == {parking.title}, number
    # % and _ are letters here, not wildcards.
    assert titles("%") == {"100%_달성 보고"}
    assert titles("0_달") == set()
    assert titles("%_달") == {"100%_달성 보고"}

    page = client.get("/agenda?q=주차")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and parking.title in html and "주민참여예산" not in html
    assert 'value="주차"' in html
    api = client.get("/api/v1/agenda-items?q=제12호").get_json()
    assert [i["name"] for i in api["data"]] == ["서울특별시 금천구 주민참여예산 조례안"]
    too_long = client.get("/api/v1/agenda-items?q=" + "가" * 101)
    assert too_long.status_code == 422
