"""Verbs on agenda items: submit, refer, schedule, decide. Every path calls these, so the
rules hold for pages, the API and the demo alike. They flush and audit but never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ..core import audit
from ..core.errors import RuleViolation
from ..core.inputs import date_problem
from ..core.time import format_date, today_kst
from ..council.models import Body, Council, Member, Term
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from . import attachments
from .models import (
    AgendaEntry,
    AgendaItem,
    Attachment,
    ItemKind,
    ItemStatus,
    Outcome,
    ProposerKind,
    Referral,
    Result,
)
from .queries import entries_of


@dataclass
class ItemFields:
    """What the secretariat types in about an item, already in Python types."""

    title: str
    kind: ItemKind
    proposer_kind: ProposerKind
    submitted_on: date
    bill_number: int | None = None
    lead_member: Member | None = None
    co_sponsors: Sequence[Member] = field(default_factory=list)
    proposer_body: Body | None = None
    summary: str = ""


def create_item(council: Council, fields: ItemFields) -> AgendaItem:
    """Register a submitted item in the term its submission day falls in."""
    term = next((t for t in council.terms if t.covers(fields.submitted_on)), None)
    if term is None:
        raise RuleViolation(
            [
                (
                    "submitted_on",
                    f"접수일 {format_date(fields.submitted_on)}은 "
                    "어느 대수의 임기에도 들지 않습니다.",
                )
            ]
        )
    _check_item_fields(term, fields, item=None)
    item = AgendaItem(term=term, status=ItemStatus.SUBMITTED)
    _apply(item, fields)
    db.session.add(item)
    db.session.flush()
    audit.record("agenda.item_create", item, after=_item_snapshot(item))
    return item


def update_item(item: AgendaItem, fields: ItemFields) -> AgendaItem:
    """Correct an item's particulars; its history of referrals and outcomes stays."""
    _check_item_fields(item.term, fields, item=item)
    before = _item_snapshot(item)
    _apply(item, fields)
    db.session.flush()
    audit.record("agenda.item_update", item, before=before, after=_item_snapshot(item))
    return item


def refer(item: AgendaItem, committee: Body, referred_on: date) -> Referral:
    """Send ``item`` to a committee (회부)."""
    errors = []
    if not committee.is_committee:
        errors.append(("committee", "본회의에는 회부할 수 없습니다. 위원회를 고르세요."))
    elif not committee.is_active_on(referred_on):
        errors.append(("committee", f"{committee.name}는 {format_date(referred_on)}에 없습니다."))
    if any(r.body_id == committee.id for r in item.referrals):
        errors.append(("committee", f"이미 {committee.name}에 회부한 안건입니다."))
    if problem := date_problem(referred_on, "회부일"):
        errors.append(("referred_on", problem))
    elif referred_on < item.submitted_on:
        errors.append(
            (
                "referred_on",
                f"회부일은 접수일({format_date(item.submitted_on)}) 이후여야 합니다.",
            )
        )
    if item.status.is_final:
        errors.append(("committee", f"이미 끝난 안건({item.status.label})은 회부할 수 없습니다."))
    if errors:
        raise RuleViolation(errors)
    referral = Referral(item=item, body=committee, referred_on=referred_on)
    db.session.add(referral)
    _refresh_status(item)
    audit.record(
        "agenda.refer",
        item,
        after={"committee": committee.slug, "referred_on": referred_on.isoformat()},
    )
    return referral


def add_to_order(meeting: Meeting, item: AgendaItem, reason: str = "") -> AgendaEntry:
    """Put ``item`` last on the meeting's order of business."""
    current = _ordered_items(meeting)
    if item in current:
        raise RuleViolation([("item", f"이미 {meeting.name}의 의사일정에 있는 안건입니다.")])
    set_order(meeting, [*current, item], reason)
    return next(e for e in entries_of(meeting) if e.item_id == item.id)


def remove_from_order(meeting: Meeting, item: AgendaItem, reason: str = "") -> None:
    """Take ``item`` off the meeting's order of business."""
    current = _ordered_items(meeting)
    if item not in current:
        raise RuleViolation([("item", f"{meeting.name}의 의사일정에 없는 안건입니다.")])
    set_order(meeting, [i for i in current if i != item], reason)


def move_in_order(meeting: Meeting, item: AgendaItem, offset: int, reason: str = "") -> None:
    """Move ``item`` ``offset`` places up (negative) or down the order of business."""
    current = _ordered_items(meeting)
    if item not in current:
        raise RuleViolation([("item", f"{meeting.name}의 의사일정에 없는 안건입니다.")])
    index = current.index(item)
    target = min(max(index + offset, 0), len(current) - 1)
    current.insert(target, current.pop(index))
    set_order(meeting, current, reason)


def set_order(meeting: Meeting, items: Sequence[AgendaItem], reason: str = "") -> None:
    """Make ``items`` the meeting's whole order of business, in that order.

    Before the meeting this is free; once it was held the order is the record of what
    happened, so a change needs a reason and goes into the audit log.
    """
    current = _ordered_items(meeting)
    wanted = list(items)
    if wanted == current:
        return
    errors = []
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED):
        errors.append(("meeting", f"{meeting.status.label}된 회의의 의사일정은 바꿀 수 없습니다."))
    if meeting.status is MeetingStatus.HELD and not (reason or "").strip():
        errors.append(
            (
                "reason",
                f"{meeting.name}는 이미 열렸습니다. 의사일정을 바꾸려면 변경 사유를 적어 주세요.",
            )
        )
    if len(set(wanted)) != len(wanted):
        errors.append(("items", "같은 안건을 의사일정에 두 번 올릴 수 없습니다."))
    term_id = meeting.council_session.term_id
    errors += [
        ("items", f"다른 대수의 안건은 이 회의에 올릴 수 없습니다: {i.title}")
        for i in wanted
        if i.term_id != term_id
    ]
    decided_here = {o.item_id for o in _outcomes_at(meeting)}
    errors += [
        ("items", f"결과를 기록한 안건은 의사일정에서 뺄 수 없습니다: {i.title}")
        for i in current
        if i not in wanted and i.id in decided_here
    ]
    if errors:
        raise RuleViolation(errors)

    entries = {e.item_id: e for e in entries_of(meeting)}
    for item in current:
        if item not in wanted:
            db.session.delete(entries[item.id])
    for position, item in enumerate(wanted, start=1):
        entry = entries.get(item.id) or AgendaEntry(meeting=meeting, item=item)
        entry.position = position
        db.session.add(entry)
    db.session.flush()
    audit.record(
        "agenda.order_change",
        meeting,
        before={"items": [i.id for i in current]},
        after={"items": [i.id for i in wanted]},
        reason=(reason or "").strip() or None,
    )


def record_outcome(
    meeting: Meeting,
    item: AgendaItem,
    result: Result,
    *,
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    note: str = "",
    today: date | None = None,
) -> Outcome:
    """Record what ``meeting`` decided about ``item`` and update the item's status."""
    _check_outcome(meeting, item, result, today or today_kst())
    votes = {"votes_yes": votes_yes, "votes_no": votes_no, "votes_abstain": votes_abstain}
    negative = [(name, "표 수는 0 이상이어야 합니다.") for name, n in votes.items() if (n or 0) < 0]
    if negative:
        raise RuleViolation(negative)
    outcome = Outcome(item=item, meeting=meeting, result=result, note=note.strip(), **votes)
    db.session.add(outcome)
    db.session.flush()
    _refresh_status(item)
    audit.record(
        "agenda.outcome",
        item,
        after={"meeting": meeting.id, "result": result.value, **votes},
    )
    return outcome


def attach_file(item: AgendaItem, upload: FileStorage) -> Attachment:
    """Keep an uploaded file with the item, after checking its size and type."""
    stored = attachments.store(upload, max_bytes=current_app.config["AGENDA_ATTACHMENT_MAX_BYTES"])
    attachment = Attachment(item=item, **stored)
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "agenda.attach",
        item,
        after={"attachment": attachment.id, "name": attachment.original_name},
    )
    return attachment


def _check_item_fields(term: Term, fields: ItemFields, item: AgendaItem | None) -> None:
    """Raise when the fields describe an item that cannot exist in ``term``."""
    errors = []
    if not fields.title.strip():
        errors.append(("title", "안건명을 입력해 주세요."))
    elif len(fields.title.strip()) > 300:
        errors.append(("title", "안건명은 300자 이내로 적어 주세요."))
    if fields.bill_number is not None:
        if fields.bill_number < 1:
            errors.append(("bill_number", "의안번호는 1 이상이어야 합니다."))
        same_number = select(AgendaItem.id).where(
            AgendaItem.term_id == term.id, AgendaItem.bill_number == fields.bill_number
        )
        if item is not None:
            same_number = same_number.where(AgendaItem.id != item.id)
        if db.session.scalar(same_number):
            errors.append(
                (
                    "bill_number",
                    f"{term.label}에 이미 의안번호 제{fields.bill_number}호가 있습니다.",
                )
            )
    if not term.covers(fields.submitted_on):
        errors.append(
            (
                "submitted_on",
                f"접수일은 {term.label} 임기({format_date(term.start)}~{format_date(term.end)}) "
                "안이어야 합니다.",
            )
        )
    errors += _proposer_errors(fields)
    if errors:
        raise RuleViolation(errors)


def _proposer_errors(fields: ItemFields) -> list[tuple[str, str]]:
    """Check that the proposer fields fit the proposer kind."""
    kind = fields.proposer_kind
    if kind is ProposerKind.MEMBER:
        if fields.lead_member is None:
            return [("lead_member", "의원 발의 안건은 대표발의 의원을 골라야 합니다.")]
        if fields.lead_member in fields.co_sponsors:
            return [("co_sponsors", "대표발의 의원은 공동발의 의원에서 빼 주세요.")]
        return []
    if fields.lead_member is not None or fields.co_sponsors:
        return [("lead_member", f"{kind.label} 제출 안건에는 발의 의원을 적지 않습니다.")]
    if kind is ProposerKind.COMMITTEE and (
        fields.proposer_body is None or not fields.proposer_body.is_committee
    ):
        return [("proposer_body", "위원회 제안 안건은 제안한 위원회를 골라야 합니다.")]
    return []


def _apply(item: AgendaItem, fields: ItemFields) -> None:
    """Copy the fields onto the item."""
    item.title = fields.title.strip()
    item.kind = fields.kind
    item.proposer_kind = fields.proposer_kind
    item.submitted_on = fields.submitted_on
    item.bill_number = fields.bill_number
    item.lead_member = fields.lead_member
    item.co_sponsors = list(fields.co_sponsors)
    item.proposer_body = (
        fields.proposer_body if fields.proposer_kind is ProposerKind.COMMITTEE else None
    )
    item.summary = fields.summary.strip()


def _item_snapshot(item: AgendaItem) -> dict:
    """Return the item's particulars for the audit log."""
    return {
        "bill_number": item.bill_number,
        "title": item.title,
        "kind": item.kind.value,
        "proposer_kind": item.proposer_kind.value,
        "lead_member": item.lead_member.id if item.lead_member else None,
        "co_sponsors": [m.id for m in item.co_sponsors],
        "proposer_body": item.proposer_body.id if item.proposer_body else None,
        "submitted_on": item.submitted_on.isoformat(),
    }


def _check_outcome(meeting: Meeting, item: AgendaItem, result: Result, today: date) -> None:
    """Raise unless ``meeting`` may record ``result`` for ``item``; the first broken rule wins.

    The rules build on one another (an item off the order of business has no referral
    worth checking), so one clear reason is more useful than a list of consequences.
    """
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED):
        raise RuleViolation(
            [("meeting", f"{meeting.status.label}된 회의에는 결과를 기록할 수 없습니다.")]
        )
    if meeting.date > today:
        raise RuleViolation(
            [
                (
                    "meeting",
                    f"{meeting.name}는 {format_date(meeting.date)}에 열립니다. "
                    "결과는 회의 뒤에 기록합니다.",
                )
            ]
        )
    if item not in _ordered_items(meeting):
        raise RuleViolation(
            [("item", f"{meeting.name}의 의사일정에 없는 안건입니다. 먼저 의사일정에 올려 주세요.")]
        )
    if any(o.meeting_id == meeting.id for o in item.outcomes):
        raise RuleViolation([("result", f"{meeting.name}의 결과는 이미 기록되어 있습니다.")])
    if item.status.is_final:
        raise RuleViolation(
            [("result", f"이미 끝난 안건({item.status.label})에는 결과를 더 기록할 수 없습니다.")]
        )
    if meeting.body.is_committee:
        referral = next((r for r in item.referrals if r.body_id == meeting.body_id), None)
        if referral is None:
            raise RuleViolation(
                [
                    (
                        "meeting",
                        f"{meeting.body.name}에 회부되지 않은 안건입니다. "
                        "위원회의 결과는 안건을 회부받은 위원회만 기록할 수 있습니다.",
                    )
                ]
            )
        if meeting.date < referral.referred_on:
            raise RuleViolation(
                [
                    (
                        "meeting",
                        f"회부일({format_date(referral.referred_on)}) 전에 열린 회의에서는 "
                        "결과를 기록할 수 없습니다.",
                    )
                ]
            )
    elif result not in (Result.DEFERRED, Result.WITHDRAWN):
        _check_plenary_decides_last(meeting, item)


def _check_plenary_decides_last(meeting: Meeting, item: AgendaItem) -> None:
    """Raise unless every committee the item went to has decided, before this meeting."""
    decided = {o.meeting.body_id: o for o in item.outcomes if o.result is not Result.DEFERRED}
    waiting = [r.body.name for r in item.referrals if r.body_id not in decided]
    if waiting:
        raise RuleViolation(
            [
                (
                    "result",
                    f"회부된 위원회({', '.join(waiting)})의 심사가 끝나지 않았습니다. "
                    "본회의는 위원회 심사 뒤에 의결합니다.",
                )
            ]
        )
    later = [o for o in decided.values() if o.meeting.date > meeting.date]
    if later:
        raise RuleViolation(
            [
                (
                    "result",
                    f"{later[0].meeting.name}({format_date(later[0].meeting.date)})의 "
                    "위원회 의결보다 "
                    "앞선 본회의에서는 의결할 수 없습니다. 본회의는 위원회 심사 뒤에 의결합니다.",
                )
            ]
        )


def _refresh_status(item: AgendaItem) -> None:
    """Set the item's status from its latest outcome, or from its referrals when undecided."""
    db.session.flush()
    latest = db.session.scalars(
        select(Outcome)
        .join(Meeting, Outcome.meeting_id == Meeting.id)
        .where(Outcome.item_id == item.id)
        .order_by(Meeting.date.desc(), Meeting.start_time.desc(), Outcome.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        has_referral = db.session.scalar(
            select(func.count()).select_from(Referral).where(Referral.item_id == item.id)
        )
        item.status = ItemStatus.REFERRED if has_referral else ItemStatus.SUBMITTED
    elif latest.meeting.body.is_committee and latest.result not in (
        Result.WITHDRAWN,
        Result.DEFERRED,
    ):
        # A committee's decision is a recommendation; the plenary still has to decide.
        item.status = ItemStatus.COMMITTEE_DECIDED
    else:
        item.status = ItemStatus(latest.result.value)


def _ordered_items(meeting: Meeting) -> list[AgendaItem]:
    """Return the items on the meeting's order of business, first to last."""
    return [e.item for e in entries_of(meeting)]


def _outcomes_at(meeting: Meeting) -> list[Outcome]:
    """Return the outcomes recorded at ``meeting``."""
    return list(db.session.scalars(select(Outcome).where(Outcome.meeting_id == meeting.id)))
