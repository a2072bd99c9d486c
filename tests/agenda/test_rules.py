"""The agenda's pure rules and the order of business's: plain values in, problems out.

No app and no database: these run without the ``app`` fixture.
"""

from __future__ import annotations

from datetime import date

import pytest

from council_app.agenda import rules
from council_app.agenda.models import ItemStatus, ProposerKind, Result
from council_app.meetings import order_rules
from council_app.meetings.models import MeetingStatus


def test_title_is_required_and_fits_the_column():
    assert rules.title_problems("  ") == [("title", "안건명을 입력해 주세요.")]
    assert rules.title_problems("가" * 301) == [("title", "안건명은 300자 이내로 적어 주세요.")]
    assert rules.title_problems(" 예시 조례안 ") == []


@pytest.mark.parametrize(("number", "refused"), [(None, False), (1, False), (0, True)])
def test_bill_numbers_count_from_one(number, refused):
    assert bool(rules.bill_number_problems(number)) is refused


@pytest.mark.parametrize(
    ("kind", "lead", "co_sponsors", "is_committee", "field"),
    [
        (ProposerKind.MEMBER, None, (), None, "lead_member"),
        (ProposerKind.MEMBER, 1, (1, 2), None, "co_sponsors"),
        (ProposerKind.MEMBER, 1, (2, 3), None, None),
        (ProposerKind.DISTRICT_HEAD, 1, (), None, "lead_member"),
        (ProposerKind.CHAIR, None, (2,), None, "lead_member"),
        (ProposerKind.COMMITTEE, None, (), None, "proposer_body"),
        (ProposerKind.COMMITTEE, None, (), False, "proposer_body"),
        (ProposerKind.COMMITTEE, None, (), True, None),
        (ProposerKind.DISTRICT_HEAD, None, (), None, None),
    ],
)
def test_proposer_fields_fit_the_proposer_kind(kind, lead, co_sponsors, is_committee, field):
    problems = rules.proposer_problems(kind, lead, co_sponsors, is_committee)
    assert [f for f, _ in problems] == ([field] if field else [])


def test_a_referral_is_not_dated_before_the_submission():
    assert rules.referral_date_problems(date(2023, 6, 1), date(2023, 6, 1)) == []
    [(field, message)] = rules.referral_date_problems(date(2023, 5, 31), date(2023, 6, 1))
    assert field == "referred_on" and "이후여야 합니다" in message


def test_a_finished_item_takes_nothing_more():
    assert rules.final_status_problem(ItemStatus.REFERRED, "result", "…") == []
    assert rules.final_status_problem(ItemStatus.PASSED, "committee", "은 회부할 수 없습니다.") == [
        ("committee", "이미 끝난 안건(원안가결)은 회부할 수 없습니다.")
    ]


def test_votes_are_not_negative_and_may_be_uncounted():
    votes = {"votes_yes": None, "votes_no": -1, "votes_abstain": 0}
    assert rules.vote_problems(votes) == [("votes_no", "표 수는 0 이상이어야 합니다.")]


@pytest.mark.parametrize(
    ("latest", "by_committee", "referred", "status"),
    [
        (None, False, False, ItemStatus.SUBMITTED),
        (None, False, True, ItemStatus.REFERRED),
        (Result.PASSED, True, True, ItemStatus.COMMITTEE_DECIDED),
        (Result.DEFERRED, True, True, ItemStatus.DEFERRED),
        (Result.WITHDRAWN, True, True, ItemStatus.WITHDRAWN),
        (Result.AMENDED, False, True, ItemStatus.AMENDED),
    ],
)
def test_status_follows_the_latest_outcome(latest, by_committee, referred, status):
    assert rules.status_after(latest, by_committee, referred) is status


def test_a_held_meetings_order_changes_only_with_a_reason():
    name = "제244회 정례회 제1차 본회의"
    [(field, message)] = order_rules.change_problems(MeetingStatus.HELD, name, " ")
    assert field == "reason" and message.startswith(f"{name}는 이미 열렸습니다.")
    assert order_rules.change_problems(MeetingStatus.HELD, name, "의장 제의") == []
    assert order_rules.change_problems(MeetingStatus.SCHEDULED, name, "") == []
    assert order_rules.change_problems(MeetingStatus.CANCELLED, name, "") == [
        ("meeting", "취소된 회의의 의사일정은 바꿀 수 없습니다.")
    ]


def test_an_item_stands_once_and_moves_within_bounds():
    assert order_rules.duplicate_problems([1, 2, 1])[0][0] == "items"
    assert order_rules.duplicate_problems([1, 2]) == []
    assert order_rules.moved(["a", "b", "c"], 2, -1) == ["a", "c", "b"]
    assert order_rules.moved(["a", "b", "c"], 0, -1) == ["a", "b", "c"]
    assert order_rules.moved(["a", "b", "c"], 2, 5) == ["a", "b", "c"]


def test_outcomes_open_on_the_meetings_day_unless_called_off():
    day = date(2023, 6, 30)
    assert not order_rules.outcomes_open(day, MeetingStatus.SCHEDULED, date(2023, 6, 29))
    assert order_rules.outcomes_open(day, MeetingStatus.SCHEDULED, day)
    assert not order_rules.outcomes_open(day, MeetingStatus.POSTPONED, date(2023, 7, 1))
