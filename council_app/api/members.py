"""API routes for the council's members (의원): seats, public speeches, bills, attendance."""

from __future__ import annotations

from flask import jsonify, request

from ..core.inputs import page_number, per_page_arg
from ..core.urls import external_url
from ..council.models import Member, Membership
from ..council.services import current_council
from ..members import queries
from . import bp, list_response


def seat_json(seat: Membership) -> dict:
    """Return a membership as the API shows it (OParl's Membership)."""
    return {
        "organization": {"id": seat.body.id, "slug": seat.body.slug, "name": seat.body.name},
        "role": seat.role.value,
        "role_label": seat.title,
        "start_date": seat.start.isoformat(),
        "end_date": seat.end.isoformat() if seat.end else None,
    }


def member_summary_json(member: Member) -> dict:
    """Return a member's name and links."""
    return {
        "id": member.id,
        "name": member.name,
        "party": member.party,
        "district": member.district,
        "web": external_url("members.show", member_id=member.id),
        "url": external_url("api.member_detail", member_id=member.id),
    }


@bp.get("/members")
def members():
    """List the council's members with their seats."""
    rows = queries.members(current_council())
    data = [
        member_summary_json(m) | {"membership": [seat_json(s) for s in queries.seats_over_time(m)]}
        for m in rows
    ]
    return list_response(data, len(data))


@bp.get("/members/<int:member_id>")
def member_detail(member_id: int):
    """Show a member: seats, terms, bills, attendance and a page of public speeches (page, per_page)."""
    member = queries.member_or_404(member_id)
    page = page_number(request.args)
    per_page = per_page_arg(request.args, queries.SPEECHES_PER_PAGE, queries.MAX_SPEECHES_PER_PAGE)
    total = queries.speech_count(member.id)
    lines = queries.attendance(member.id)
    speeches = [
        {
            "meeting": {
                "id": g.meeting.id,
                "name": g.meeting.name,
                "date": g.meeting.date.isoformat(),
            },
            "minutes_id": s.minutes_id,
            "order": s.order,
            "anchor": s.anchor,
            "speaker": s.speaker,
            "agenda_heading": s.agenda_heading,
            "snippet": s.snippet,
            "web": external_url("minutes.show", minutes_id=s.minutes_id, _anchor=s.anchor),
        }
        for g in queries.speeches(member.id, page, per_page)
        for s in g.speeches
    ]
    links = {
        "self": external_url("api.member_detail", member_id=member.id, page=page, per_page=per_page)
    }
    if page * per_page < total:
        links["next"] = external_url(
            "api.member_detail", member_id=member.id, page=page + 1, per_page=per_page
        )
    if page > 1:
        links["prev"] = external_url(
            "api.member_detail", member_id=member.id, page=page - 1, per_page=per_page
        )
    return jsonify(
        member_summary_json(member)
        | {
            "terms": [t.number for t in queries.terms_of(member, current_council())],
            "membership": [seat_json(s) for s in queries.seats_over_time(member)],
            "bills": [
                {
                    "id": b.item.id,
                    "title": b.item.title,
                    "reference": b.item.reference,
                    "role": "lead" if b.lead else "co_sponsor",
                    "submitted_on": b.item.submitted_on.isoformat(),
                    "status": b.item.status.value,
                    "status_label": b.item.status.label,
                    "web": external_url("agenda.show", item_id=b.item.id),
                }
                for b in queries.bills(member.id)
            ],
            "attendance": {
                "years": [
                    {
                        "year": y.year,
                        "counted": y.counted,
                        "present": y.present,
                        "leave": y.leave,
                        "absent": y.absent,
                        "rate": None if y.rate is None else round(y.rate, 4),
                    }
                    for y in queries.yearly_rates(lines)
                ],
                "meetings": [
                    {
                        "meeting_id": line.meeting.id,
                        "name": line.meeting.name,
                        "date": line.meeting.date.isoformat(),
                        "status": line.status.value,
                    }
                    for line in lines
                ],
            },
            "speeches": {"data": speeches, "total": total, "links": links},
        }
    )
