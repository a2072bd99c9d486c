"""Public pages of the council's members: the list, and one page per member."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core.inputs import page_number
from ..core.time import today_kst
from ..council.services import current_council
from . import queries

bp = Blueprint("members", __name__)


@bp.get("/members")
def index():
    """List the council's members with the seats they hold today."""
    council = current_council()
    today = today_kst()
    return render_template(
        "members/index.html",
        members=[(m, queries.today_seated(m, today)) for m in queries.members(council)],
    )


@bp.get("/members/<int:member_id>")
def show(member_id: int):
    """Show a member: seats over time, speeches by meeting, bills, attendance."""
    member = queries.member_or_404(member_id)
    page = page_number(request.args)
    total = queries.speech_count(member.id)
    lines = queries.attendance(member.id)
    return render_template(
        "members/show.html",
        member=member,
        terms=queries.terms_of(member, current_council()),
        seats=queries.seats_over_time(member),
        groups=queries.speeches(member.id, page, queries.SPEECHES_PER_PAGE),
        total=total,
        page=page,
        last_page=max(1, -(-total // queries.SPEECHES_PER_PAGE)),
        bills=queries.bills(member.id),
        attendance=lines,
        rates=queries.yearly_rates(lines),
    )
