"""API routes for sessions (회기) and the annual plan."""

from __future__ import annotations

from flask import abort, jsonify, request

from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command
from ..core.inputs import moment_arg, year_arg
from ..core.time import as_kst
from ..core.urls import external_url
from ..core.writes import api_write
from ..council.services import current_council
from ..sessions import services
from ..sessions.models import CouncilSession
from ..sessions.plan import annual_plan
from ..sessions.services import SessionCommand
from . import bp, json_payload, list_response


def session_json(council_session: CouncilSession) -> dict:
    """Return a session as the API shows it."""
    return {
        "number": council_session.number,
        "name": council_session.name,
        "kind": council_session.kind.value,
        "start": council_session.start.isoformat(),
        "end": council_session.end.isoformat(),
        "days": council_session.days,
        "status": council_session.status.value,
        "term": council_session.term.number,
        "notice_date": council_session.notice_date.isoformat()
        if council_session.notice_date
        else None,
        "urgent": council_session.urgent,
        "convening_change_resolved": council_session.convening_change_resolved,
        "main_items": council_session.main_item_list,
        "note": council_session.note,
        "modified": as_kst(council_session.updated_at).isoformat(),
        "web": external_url("sessions.show", number=council_session.number),
        "meetings": external_url("api.meetings", session=council_session.number),
    }


@bp.get("/sessions")
def sessions():
    """List the sessions with days in a year (``year``, default this year).

    With ``modified_since`` (ISO 8601 date-time), the sessions of any year changed since then,
    unless ``year`` is given too.
    """
    council = current_council()
    since = moment_arg(request.args, "modified_since")
    if since is not None and not request.args.get("year"):
        rows = services.sessions_changed_since(council, since)
    else:
        rows = services.sessions_in_year(council, year_arg(request.args))
        if since is not None:
            rows = [s for s in rows if s.updated_at >= since]
    return list_response([session_json(s) for s in rows], len(rows))


@bp.get("/sessions/plan")
def sessions_plan():
    """Return a year's plan totals, the ordinance's limits and the days left."""
    plan = annual_plan(current_council(), year_arg(request.args))
    return jsonify(
        {
            "year": plan.year,
            "summary": plan.summary,
            "total": {"count": plan.total.count, "days": plan.total.days},
            "regular": {"count": plan.regular.count, "days": plan.regular.days},
            "extraordinary": {"count": plan.extraordinary.count, "days": plan.extraordinary.days},
            "limits": plan.limits,
            "remaining": plan.remaining,
            "sessions": [
                session_json(row.council_session) | {"days": row.days} for row in plan.rows
            ],
        }
    )


def _session_or_404(number: int) -> CouncilSession:
    return services.find_session(current_council(), number) or abort(404)


@bp.get("/sessions/<int:number>")
def session_detail(number: int):
    """Return one session."""
    return jsonify(session_json(_session_or_404(number)))


@bp.post("/sessions")
@permission_required(Permission.MANAGE_SESSIONS)
def create_session():
    """Create a session; broken rules answer 422, warnings come back with the session."""
    command = read_command(SessionCommand, json_payload())
    outcome = api_write(lambda: services.create_session(current_council(), command))
    body = session_json(outcome.obj) | {"warnings": outcome.warnings}
    return jsonify(body), 201, {"Location": body["web"]}


@bp.patch("/sessions/<int:number>")
@permission_required(Permission.MANAGE_SESSIONS)
def update_session(number: int):
    """Change a session's fields or status (planned, confirmed, in_session, closed, cancelled)."""
    data = json_payload()
    council_session = _session_or_404(number)
    command = read_command(SessionCommand, data, partial=True)
    outcome = api_write(lambda: services.update_session(council_session, command))
    return jsonify(session_json(outcome.obj) | {"warnings": outcome.warnings})
