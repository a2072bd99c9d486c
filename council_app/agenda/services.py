"""Verbs on agenda items: submit, refer, decide. Every path calls these with a command, so the
rules hold for pages, the API and the demo alike. They look up what the command names, check
every rule (the pure ones in ``rules``), flush and audit, but never commit. The order of
business is the meetings' (``meetings.order``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ..core import audit
from ..core.commands import UnknownReference
from ..core.errors import RuleViolation
from ..core.inputs import date_problem
from ..core.time import format_date, today_kst
from ..council.models import Body, Council, Member, Term
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from . import attachments, rules
from .commands import ItemCommand, OutcomeCommand, ReferralCommand
from .models import (
    AgendaItem,
    Attachment,
    ItemStatus,
    Outcome,
    ProposerKind,
    Referral,
    Result,
)
from .queries import items_in_order


def create_item(council: Council, command: ItemCommand) -> AgendaItem:
    """Register a submitted item in the term its submission day falls in."""
    term = next((t for t in council.terms if t.covers(command.submitted_on)), None)
    if term is None:
        raise RuleViolation(
            [
                (
                    "submitted_on",
                    f"접수일 {format_date(command.submitted_on)}은 "
                    "어느 대수의 임기에도 들지 않습니다.",
                )
            ]
        )
    particulars = _particulars(term, command, item=None)
    item = AgendaItem(term=term, status=ItemStatus.SUBMITTED)
    _apply(item, particulars)
    db.session.add(item)
    db.session.flush()
    audit.record("agenda.item_create", item, after=_item_snapshot(item))
    return item


def update_item(item: AgendaItem, command: ItemCommand) -> AgendaItem:
    """Correct an item's particulars; its history of referrals and outcomes stays."""
    particulars = _particulars(item.term, command, item=item)
    before = _item_snapshot(item)
    _apply(item, particulars)
    db.session.flush()
    audit.record("agenda.item_update", item, before=before, after=_item_snapshot(item))
    return item


def refer(item: AgendaItem, command: ReferralCommand) -> Referral:
    """Send ``item`` to a committee (회부)."""
    committee = _body(command.committee, "committee")
    referred_on = command.referred_on
    errors = []
    if not committee.is_committee:
        errors.append(("committee", "본회의에는 회부할 수 없습니다. 위원회를 고르세요."))
    elif not committee.is_active_on(referred_on):
        errors.append(("committee", f"{committee.name}는 {format_date(referred_on)}에 없습니다."))
    if any(r.body_id == committee.id for r in item.referrals):
        errors.append(("committee", f"이미 {committee.name}에 회부한 안건입니다."))
    if problem := date_problem(referred_on, "회부일"):
        errors.append(("referred_on", problem))
    else:
        errors += rules.referral_date_problems(referred_on, item.submitted_on)
    errors += rules.final_status_problem(item.status, "committee", "은 회부할 수 없습니다.")
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


def record_outcome(
    meeting: Meeting, item: AgendaItem, command: OutcomeCommand, *, today: date | None = None
) -> Outcome:
    """Record what ``meeting`` decided about ``item`` and update the item's status."""
    _check_outcome(meeting, item, command.result, today or today_kst())
    votes = {
        "votes_yes": command.votes_yes,
        "votes_no": command.votes_no,
        "votes_abstain": command.votes_abstain,
    }
    if negative := rules.vote_problems(votes):
        raise RuleViolation(negative)
    outcome = Outcome(
        item=item, meeting=meeting, result=command.result, note=command.note.strip(), **votes
    )
    db.session.add(outcome)
    db.session.flush()
    _refresh_status(item)
    audit.record(
        "agenda.outcome",
        item,
        after={"meeting": meeting.id, "result": command.result.value, **votes},
    )
    return outcome


def find_item(ident: int, field: str = "item") -> AgendaItem:
    """Return the item with this id, or refuse naming ``field``."""
    return _get(AgendaItem, ident, field, "안건")


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


@dataclass(frozen=True)
class _Particulars:
    """An item command with its members and committee looked up."""

    command: ItemCommand
    lead_member: Member | None
    co_sponsors: list[Member]
    proposer_body: Body | None


def _particulars(term: Term, command: ItemCommand, item: AgendaItem | None) -> _Particulars:
    """Look up the command's members and committee; raise when the item cannot exist in ``term``."""
    lead = None
    if command.lead_member is not None:
        lead = _get(Member, command.lead_member, "lead_member", "의원")
    co_sponsors = [_get(Member, i, "co_sponsors", "의원") for i in command.co_sponsors]
    body = None
    if command.proposer_body is not None:
        body = _body(command.proposer_body, "proposer_body")
    errors = rules.title_problems(command.title)
    errors += rules.bill_number_problems(command.bill_number)
    if command.bill_number is not None:
        same_number = select(AgendaItem.id).where(
            AgendaItem.term_id == term.id, AgendaItem.bill_number == command.bill_number
        )
        if item is not None:
            same_number = same_number.where(AgendaItem.id != item.id)
        if db.session.scalar(same_number):
            errors.append(
                (
                    "bill_number",
                    f"{term.label}에 이미 의안번호 제{command.bill_number}호가 있습니다.",
                )
            )
    if not term.covers(command.submitted_on):
        errors.append(
            (
                "submitted_on",
                f"접수일은 {term.label} 임기({format_date(term.start)}~{format_date(term.end)}) "
                "안이어야 합니다.",
            )
        )
    errors += rules.proposer_problems(
        command.proposer_kind,
        command.lead_member,
        command.co_sponsors,
        None if body is None else body.is_committee,
    )
    if errors:
        raise RuleViolation(errors)
    return _Particulars(command, lead, co_sponsors, body)


def _apply(item: AgendaItem, particulars: _Particulars) -> None:
    """Copy the particulars onto the item."""
    command = particulars.command
    item.title = command.title.strip()
    item.kind = command.kind
    item.proposer_kind = command.proposer_kind
    item.submitted_on = command.submitted_on
    item.bill_number = command.bill_number
    item.lead_member = particulars.lead_member
    item.co_sponsors = particulars.co_sponsors
    item.proposer_body = (
        particulars.proposer_body if command.proposer_kind is ProposerKind.COMMITTEE else None
    )
    item.summary = command.summary.strip()


def _get(model, ident: int, field: str, label: str):
    """Return the row with id ``ident``, or refuse naming ``field``."""
    found = db.session.get(model, ident)
    if found is None:
        raise UnknownReference([(field, f"{label}을(를) 찾을 수 없습니다: {ident}")])
    return found


def _body(slug: str, field: str) -> Body:
    """Return the body with this URL name, or refuse naming ``field``."""
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        raise UnknownReference([(field, f"위원회를 찾을 수 없습니다: {slug}")])
    return body


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
    if item not in items_in_order(meeting):
        raise RuleViolation(
            [("item", f"{meeting.name}의 의사일정에 없는 안건입니다. 먼저 의사일정에 올려 주세요.")]
        )
    if any(o.meeting_id == meeting.id for o in item.outcomes):
        raise RuleViolation([("result", f"{meeting.name}의 결과는 이미 기록되어 있습니다.")])
    if final := rules.final_status_problem(
        item.status, "result", "에는 결과를 더 기록할 수 없습니다."
    ):
        raise RuleViolation(final)
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
    has_referral = latest is None and db.session.scalar(
        select(func.count()).select_from(Referral).where(Referral.item_id == item.id)
    )
    item.status = rules.status_after(
        latest and latest.result,
        latest is not None and latest.meeting.body.is_committee,
        bool(has_referral),
    )
