"""Registering and correcting items: bill numbers per term, the term, the proposer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from council_app.agenda import services
from council_app.agenda.commands import ItemCommand
from council_app.agenda.models import AgendaItem, ItemKind, ItemStatus, ProposerKind
from council_app.core.errors import RuleViolation
from council_app.council.models import Member
from council_app.extensions import db
from council_app.models import AuditEvent


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _members():
    return db.session.scalars(select(Member).order_by(Member.id)).all()


def test_item_starts_submitted_in_the_term_of_its_day(make_item):
    item = make_item(bill_number=12)
    assert item.status is ItemStatus.SUBMITTED
    assert item.term.label == "제9대"
    assert item.reference == "제12호"
    assert item.proposer_label == "구청장"
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "agenda.item_create"
    )


def test_bill_number_is_unique_per_term(make_item):
    make_item(bill_number=7)
    with pytest.raises(RuleViolation) as error:
        make_item("다른 안건", bill_number=7)
    assert error.value.errors == [("bill_number", "제9대에 이미 의안번호 제7호가 있습니다.")]
    db.session.rollback()
    assert _count(AgendaItem) == 1


def test_items_without_bill_numbers_can_be_many(make_item):
    make_item("2023년도 주요업무계획 보고", kind=ItemKind.REPORT)
    make_item("구정질문", kind=ItemKind.QUESTION_TIME)
    assert _count(AgendaItem) == 2


def test_submission_day_outside_every_term_is_refused(make_item):
    with pytest.raises(RuleViolation) as error:
        make_item(submitted_on=date(2010, 3, 2))
    assert error.value.errors[0][0] == "submitted_on"
    assert "어느 대수의 임기에도 들지 않습니다" in error.value.errors[0][1]


def test_member_item_needs_a_lead_member(make_item):
    with pytest.raises(RuleViolation) as error:
        make_item(proposer_kind=ProposerKind.MEMBER)
    assert error.value.errors == [
        ("lead_member", "의원 발의 안건은 대표발의 의원을 골라야 합니다.")
    ]


def test_member_item_shows_lead_and_co_sponsors(make_item):
    lead, *others = _members()[:3]
    item = make_item(
        proposer_kind=ProposerKind.MEMBER,
        lead_member=lead.id,
        co_sponsors=tuple(m.id for m in others),
    )
    assert item.proposer_label == f"{lead.name} 의원 등 3인"


def test_lead_member_cannot_also_co_sponsor(make_item):
    lead = _members()[0]
    with pytest.raises(RuleViolation) as error:
        make_item(proposer_kind=ProposerKind.MEMBER, lead_member=lead.id, co_sponsors=(lead.id,))
    assert error.value.errors[0][0] == "co_sponsors"


def test_district_head_item_names_no_members(make_item):
    with pytest.raises(RuleViolation) as error:
        make_item(lead_member=_members()[0].id)
    assert error.value.errors == [
        ("lead_member", "구청장 제출 안건에는 발의 의원을 적지 않습니다.")
    ]


def test_committee_item_names_a_committee(make_item, bodies):
    with pytest.raises(RuleViolation) as error:
        make_item(proposer_kind=ProposerKind.COMMITTEE, proposer_body="plenary")
    assert error.value.errors[0][0] == "proposer_body"
    item = make_item(proposer_kind=ProposerKind.COMMITTEE, proposer_body="steering")
    assert item.proposer_label == "의회운영위원회"


def test_update_keeps_own_bill_number_and_audits(make_item):
    item = make_item(bill_number=3)
    command = ItemCommand(
        title="고친 안건명",
        kind=item.kind,
        proposer_kind=item.proposer_kind,
        submitted_on=item.submitted_on,
        bill_number=3,
    )
    services.update_item(item, command)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.action == "agenda.item_update"
    assert event.before["title"] != event.after["title"] == "고친 안건명"


def test_blank_title_is_refused(make_item):
    with pytest.raises(RuleViolation) as error:
        make_item("   ")
    assert error.value.errors == [("title", "안건명을 입력해 주세요.")]
