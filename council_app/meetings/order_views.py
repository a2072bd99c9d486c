"""Pages for a meeting's order of business: the secretariat reorders and takes items off.

Registered on the meetings blueprint (imported at the end of ``meetings.views``).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ..agenda import queries
from ..agenda.models import AgendaItem, Result
from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command
from ..core.time import today_kst
from ..core.writes import page_write
from ..extensions import db
from . import order, order_rules
from .models import Meeting
from .views import bp


@bp.get("/meetings/<int:meeting_id>/order-of-business")
@permission_required(Permission.MANAGE_AGENDA)
def order_of_business(meeting_id: int):
    """Show a meeting's order of business with the forms to change it and record outcomes."""
    meeting = db.get_or_404(Meeting, meeting_id)
    return render_template(
        "meetings/order_of_business.html",
        meeting=meeting,
        lines=queries.order_of_business(meeting),
        results=Result,
        outcomes_open=order_rules.outcomes_open(meeting.date, meeting.status, today_kst()),
    )


@bp.post("/meetings/<int:meeting_id>/order-of-business/<int:item_id>/remove")
@permission_required(Permission.MANAGE_AGENDA)
def remove_from_order(meeting_id: int, item_id: int):
    """Take an item off the order of business."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    page_write(
        lambda: order.remove_from_order(meeting, item, _change().reason),
        done="의사일정에서 뺐습니다.",
    )
    return redirect(url_for("meetings.order_of_business", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/order-of-business/<int:item_id>/move")
@permission_required(Permission.MANAGE_AGENDA)
def move_in_order(meeting_id: int, item_id: int):
    """Move an item one place up or down the order of business."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    # The buttons send -1 or 1; anything else is not from this page.
    offset = request.form.get("offset", type=int)
    if offset not in (-1, 1):
        abort(400)
    page_write(
        lambda: order.move_in_order(meeting, item, offset, _change().reason),
        done="순서를 바꿨습니다.",
    )
    return redirect(url_for("meetings.order_of_business", meeting_id=meeting.id))


def _change() -> order.OrderChange:
    """Read the reason a button's small form sent (it has no WTForms class)."""
    return read_command(order.OrderChange, request.form)
