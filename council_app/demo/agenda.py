"""Demo agenda items for the 2022–2023 sessions, taken through the agenda services.

Each title from the facts file becomes an item with a plausible way through the council:
referred to the committees that fit its subject, decided there, then by the plenary on the
session's last plenary sitting. The generic ``부의안건`` becomes two sample ordinances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ..agenda import services
from ..agenda.commands import ItemCommand, OutcomeCommand, ReferralCommand
from ..agenda.models import AgendaItem, ItemKind, ProposerKind, Result
from ..council.models import Council, Member
from ..extensions import db
from ..meetings import order
from ..sessions.models import CouncilSession

#: Why the demo writes an order of business for meetings that were already held.
DEMO_REASON = "예시 자료: 지난 회의의 의사일정 기록"
BILL_KINDS = {
    ItemKind.ORDINANCE,
    ItemKind.BUDGET,
    ItemKind.SUPPLEMENTARY_BUDGET,
    ItemKind.SETTLEMENT,
    ItemKind.CONSENT,
    ItemKind.APPROVAL,
    ItemKind.PROPOSAL,
    ItemKind.RESOLUTION,
    ItemKind.OTHER,
}
#: Sample ordinances standing in for ``부의안건``, with the committee their subject goes to.
SAMPLE_ORDINANCES = (
    ("주민참여예산 운영 조례 일부개정조례안(예시)", "admin-finance"),
    ("노인복지시설 지원 조례 일부개정조례안(예시)", "welfare-construction"),
    ("공동주택 관리 지원 조례 일부개정조례안(예시)", "welfare-construction"),
    ("행정기구 설치 조례 일부개정조례안(예시)", "admin-finance"),
)


@dataclass(frozen=True)
class Path:
    """How an item of some title travels: its kind, proposer, committees and results."""

    kind: ItemKind
    proposer: ProposerKind
    committees: tuple[str, ...] = ()
    committee_result: Result = Result.PASSED
    plenary_result: Result | None = Result.PASSED
    #: Organisational items are dealt with on the first sitting, bills on the last.
    first_sitting: bool = False


def path_for(title: str) -> Path:
    """Choose a plausible way through the council for a title from the facts file."""
    budget_path = ("admin-finance", "welfare-construction", "budget")
    # Forming a committee or appointing people comes first: their titles name budgets too.
    if "구성" in title:
        return Path(
            ItemKind.FORMATION, ProposerKind.CHAIR, plenary_result=Result.FORMED, first_sitting=True
        )
    if "선임" in title:
        return Path(
            ItemKind.APPOINTMENT,
            ProposerKind.CHAIR,
            plenary_result=Result.APPOINTED,
            first_sitting=True,
        )
    if "추가경정예산안" in title:
        return Path(ItemKind.SUPPLEMENTARY_BUDGET, ProposerKind.DISTRICT_HEAD, budget_path)
    if "예산안" in title:
        return Path(
            ItemKind.BUDGET, ProposerKind.DISTRICT_HEAD, budget_path, plenary_result=Result.AMENDED
        )
    if "결산" in title:
        return Path(ItemKind.SETTLEMENT, ProposerKind.DISTRICT_HEAD, ("admin-finance", "budget"))
    if "보고" in title:
        return Path(
            ItemKind.REPORT,
            ProposerKind.DISTRICT_HEAD,
            ("admin-finance", "welfare-construction"),
            committee_result=Result.RECEIVED,
            plenary_result=None,
        )
    if "감사계획" in title:
        return Path(ItemKind.APPROVAL, ProposerKind.COMMITTEE, ("audit",))
    if "행정사무감사" in title:
        return Path(
            ItemKind.AUDIT,
            ProposerKind.CHAIR,
            ("audit",),
            committee_result=Result.CONCLUDED,
            plenary_result=Result.ADOPTED,
        )
    if "구정질문" in title or "선거" in title:
        kind = ItemKind.QUESTION_TIME if "구정질문" in title else ItemKind.OTHER
        return Path(kind, ProposerKind.CHAIR, plenary_result=Result.CONCLUDED)
    return Path(ItemKind.OTHER, ProposerKind.COMMITTEE, first_sitting=True)


def load_agenda(council: Council, data: dict, report) -> None:
    """Add the agenda items of the 2022–2023 sessions; items already there are left alone."""
    added = 0
    members = db.session.scalars(select(Member).order_by(Member.id)).all()
    for entry in [
        *data["sessions_2022_actual"]["sessions"],
        *data["sessions_2023_plan"]["sessions"],
    ]:
        council_session = db.session.scalar(
            select(CouncilSession).where(
                CouncilSession.council_id == council.id,
                CouncilSession.number == entry["number"],
            )
        )
        if council_session is None or not council_session.meetings:
            continue
        for title, path in _items_of(entry):
            added += _load_item(council, council_session, title, path, members)
    report.add("안건(2022–2023)", added)


def _items_of(entry: dict) -> list[tuple[str, Path]]:
    """Return the session's titles with their paths, ``부의안건`` spelled out as samples."""
    items = []
    for agenda in entry.get("agenda", []):
        title = agenda if isinstance(agenda, str) else agenda["title"]
        if title != "부의안건":
            items.append((title, path_for(title)))
            continue
        for offset in range(2):
            name, slug = SAMPLE_ORDINANCES[(entry["number"] + offset) % len(SAMPLE_ORDINANCES)]
            proposer = ProposerKind.MEMBER if offset else ProposerKind.DISTRICT_HEAD
            items.append((f"서울특별시 금천구 {name}", Path(ItemKind.ORDINANCE, proposer, (slug,))))
    return items


def _load_item(council, council_session, title, path, members) -> int:
    """Add one item and its way through the session's meetings; return 1 if added."""
    term = council_session.term
    submitted_on = max(council_session.start - timedelta(days=7), term.start)
    exists = db.session.scalar(
        select(AgendaItem.id).where(
            AgendaItem.term_id == term.id,
            AgendaItem.title == title,
            AgendaItem.submitted_on == submitted_on,
        )
    )
    if exists:
        return 0
    meetings = [m for m in council_session.meetings if m.status.value != "cancelled"]
    plenaries = [m for m in meetings if m.body.slug == "plenary"]
    committee_meetings = {
        slug: next(m for m in meetings if m.body.slug == slug)
        for slug in path.committees
        if any(m.body.slug == slug for m in meetings)
    }
    lead = None
    if path.proposer is ProposerKind.MEMBER:
        lead = members[council_session.number % len(members)]
    item = services.create_item(
        council,
        ItemCommand(
            title=title,
            kind=path.kind,
            proposer_kind=path.proposer,
            submitted_on=submitted_on,
            bill_number=_next_bill_number(term) if path.kind in BILL_KINDS else None,
            lead_member=lead.id if lead else None,
            co_sponsors=tuple(m.id for m in members[:3] if m is not lead) if lead else (),
            proposer_body=("steering" if "audit" not in path.committees else "audit")
            if path.proposer is ProposerKind.COMMITTEE
            else None,
        ),
    )
    for slug, meeting in committee_meetings.items():
        services.refer(item, ReferralCommand(slug, council_session.start))
        order.add_to_order(meeting, item, DEMO_REASON)
        services.record_outcome(meeting, item, OutcomeCommand(path.committee_result))
    if path.plenary_result is not None and plenaries:
        plenary = plenaries[0] if path.first_sitting else plenaries[-1]
        order.add_to_order(plenary, item, DEMO_REASON)
        services.record_outcome(plenary, item, OutcomeCommand(path.plenary_result))
    return 1


def _next_bill_number(term) -> int:
    """Return the next free bill number (의안번호) in ``term``."""
    highest = db.session.scalar(
        select(func.max(AgendaItem.bill_number)).where(AgendaItem.term_id == term.id)
    )
    return (highest or 0) + 1
