"""The order of business: free before the meeting, frozen and audited once it was held."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from council_app.agenda import queries, services
from council_app.agenda.commands import OutcomeCommand
from council_app.agenda.models import Result
from council_app.core.errors import RuleViolation
from council_app.extensions import db
from council_app.meetings import order
from council_app.meetings.models import MeetingStatus
from council_app.models import AuditEvent


def _titles(meeting):
    return [entry.item.title for entry, _ in queries.order_of_business(meeting)]


@pytest.fixture
def upcoming(make_meeting):
    return make_meeting("plenary", date(2023, 6, 8), status=MeetingStatus.SCHEDULED)


def test_add_remove_and_reorder_before_the_meeting(upcoming, make_item):
    first, second, third = (make_item(f"안건 {n}") for n in (1, 2, 3))
    for item in (first, second, third):
        order.add_to_order(upcoming, item)
    order.move_in_order(upcoming, third, -2)
    order.remove_from_order(upcoming, first)
    db.session.commit()
    assert _titles(upcoming) == ["안건 3", "안건 2"]
    assert [e.position for e, _ in queries.order_of_business(upcoming)] == [1, 2]


def test_the_same_item_cannot_be_listed_twice(upcoming, make_item):
    item = make_item()
    order.add_to_order(upcoming, item)
    with pytest.raises(RuleViolation) as error:
        order.add_to_order(upcoming, item)
    assert "이미 제244회 정례회 제1차 본회의의 의사일정에 있는 안건입니다." in str(error.value)
    with pytest.raises(RuleViolation):
        order.set_order(upcoming, [item, item])


def test_held_meeting_needs_a_reason_and_the_change_is_audited(make_meeting, make_item):
    held = make_meeting("plenary", date(2023, 6, 30))
    item = make_item()
    with pytest.raises(RuleViolation) as error:
        order.add_to_order(held, item)
    assert error.value.errors == [
        (
            "reason",
            "제244회 정례회 제1차 본회의는 이미 열렸습니다. "
            "의사일정을 바꾸려면 변경 사유를 적어 주세요.",
        )
    ]
    db.session.rollback()
    assert _titles(held) == []

    order.add_to_order(held, item, reason="의사일정 변경 동의 가결")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agenda.order_change"))
    assert event.reason == "의사일정 변경 동의 가결"
    assert event.before == {"items": []} and event.after == {"items": [item.id]}


def test_cancelled_meeting_takes_no_order_of_business(make_meeting, make_item):
    cancelled = make_meeting("plenary", date(2023, 6, 9), status=MeetingStatus.CANCELLED)
    with pytest.raises(RuleViolation) as error:
        order.add_to_order(cancelled, make_item())
    assert error.value.errors == [("meeting", "취소된 회의의 의사일정은 바꿀 수 없습니다.")]


def test_item_of_another_term_is_refused(upcoming, make_item, council):
    assert any(t.number == 10 for t in council.terms)  # the demo has the 10th term
    later = make_item("제10대 안건", submitted_on=date(2026, 7, 10))
    with pytest.raises(RuleViolation) as error:
        order.add_to_order(upcoming, later)
    message = "다른 대수의 안건은 이 회의에 올릴 수 없습니다: 제10대 안건"
    assert error.value.errors == [("items", message)]


def test_decided_line_cannot_be_removed(make_meeting, make_item):
    held = make_meeting("plenary", date(2023, 6, 30))
    item = make_item()
    order.add_to_order(held, item, reason="추가 상정")
    services.record_outcome(held, item, OutcomeCommand(Result.PASSED))
    with pytest.raises(RuleViolation) as error:
        order.remove_from_order(held, item, reason="실수")
    assert "결과를 기록한 안건은 의사일정에서 뺄 수 없습니다" in error.value.errors[0][1]


def test_unchanged_order_needs_no_reason(make_meeting, make_item):
    held = make_meeting("plenary", date(2023, 6, 30))
    item = make_item()
    order.add_to_order(held, item, reason="추가 상정")
    order.set_order(held, [item])  # nothing changes, so nothing to justify
    order.move_in_order(held, item, 1)
