"""Session pages: the public list, plan and session pages; the secretariat's forms."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..auth.permissions import Permission, permission_required
from ..core.errors import CouncilError
from ..core.forms import form_status, save_form
from ..core.time import today_kst
from ..council.services import current_council
from ..extensions import db
from ..meetings import services as meeting_services
from ..meetings.forms import MeetingForm, SelectChoice
from . import services
from .forms import HolidayForm, SessionForm, SessionStatusForm
from .models import CouncilSession
from .plan import annual_plan

bp = Blueprint("sessions", __name__)


def _session_or_404(number: int) -> CouncilSession:
    session = services.find_session(current_council(), number)
    if session is None:
        abort(404)
    return session


def flash_warnings(warnings: list[str]) -> None:
    """Show a saved change's warnings."""
    for warning in warnings:
        flash(f"주의: {warning}", "warning")


@bp.get("/sessions")
def index():
    """List upcoming and past sessions."""
    council = current_council()
    sessions = services.all_sessions(council)
    today = today_kst()
    upcoming = [s for s in sessions if s.end >= today]
    past = [s for s in reversed(sessions) if s.end < today]
    return render_template("sessions/index.html", upcoming=upcoming, past=past)


@bp.get("/sessions/plan")
def plan_this_year():
    """Go to this year's plan."""
    return redirect(url_for("sessions.plan", year=today_kst().year))


@bp.get("/sessions/plan/<int:year>")
def plan(year: int):
    """Show a year's plan with totals and the days left under the ordinance's limits."""
    if not 1990 <= year <= 2200:
        abort(404)
    return render_template("sessions/plan.html", plan=annual_plan(current_council(), year))


@bp.get("/sessions/<int:number>")
def show(number: int):
    """Show a session with its meetings by date and body."""
    session = _session_or_404(number)
    return render_template(
        "sessions/show.html", council_session=session, status_form=SessionStatusForm()
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def create():
    """Create a session."""
    form = SessionForm()
    outcome = save_form(form, lambda data: services.create_session(current_council(), data))
    if outcome:
        flash(f"{outcome.obj.name}를 만들었습니다.", "success")
        flash_warnings(outcome.warnings)
        return redirect(url_for("sessions.show", number=outcome.obj.number))
    return render_template("sessions/form.html", form=form, council_session=None), form_status(form)


@bp.route("/sessions/<int:number>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def edit(number: int):
    """Change a session's dates, notice or items (rescheduling included)."""
    session = _session_or_404(number)
    form = SessionForm(data=services.snapshot(session))
    outcome = save_form(form, lambda data: services.update_session(session, data))
    if outcome:
        flash(f"{outcome.obj.name}를 고쳤습니다.", "success")
        flash_warnings(outcome.warnings)
        return redirect(url_for("sessions.show", number=outcome.obj.number))
    return render_template("sessions/form.html", form=form, council_session=session), form_status(
        form
    )


@bp.post("/sessions/<int:number>/status")
@permission_required(Permission.MANAGE_SESSIONS)
def change_status(number: int):
    """Confirm, open, close, cancel or re-plan a session."""
    session = _session_or_404(number)
    form = SessionStatusForm()
    if form.validate_on_submit():
        try:
            outcome = services.update_session(
                session, {"status": form.status.data}, form.reason.data or None
            )
        except CouncilError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{session.name} 상태: {session.status.label}", "success")
            flash_warnings(outcome.warnings)
    return redirect(url_for("sessions.show", number=number))


@bp.route("/sessions/<int:number>/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def create_meeting(number: int):
    """Schedule a meeting in this session."""
    session = _session_or_404(number)
    form = MeetingForm()
    form.body.choices = [SelectChoice(b.slug, b.name) for b in session.council.bodies]
    outcome = save_form(
        form,
        lambda data: meeting_services.create_meeting(
            session.council, data | {"session": session.number}
        ),
    )
    if outcome:
        flash(f"{outcome.obj.name}를 일정에 넣었습니다.", "success")
        flash_warnings(outcome.warnings)
        return redirect(url_for("meetings.show", meeting_id=outcome.obj.id))
    return render_template(
        "meetings/form.html", form=form, council_session=session, meeting=None
    ), form_status(form)


@bp.route("/holidays", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SESSIONS)
def holidays():
    """List and add the days off the holiday calendar does not know (임시공휴일)."""
    form = HolidayForm()
    if save_form(form, services.add_public_holiday):
        flash("휴일을 추가했습니다.", "success")
        return redirect(url_for("sessions.holidays"))
    return render_template(
        "sessions/holidays.html", form=form, added=services.public_holidays()
    ), form_status(form)


@bp.post("/holidays/<int:holiday_id>/delete")
@permission_required(Permission.MANAGE_SESSIONS)
def delete_holiday(holiday_id: int):
    """Remove an added day off."""
    try:
        services.remove_public_holiday(holiday_id)
    except CouncilError:
        abort(404)
    db.session.commit()
    flash("휴일을 지웠습니다.", "success")
    return redirect(url_for("sessions.holidays"))
