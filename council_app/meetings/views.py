"""Meeting pages: the public meeting page and the secretariat's forms."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..agenda.queries import order_of_business
from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command
from ..core.status import change_status as run_status_change
from ..core.status import status_form
from ..core.writes import form_status, save_form
from ..council.services import current_council
from ..extensions import db
from ..sessions.services import find_session
from . import bp, services
from .forms import MeetingForm
from .models import Meeting, MeetingStatus
from .services import MeetingCommand


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
    return db.get_or_404(Meeting, meeting_id)


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
        # Built for staff only: its CSRF token would give a visitor a session cookie.
        status_form=status_form(MeetingStatus) if current_user.is_authenticated else None,
    )


@bp.route("/sessions/<int:number>/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def create(number: int):
    """Schedule a meeting in this session."""
    council_session = find_session(current_council(), number) or abort(404)
    form = MeetingForm()
    form.body.choices = [SelectChoice(b.slug, b.name) for b in council_session.council.bodies]
    outcome = save_form(
        form,
        lambda data: services.create_meeting(
            council_session.council,
            read_command(MeetingCommand, data | {"session": council_session.number}),
        ),
        done=lambda outcome: f"{outcome.obj.name}를 일정에 넣었습니다.",
    )
    if outcome:
        return redirect(url_for("meetings.show", meeting_id=outcome.obj.id))
    page = render_template(
        "meetings/form.html", form=form, council_session=council_session, meeting=None
    )
    return page, form_status(form)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def edit(meeting_id: int):
    """Change a meeting's date, time, place or links."""
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm(data=services.snapshot(meeting))
    form.body.choices = [SelectChoice(meeting.body.slug, meeting.body.name)]
    outcome = save_form(
        form,
        lambda data: services.update_meeting(
            meeting, read_command(MeetingCommand, data, partial=True)
        ),
        done=lambda _: f"{meeting.name}를 고쳤습니다.",
    )
    if outcome:
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    page = render_template(
        "meetings/form.html", form=form, council_session=meeting.council_session, meeting=meeting
    )
    return page, form_status(form)


@bp.post("/meetings/<int:meeting_id>/status")
@permission_required(Permission.MANAGE_SESSIONS)
def change_status(meeting_id: int):
    """Mark a meeting held, postponed, cancelled or scheduled again."""
    meeting = _meeting_or_404(meeting_id)
    run_status_change(
        MeetingStatus, MeetingCommand, lambda command: services.update_meeting(meeting, command)
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
