"""Session pages: the public list, plan and session pages; the secretariat's forms."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from ..auth.permissions import Permission, permission_required
from ..core import holidays as holiday_services
from ..core.commands import read_command
from ..core.inputs import PLAN_YEARS
from ..core.models import PublicHoliday
from ..core.status import change_status as run_status_change
from ..core.status import status_form
from ..core.time import today_kst
from ..core.writes import form_status, page_write, save_form
from ..council.services import current_council
from ..extensions import db
from . import services
from .forms import HolidayForm, SessionForm
from .models import CouncilSession, SessionStatus
from .plan import annual_plan
from .services import SessionCommand

bp = Blueprint("sessions", __name__)


def _session_or_404(number: int) -> CouncilSession:
    return services.find_session(current_council(), number) or abort(404)


@bp.get("/sessions")
def index():
    """List upcoming and past sessions."""
    council_sessions = services.all_sessions(current_council())
    today = today_kst()
    upcoming = [s for s in council_sessions if s.end >= today]
    past = [s for s in reversed(council_sessions) if s.end < today]
    return render_template("sessions/index.html", upcoming=upcoming, past=past)


@bp.get("/sessions/plan")
def plan_this_year():
    """Go to this year's plan."""
    return redirect(url_for("sessions.plan", year=today_kst().year))


@bp.get("/sessions/plan/<int:year>")
def plan(year: int):
    """Show a year's plan with totals and the days left under the ordinance's limits."""
    if year not in PLAN_YEARS:
        abort(404)
    return render_template("sessions/plan.html", plan=annual_plan(current_council(), year))


@bp.get("/sessions/<int:number>")
def show(number: int):
    """Show a session with its meetings by date and body."""
    return render_template(
        "sessions/show.html",
        council_session=services.session_with_meetings(current_council(), number) or abort(404),
        # Built for staff only: its CSRF token would give a visitor a session cookie.
        status_form=status_form(SessionStatus) if current_user.is_authenticated else None,
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def create():
    """Create a session."""
    form = SessionForm()
    outcome = save_form(
        form,
        lambda data: services.create_session(current_council(), read_command(SessionCommand, data)),
        done=lambda outcome: f"{outcome.obj.name}를 만들었습니다.",
    )
    if outcome:
        return redirect(url_for("sessions.show", number=outcome.obj.number))
    return render_template("sessions/form.html", form=form, council_session=None), form_status(form)


@bp.route("/sessions/<int:number>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def edit(number: int):
    """Change a session's dates, notice or items (rescheduling included)."""
    council_session = _session_or_404(number)
    form = SessionForm(data=services.snapshot(council_session))
    outcome = save_form(
        form,
        lambda data: services.update_session(
            council_session, read_command(SessionCommand, data, partial=True)
        ),
        done=lambda outcome: f"{outcome.obj.name}를 고쳤습니다.",
    )
    if outcome:
        return redirect(url_for("sessions.show", number=outcome.obj.number))
    page = render_template("sessions/form.html", form=form, council_session=council_session)
    return page, form_status(form)


@bp.post("/sessions/<int:number>/status")
@permission_required(Permission.MANAGE_SESSIONS)
def change_status(number: int):
    """Confirm, open, close, cancel or re-plan a session."""
    council_session = _session_or_404(number)
    run_status_change(
        SessionStatus,
        SessionCommand,
        lambda command: services.update_session(council_session, command),
    )
    return redirect(url_for("sessions.show", number=number))


@bp.route("/holidays", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def holidays():
    """List and add the days off the holiday calendar does not know (임시공휴일)."""
    form = HolidayForm()
    added = save_form(
        form,
        lambda data: holiday_services.add_public_holiday(
            read_command(holiday_services.HolidayCommand, data)
        ),
        done="휴일을 추가했습니다.",
    )
    if added:
        return redirect(url_for("sessions.holidays"))
    page = render_template(
        "sessions/holidays.html", form=form, added=holiday_services.public_holidays()
    )
    return page, form_status(form)


@bp.post("/holidays/<int:holiday_id>/delete")
@permission_required(Permission.MANAGE_SESSIONS)
def delete_holiday(holiday_id: int):
    """Remove an added day off."""
    holiday = db.get_or_404(PublicHoliday, holiday_id)
    page_write(lambda: holiday_services.remove_public_holiday(holiday), done="휴일을 지웠습니다.")
    return redirect(url_for("sessions.holidays"))
