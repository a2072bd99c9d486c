"""API routes for agenda items, a meeting's order of business and outcomes.

Names follow OParl 1.1 in snake_case where the concept matches: an item is a ``Paper``
(``reference`` = 의안번호 as shown, ``name`` = 안건명, ``date`` = 접수일, ``paper_type``,
``under_direction_of`` = the committees it was referred to); a line of the order of business
is an OParl ``AgendaItem`` (``order``, ``number``, ``result``); attachments are ``File``s.
"""

from __future__ import annotations

import enum
from datetime import date

from flask import jsonify, request, url_for
from sqlalchemy import select

from ..agenda import queries, services
from ..agenda.models import AgendaItem, ItemKind, Outcome, ProposerKind, Result
from ..auth.permissions import Permission, permission_required
from ..core.errors import NotFound, RuleViolation
from ..core.inputs import MAX_ID, date_problem, page_number
from ..core.urls import external_url
from ..council.models import Body, Member
from ..council.services import current_council
from ..extensions import db
from ..meetings.models import Meeting
from ..sessions.models import SessionKind
from . import bp, json_payload, list_response

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
    }


def item_json(item: AgendaItem) -> dict:
    """Return an item with its proposer, referrals, outcomes and files."""
    outcomes = sorted(item.outcomes, key=lambda o: (o.meeting.date, o.meeting.start_time))
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
        }
        for entry, outcome in queries.order_of_business(meeting)
    ]


def _payload() -> dict:
    return json_payload()


def _date(data: dict, name: str) -> date:
    try:
        value = date.fromisoformat(str(data[name]))
    except KeyError:
        raise RuleViolation([(name, "날짜를 적어 주세요 (YYYY-MM-DD).")]) from None
    except ValueError:
        raise RuleViolation([(name, "날짜는 YYYY-MM-DD 형식이어야 합니다.")]) from None
    if problem := date_problem(value, "날짜"):
        raise RuleViolation([(name, problem)])
    return value


def _enum(data: dict, name: str, enum_cls: type[enum.Enum]):
    try:
        return enum_cls(data.get(name))
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise RuleViolation([(name, f"다음 중 하나여야 합니다: {allowed}")]) from None


def _int(data: dict, name: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation([(name, "정수를 적어 주세요.")])
    if not 0 <= value <= MAX_ID:
        raise RuleViolation([(name, f"0부터 {MAX_ID}까지의 정수를 적어 주세요.")])
    return value


def _get(model, ident, name: str, label: str):
    usable = isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_ID
    found = db.session.get(model, ident) if usable else None
    if found is None:
        raise RuleViolation([(name, f"{label}을(를) 찾을 수 없습니다: {ident}")])
    return found


def _body_by_slug(slug, name: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == str(slug)))
    if body is None:
        raise RuleViolation([(name, f"위원회를 찾을 수 없습니다: {slug}")])
    return body


def _item_fields(data: dict) -> services.ItemFields:
    """Read an item's fields from the request body."""
    lead = data.get("lead_member")
    body = data.get("proposer_organization")
    return services.ItemFields(
        title=str(data.get("name") or ""),
        kind=_enum(data, "kind", ItemKind),
        proposer_kind=_enum(data, "proposer_kind", ProposerKind),
        submitted_on=_date(data, "date"),
        bill_number=_int(data, "bill_number"),
        lead_member=None if lead is None else _get(Member, lead, "lead_member", "의원"),
        co_sponsors=[_get(Member, i, "co_sponsors", "의원") for i in data.get("co_sponsors") or []],
        proposer_body=None if body is None else _body_by_slug(body, "proposer_organization"),
        summary=str(data.get("summary") or ""),
    )


@bp.get("/agenda-items")
def agenda_items():
    """List agenda items; filter by session, year, term, kind, status, proposer, committee."""
    filters = queries.ItemFilter.from_args(request.args)
    page = db.paginate(
        queries.filtered_items(filters), page=page_number(request.args), max_per_page=MAX_PER_PAGE
    )
    links = {"self": request.full_path.rstrip("?")}
    args = {**filters.as_args(), "per_page": page.per_page}
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
    return jsonify(item_json(db.get_or_404(AgendaItem, item_id)))


@bp.post("/agenda-items")
@permission_required(Permission.MANAGE_AGENDA)
def create_agenda_item():
    """Register an agenda item: name, kind, proposer_kind, date, bill_number, lead_member …"""
    item = services.create_item(current_council(), _item_fields(_payload()))
    db.session.commit()
    return jsonify(item_json(item)), 201


@bp.post("/agenda-items/<int:item_id>/referrals")
@permission_required(Permission.MANAGE_AGENDA)
def refer_agenda_item(item_id: int):
    """Refer an agenda item to a committee: {"organization": slug, "referred_on": date}."""
    item = db.get_or_404(AgendaItem, item_id)
    data = _payload()
    committee = _body_by_slug(data.get("organization"), "organization")
    services.refer(item, committee, _date(data, "referred_on"))
    db.session.commit()
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
    data = _payload()
    ids = data.get("items")
    if not isinstance(ids, list):
        raise RuleViolation([("items", "안건 번호(id)의 목록을 보내 주세요.")])
    items = [_get(AgendaItem, i, "items", "안건") for i in ids]
    services.set_order(meeting, items, str(data.get("reason") or ""))
    db.session.commit()
    lines = agenda_json(meeting)
    return list_response(lines, len(lines))


@bp.post("/meetings/<int:meeting_id>/agenda")
@permission_required(Permission.MANAGE_AGENDA)
def add_to_meeting_agenda(meeting_id: int):
    """Add an item at the end of a meeting's order of business: {"item": id, "reason": "…"}."""
    meeting = db.get_or_404(Meeting, meeting_id)
    data = _payload()
    item = _get(AgendaItem, data.get("item"), "item", "안건")
    services.add_to_order(meeting, item, str(data.get("reason") or ""))
    db.session.commit()
    lines = agenda_json(meeting)
    return list_response(lines, len(lines)), 201


@bp.post("/meetings/<int:meeting_id>/outcomes")
@permission_required(Permission.MANAGE_AGENDA)
def record_meeting_outcome(meeting_id: int):
    """Record a meeting's decision on an item: {"item", "result", "votes_yes", "votes_no" …}."""
    meeting = db.get_or_404(Meeting, meeting_id)
    data = _payload()
    item = _get(AgendaItem, data.get("item"), "item", "안건")
    outcome = services.record_outcome(
        meeting,
        item,
        _enum(data, "result", Result),
        votes_yes=_int(data, "votes_yes"),
        votes_no=_int(data, "votes_no"),
        votes_abstain=_int(data, "votes_abstain"),
        note=str(data.get("note") or ""),
    )
    db.session.commit()
    return jsonify({**outcome_json(outcome), "agenda_item": item_summary_json(item)}), 201
