"""API routes for agenda items, a meeting's order of business and outcomes.

Names follow OParl 1.1 in snake_case where the concept matches: an item is a ``Paper``
(``reference`` = 의안번호 as shown, ``name`` = 안건명, ``date`` = 접수일, ``paper_type``,
``under_direction_of`` = the committees it was referred to); a line of the order of business
is an OParl ``AgendaItem`` (``order``, ``number``, ``result``); attachments are ``File``s.
"""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user

from ..agenda import queries, services
from ..agenda.commands import ItemCommand, ItemRef, OutcomeCommand, ReferralCommand
from ..agenda.models import AgendaItem, Outcome
from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command, sent_as
from ..core.errors import NotFound
from ..core.inputs import moment_arg, page_number, per_page_arg
from ..core.time import as_kst
from ..core.urls import external_url
from ..core.writes import api_write
from ..council.services import current_council
from ..extensions import db
from ..meetings import order
from ..meetings.models import Meeting
from ..sessions.models import SessionKind
from . import bp, json_payload, list_response

#: Where the API's bodies name a command's fields differently (OParl's names).
ITEM_KEYS = {"title": "name", "submitted_on": "date", "proposer_body": "proposer_organization"}
REFERRAL_KEYS = {"committee": "organization"}

#: Items a page of the list holds, unless ``per_page`` asks for up to ``MAX_PER_PAGE``.
PER_PAGE = 20
MAX_PER_PAGE = 100


def _ref(obj, **extra) -> dict | None:
    """Return a short reference to a member or body."""
    return None if obj is None else {"id": obj.id, "name": obj.name, **extra}


def meeting_ref(meeting: Meeting) -> dict:
    """Return a meeting as the agenda resources mention it."""
    return {
        "id": meeting.id,
        "name": meeting.name,
        "date": meeting.date.isoformat(),
        "organization": meeting.body.slug,
    }


def item_summary_json(item: AgendaItem) -> dict:
    """Return an item as lists show it."""
    return {
        "id": item.id,
        "reference": item.reference,
        "bill_number": item.bill_number,
        "name": item.title,
        "kind": item.kind.value,
        "paper_type": item.kind.label,
        "status": item.status.value,
        "status_label": item.status.label,
        "date": item.submitted_on.isoformat(),
        "term": item.term.number,
        "modified": as_kst(item.updated_at).isoformat(),
        "web": external_url("agenda.show", item_id=item.id),
    }


def outcome_json(outcome: Outcome) -> dict:
    """Return one meeting's decision on an item."""
    return {
        "meeting": meeting_ref(outcome.meeting),
        "result": outcome.result.value,
        "result_label": outcome.result.label,
        "votes": {
            "yes": outcome.votes_yes,
            "no": outcome.votes_no,
            "abstain": outcome.votes_abstain,
        },
        "note": outcome.note,
        "modified": as_kst(outcome.recorded_at).isoformat(),
    }


def item_json(item: AgendaItem) -> dict:
    """Return an item with its proposer, referrals, outcomes and files."""
    outcomes = queries.outcomes_shown_to(item, current_user)
    return {
        **item_summary_json(item),
        "summary": item.summary,
        "proposer": {
            "kind": item.proposer_kind.value,
            "label": item.proposer_label,
            "lead_member": _ref(item.lead_member),
            "co_sponsors": [_ref(m) for m in item.co_sponsors],
            "organization": _ref(item.proposer_body, slug=getattr(item.proposer_body, "slug", "")),
        },
        "under_direction_of": [r.body.slug for r in item.referrals],
        "referrals": [
            {
                "organization": _ref(r.body, slug=r.body.slug),
                "referred_on": r.referred_on.isoformat(),
                "modified": as_kst(r.updated_at).isoformat(),
            }
            for r in item.referrals
        ],
        "outcomes": [outcome_json(o) for o in outcomes],
        "auxiliary_file": [
            {
                "id": a.id,
                "name": a.original_name,
                "mime_type": a.content_type,
                "size": a.size,
                "sha256_checksum": a.sha256,
                "modified": as_kst(a.uploaded_at).isoformat(),
                "access_url": external_url(
                    "agenda.attachment", item_id=item.id, attachment_id=a.id
                ),
            }
            for a in item.attachments
        ],
    }


def agenda_json(meeting: Meeting) -> list[dict]:
    """Return the meeting's order of business, each line with its result if recorded."""
    return [
        {
            "order": entry.position,
            "number": str(entry.position),
            "name": entry.item.title,
            "agenda_item": item_summary_json(entry.item),
            "result": outcome.result.value if outcome else None,
            "result_label": outcome.result.label if outcome else None,
            "modified": as_kst(
                max(entry.updated_at, outcome.recorded_at) if outcome else entry.updated_at
            ).isoformat(),
        }
        for entry, outcome in queries.order_of_business(meeting)
    ]


@bp.get("/agenda-items")
def agenda_items():
    """List agenda items; filter by session, year, term, kind, status, proposer, committee.

    ``modified_since`` (ISO 8601 date-time) keeps the items changed since then.
    """
    filters = read_command(queries.ItemFilter, request.args)
    query = queries.filtered_items(filters, current_user)
    kept = {}
    if (since := moment_arg(request.args, "modified_since")) is not None:
        query = query.where(AgendaItem.updated_at >= since)
        kept["modified_since"] = request.args["modified_since"]
    # A per_page beyond the bound is refused, as the documented schema says, not cut down.
    page = db.paginate(
        query,
        page=page_number(request.args),
        per_page=per_page_arg(request.args, PER_PAGE, MAX_PER_PAGE),
    )
    links = {"self": request.full_path.rstrip("?")}
    args = {**filters.as_args(), **kept, "per_page": page.per_page}
    if page.has_next:
        links["next"] = url_for("api.agenda_items", page=page.next_num, **args)
    if page.has_prev:
        links["prev"] = url_for("api.agenda_items", page=page.prev_num, **args)
    return list_response([item_summary_json(i) for i in page.items], page.total or 0, links)


@bp.get("/agenda-items/yearly-counts")
def agenda_yearly_counts():
    """Count sessions and agenda items per year, split by regular and extraordinary sessions."""
    rows = [
        {
            "year": c.year,
            "sessions": c.total_sessions,
            "items": c.total_items,
            **{
                kind.value: {"sessions": c.sessions.get(kind, 0), "items": c.items.get(kind, 0)}
                for kind in SessionKind
            },
            "text": c.sentence(),
        }
        for c in queries.yearly_counts()
    ]
    return list_response(rows, len(rows))


@bp.get("/agenda-items/<int:item_id>")
def agenda_item(item_id: int):
    """Return one agenda item (OParl Paper) with its referrals, outcomes and files."""
    return jsonify(item_json(queries.item_in_full(item_id)))


@bp.post("/agenda-items")
@permission_required(Permission.MANAGE_AGENDA)
def create_agenda_item():
    """Register an agenda item: name, kind, proposer_kind, date, bill_number, lead_member …"""
    council = current_council()
    command = read_command(ItemCommand, json_payload(), keys=ITEM_KEYS)
    with sent_as(ITEM_KEYS):
        item = api_write(lambda: services.create_item(council, command))
    return jsonify(item_json(item)), 201


@bp.post("/agenda-items/<int:item_id>/referrals")
@permission_required(Permission.MANAGE_AGENDA)
def refer_agenda_item(item_id: int):
    """Refer an agenda item to a committee: {"organization": slug, "referred_on": date}."""
    item = db.get_or_404(AgendaItem, item_id)
    command = read_command(ReferralCommand, json_payload(), keys=REFERRAL_KEYS)
    with sent_as(REFERRAL_KEYS):
        api_write(lambda: services.refer(item, command))
    return jsonify(item_json(item)), 201


@bp.get("/meetings/<int:meeting_id>/agenda")
def meeting_agenda(meeting_id: int):
    """Return a meeting's order of business (OParl AgendaItem list) with results."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if not meeting.public:
        raise NotFound("찾는 회의가 없습니다.")
    lines = agenda_json(meeting)
    return list_response(lines, len(lines))


@bp.put("/meetings/<int:meeting_id>/agenda")
@permission_required(Permission.MANAGE_AGENDA)
def replace_meeting_agenda(meeting_id: int):
    """Replace a meeting's order of business: {"items": [ids in order], "reason": "…"}."""
    meeting = db.get_or_404(Meeting, meeting_id)
    command = read_command(order.NewOrder, json_payload())
    api_write(lambda: order.replace_order(meeting, command))
    lines = agenda_json(meeting)
    return list_response(lines, len(lines))


@bp.post("/meetings/<int:meeting_id>/agenda")
@permission_required(Permission.MANAGE_AGENDA)
def add_to_meeting_agenda(meeting_id: int):
    """Add an item at the end of a meeting's order of business: {"item": id, "reason": "…"}."""
    meeting = db.get_or_404(Meeting, meeting_id)
    command = read_command(order.Addition, json_payload())
    api_write(lambda: order.add_named_item(meeting, command))
    lines = agenda_json(meeting)
    return list_response(lines, len(lines)), 201


@bp.post("/meetings/<int:meeting_id>/outcomes")
@permission_required(Permission.MANAGE_AGENDA)
def record_meeting_outcome(meeting_id: int):
    """Record a meeting's decision on an item: {"item", "result", "votes_yes", "votes_no" …}."""
    meeting = db.get_or_404(Meeting, meeting_id)
    data = json_payload()
    ref, command = read_command(ItemRef, data), read_command(OutcomeCommand, data)
    outcome = api_write(
        lambda: services.record_outcome(meeting, services.find_item(ref.item), command)
    )
    item = outcome.item
    return jsonify({**outcome_json(outcome), "agenda_item": item_summary_json(item)}), 201
