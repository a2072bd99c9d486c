"""Outcomes: on the order of business, from the right committee, the plenary last."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from council_app.agenda import services
from council_app.agenda.commands import OutcomeCommand, ReferralCommand
from council_app.agenda.models import ItemStatus, Outcome, Result
from council_app.core.errors import RuleViolation
from council_app.extensions import db
from council_app.meetings import order
from council_app.meetings.models import MeetingStatus


def _outcomes():
    return db.session.scalar(select(func.count()).select_from(Outcome))


@pytest.fixture
def bill(make_item, bodies):
    """An ordinance referred to 행정재경위원회 on 2023-06-01."""
    item = make_item(bill_number=1)
    services.refer(item, ReferralCommand("admin-finance", date(2023, 6, 1)))
    db.session.commit()
    return item


@pytest.fixture
def committee(make_meeting):
    return make_meeting("admin-finance", date(2023, 6, 12))


@pytest.fixture
def plenary(make_meeting):
    return make_meeting("plenary", date(2023, 6, 30), sitting=3)


def _schedule(meeting, item):
    order.add_to_order(meeting, item, reason="상정")


def _refused(call, *args, **kwargs) -> str:
    """Run a service that must refuse; return its message and check nothing was saved."""
    db.session.commit()
    before = _outcomes()
    with pytest.raises(RuleViolation) as error:
        call(*args, **kwargs)
    db.session.rollback()
    assert _outcomes() == before
    return error.value.errors[0][1]


def test_referral_moves_status_and_committee_then_plenary_decide(bill, committee, plenary):
    assert bill.status is ItemStatus.REFERRED
    _schedule(committee, bill)
    services.record_outcome(committee, bill, OutcomeCommand(Result.AMENDED))
    assert bill.status is ItemStatus.COMMITTEE_DECIDED
    _schedule(plenary, bill)
    services.record_outcome(plenary, bill, OutcomeCommand(Result.AMENDED, votes_yes=9, votes_no=1))
    db.session.commit()
    assert bill.status is ItemStatus.AMENDED and bill.status.label == "수정가결"


def test_outcome_only_for_an_item_on_the_order_of_business(bill, committee):
    message = _refused(services.record_outcome, committee, bill, OutcomeCommand(Result.PASSED))
    assert message == (
        "제244회 정례회 제1차 행정재경위원회의 의사일정에 없는 안건입니다. "
        "먼저 의사일정에 올려 주세요."
    )


def test_committee_outcome_only_from_the_committee_referred_to(bill, make_meeting):
    other = make_meeting("welfare-construction", date(2023, 6, 12))
    _schedule(other, bill)
    message = _refused(services.record_outcome, other, bill, OutcomeCommand(Result.PASSED))
    assert message.startswith("복지건설위원회에 회부되지 않은 안건입니다.")


def test_special_committee_decides_when_the_item_was_sent_to_it(
    bill, bodies, committee, make_meeting
):
    services.refer(bill, ReferralCommand("budget", date(2023, 6, 13)))
    budget = make_meeting("budget", date(2023, 6, 20))
    _schedule(committee, bill)
    services.record_outcome(committee, bill, OutcomeCommand(Result.PASSED))
    _schedule(budget, bill)
    services.record_outcome(budget, bill, OutcomeCommand(Result.AMENDED))
    assert bill.status is ItemStatus.COMMITTEE_DECIDED


def test_committee_meeting_before_the_referral_cannot_decide(bill, make_meeting):
    early = make_meeting("admin-finance", date(2023, 5, 31))
    _schedule(early, bill)
    message = _refused(services.record_outcome, early, bill, OutcomeCommand(Result.PASSED))
    assert message.startswith("회부일(2023. 6. 1.(목)) 전에 열린 회의")


def test_plenary_waits_for_the_committees(bill, plenary):
    _schedule(plenary, bill)
    message = _refused(services.record_outcome, plenary, bill, OutcomeCommand(Result.PASSED))
    assert message == (
        "회부된 위원회(행정재경위원회)의 심사가 끝나지 않았습니다. "
        "본회의는 위원회 심사 뒤에 의결합니다."
    )


def test_plenary_cannot_decide_before_a_committee_meeting(bill, make_meeting):
    early_plenary = make_meeting("plenary", date(2023, 6, 8))
    late_committee = make_meeting("admin-finance", date(2023, 6, 15))
    _schedule(late_committee, bill)
    services.record_outcome(late_committee, bill, OutcomeCommand(Result.PASSED))
    _schedule(early_plenary, bill)
    message = _refused(services.record_outcome, early_plenary, bill, OutcomeCommand(Result.PASSED))
    assert "앞선 본회의에서는 의결할 수 없습니다" in message


def test_no_committee_outcome_after_the_plenary_decided(bill, committee, plenary, make_meeting):
    _schedule(committee, bill)
    services.record_outcome(committee, bill, OutcomeCommand(Result.PASSED))
    _schedule(plenary, bill)
    services.record_outcome(plenary, bill, OutcomeCommand(Result.PASSED))
    later = make_meeting("admin-finance", date(2023, 6, 30), sitting=2)
    _schedule(later, bill)
    message = _refused(services.record_outcome, later, bill, OutcomeCommand(Result.AMENDED))
    assert message == "이미 끝난 안건(원안가결)에는 결과를 더 기록할 수 없습니다."


def test_withdrawal_ends_the_item(bill, committee, plenary):
    _schedule(committee, bill)
    services.record_outcome(
        committee, bill, OutcomeCommand(Result.WITHDRAWN, note="제출자 철회 요구")
    )
    assert bill.status is ItemStatus.WITHDRAWN
    _schedule(plenary, bill)
    message = _refused(services.record_outcome, plenary, bill, OutcomeCommand(Result.PASSED))
    assert message == "이미 끝난 안건(철회)에는 결과를 더 기록할 수 없습니다."
    with pytest.raises(RuleViolation):
        services.refer(bill, ReferralCommand(plenary.body.slug, date(2023, 6, 30)))


def test_deferral_keeps_the_item_open(bill, committee, make_meeting):
    _schedule(committee, bill)
    services.record_outcome(committee, bill, OutcomeCommand(Result.DEFERRED))
    assert bill.status is ItemStatus.DEFERRED and not bill.status.is_final
    again = make_meeting("admin-finance", date(2023, 6, 19), sitting=2)
    _schedule(again, bill)
    services.record_outcome(again, bill, OutcomeCommand(Result.PASSED))
    assert bill.status is ItemStatus.COMMITTEE_DECIDED


def test_one_outcome_per_meeting(bill, committee):
    _schedule(committee, bill)
    services.record_outcome(committee, bill, OutcomeCommand(Result.DEFERRED))
    message = _refused(services.record_outcome, committee, bill, OutcomeCommand(Result.PASSED))
    assert message == "제244회 정례회 제1차 행정재경위원회의 결과는 이미 기록되어 있습니다."


def test_no_outcome_before_the_meeting_or_at_a_cancelled_one(bill, make_meeting):
    future = make_meeting("admin-finance", date(2023, 6, 12), status=MeetingStatus.SCHEDULED)
    _schedule(future, bill)
    message = _refused(
        services.record_outcome,
        future,
        bill,
        OutcomeCommand(Result.PASSED),
        today=date(2023, 6, 11),
    )
    assert message.endswith("결과는 회의 뒤에 기록합니다.")
    future.status = MeetingStatus.CANCELLED
    message = _refused(services.record_outcome, future, bill, OutcomeCommand(Result.PASSED))
    assert message == "취소된 회의에는 결과를 기록할 수 없습니다."


def test_votes_cannot_be_negative(bill, committee):
    _schedule(committee, bill)
    with pytest.raises(RuleViolation) as error:
        services.record_outcome(committee, bill, OutcomeCommand(Result.PASSED, votes_no=-1))
    assert error.value.errors == [("votes_no", "표 수는 0 이상이어야 합니다.")]


def test_item_without_referral_goes_straight_to_the_plenary(make_item, plenary):
    item = make_item("결산검사위원 선임의 건")
    _schedule(plenary, item)
    services.record_outcome(plenary, item, OutcomeCommand(Result.APPOINTED))
    assert item.status is ItemStatus.APPOINTED


def test_referral_rules(bill, bodies):
    with pytest.raises(RuleViolation) as error:
        services.refer(bill, ReferralCommand("admin-finance", date(2023, 6, 2)))
    assert error.value.errors == [("committee", "이미 행정재경위원회에 회부한 안건입니다.")]
    with pytest.raises(RuleViolation) as error:
        services.refer(bill, ReferralCommand("plenary", date(2023, 5, 1)))
    assert [f for f, _ in error.value.errors] == ["committee", "referred_on"]
