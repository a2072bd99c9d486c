"""Meeting pages: the public meeting page and the secretariat's forms."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..agenda.queries import order_of_business
from ..auth.permissions import Permission, permission_required
from ..core.errors import CouncilError
from ..core.forms import form_status, save_form
from ..extensions import db
from ..sessions.views import flash_warnings
from . import services
from .forms import MeetingForm, MeetingStatusForm, SelectChoice
from .models import Meeting

bp = Blueprint("meetings", __name__)


@bp.app_template_global()
def meeting_trail(meeting: Meeting, link: bool = True) -> list[tuple[str, str | None]]:
    """Return the breadcrumbs down to a meeting: 회기 › its session › the meeting."""
    council_session = meeting.council_session
    return [
        (gettext("회기"), url_for("sessions.index")),
        (council_session.name, url_for("sessions.show", number=council_session.number)),
        (
            gettext("제%(n)s차", n=meeting.sitting) + " " + meeting.body.name,
            url_for("meetings.show", meeting_id=meeting.id) if link else None,
        ),
    ]


@bp.app_template_global()
def meeting_details_shown(meeting: Meeting) -> bool:
    """Tell whether the visitor may see the meeting's place, note and order of business."""
    return services.details_visible_to(meeting, current_user)


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """Show a meeting: when, where, its state and its links."""
    meeting = _meeting_or_404(meeting_id)
    shown = services.details_visible_to(meeting, current_user)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        details_shown=shown,
        agenda=order_of_business(meeting) if shown else [],
        status_form=MeetingStatusForm(),
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def edit(meeting_id: int):
    """Change a meeting's date, time, place or links."""
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm(data=services.snapshot(meeting))
    form.body.choices = [SelectChoice(meeting.body.slug, meeting.body.name)]
    outcome = save_form(
        form, lambda data: services.update_meeting(meeting, data, data.pop("reason", None))
    )
    if outcome:
        flash(f"{meeting.name}를 고쳤습니다.", "success")
        flash_warnings(outcome.warnings)
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template(
        "meetings/form.html", form=form, council_session=meeting.council_session, meeting=meeting
    ), form_status(form)


@bp.post("/meetings/<int:meeting_id>/status")
@permission_required(Permission.MANAGE_SESSIONS)
def change_status(meeting_id: int):
    """Mark a meeting held, postponed, cancelled or scheduled again."""
    meeting = _meeting_or_404(meeting_id)
    form = MeetingStatusForm()
    if form.validate_on_submit():
        try:
            outcome = services.update_meeting(
                meeting, {"status": form.status.data}, form.reason.data or None
            )
        except CouncilError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{meeting.name} 상태: {meeting.status.label}", "success")
            flash_warnings(outcome.warnings)
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


from . import order_views  # noqa: E402,F401  (order-of-business routes join this blueprint)
