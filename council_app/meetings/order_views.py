"""Pages for a meeting's order of business: the secretariat reorders, takes items off and
records what the meeting decided on each line.

Registered on the meetings blueprint (imported at the end of ``meetings.views``).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ..agenda import queries
from ..agenda import services as agenda_services
from ..agenda.commands import OutcomeCommand
from ..agenda.forms import OutcomeForm
from ..agenda.models import AgendaItem, Result
from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command
from ..core.time import today_kst
from ..core.writes import Done, form_input, page_write
from ..extensions import db
from . import bp, order, order_rules
from .models import Meeting


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
    return _change_line(
        meeting_id,
        item_id,
        lambda meeting, item: order.remove_from_order(meeting, item, _change().reason),
        "의사일정에서 뺐습니다.",
    )


@bp.post("/meetings/<int:meeting_id>/order-of-business/<int:item_id>/move")
@permission_required(Permission.MANAGE_AGENDA)
def move_in_order(meeting_id: int, item_id: int):
    """Move an item one place up or down the order of business."""
    # The buttons send -1 or 1; anything else is not from this page.
    offset = request.form.get("offset", type=int)
    if offset not in (-1, 1):
        abort(400)
    return _change_line(
        meeting_id,
        item_id,
        lambda meeting, item: order.move_in_order(meeting, item, offset, _change().reason),
        "순서를 바꿨습니다.",
    )


@bp.post("/meetings/<int:meeting_id>/outcomes/<int:item_id>")
@permission_required(Permission.MANAGE_AGENDA)
def record_outcome(meeting_id: int, item_id: int):
    """Record what the meeting decided about an item."""
    form = OutcomeForm()
    if not form.validate_on_submit():
        abort(400)
    return _change_line(
        meeting_id,
        item_id,
        lambda meeting, item: agenda_services.record_outcome(
            meeting, item, read_command(OutcomeCommand, form_input(form))
        ),
        lambda outcome: f"결과를 기록했습니다: {outcome.item.title} {outcome.result.label}",
    )


def _change_line(meeting_id: int, item_id: int, change, done: Done):
    """Run ``change`` on one line of the order of business, then show the order again."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    page_write(lambda: change(meeting, item), done=done)
    return redirect(url_for("meetings.order_of_business", meeting_id=meeting.id))


def _change() -> order.OrderChange:
    """Read the reason a button's small form sent (it has no WTForms class)."""
    return read_command(order.OrderChange, request.form)
