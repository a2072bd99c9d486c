"""API routes for sessions (회기) and the annual plan."""

from __future__ import annotations

from flask import abort, jsonify, request

from ..auth.permissions import Permission, permission_required
from ..core.errors import RuleViolation
from ..core.inputs import whole_number
from ..core.time import as_kst, today_kst
from ..core.urls import external_url
from ..council.services import current_council
from ..extensions import db
from ..sessions import services
from ..sessions.models import CouncilSession
from ..sessions.plan import annual_plan
from . import bp, json_payload, list_response


def session_json(session: CouncilSession) -> dict:
    """Return a session as the API shows it."""
    return {
        "number": session.number,
        "name": session.name,
        "kind": session.kind.value,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "days": session.days,
        "status": session.status.value,
        "term": session.term.number,
        "notice_date": session.notice_date.isoformat() if session.notice_date else None,
        "urgent": session.urgent,
        "convening_change_resolved": session.convening_change_resolved,
        "main_items": session.main_item_list,
        "note": session.note,
        "modified": as_kst(session.updated_at).isoformat(),
        "web": external_url("sessions.show", number=session.number),
        "meetings": external_url("api.meetings", session=session.number),
    }


def _year_arg() -> int:
    raw = request.args.get("year")
    if raw is None:
        return today_kst().year
    year = whole_number(raw, 2200)
    if year is None or year < 1990:
        raise RuleViolation("year는 1990~2200 사이의 연도여야 합니다.", "year")
    return year


@bp.get("/sessions")
def sessions():
    """List the sessions with days in a year (``year``, default this year)."""
    year = _year_arg()
    rows = services.sessions_in_year(current_council(), year)
    return list_response([session_json(s) for s in rows], len(rows))


@bp.get("/sessions/plan")
def sessions_plan():
    """Return a year's plan totals, the ordinance's limits and the days left."""
    plan = annual_plan(current_council(), _year_arg())
    return jsonify(
        {
            "year": plan.year,
            "summary": plan.summary,
            "total": {"count": plan.total.count, "days": plan.total.days},
            "regular": {"count": plan.regular.count, "days": plan.regular.days},
            "extraordinary": {"count": plan.extraordinary.count, "days": plan.extraordinary.days},
            "limits": plan.limits,
            "remaining": plan.remaining,
            "sessions": [session_json(row.session) | {"days": row.days} for row in plan.rows],
        }
    )


def _session_or_404(number: int) -> CouncilSession:
    session = services.find_session(current_council(), number)
    if session is None:
        abort(404)
    return session


@bp.get("/sessions/<int:number>")
def session_detail(number: int):
    """Return one session."""
    return jsonify(session_json(_session_or_404(number)))


@bp.post("/sessions")
@permission_required(Permission.MANAGE_SESSIONS)
def create_session():
    """Create a session; broken rules answer 422, warnings come back with the session."""
    outcome = services.create_session(current_council(), json_payload())
    db.session.commit()
    body = session_json(outcome.obj) | {"warnings": outcome.warnings}
    return jsonify(body), 201, {"Location": body["web"]}


@bp.patch("/sessions/<int:number>")
@permission_required(Permission.MANAGE_SESSIONS)
def update_session(number: int):
    """Change a session's fields or status (planned, confirmed, in_session, closed, cancelled)."""
    data = json_payload()
    outcome = services.update_session(_session_or_404(number), data, data.get("reason"))
    db.session.commit()
    return jsonify(session_json(outcome.obj) | {"warnings": outcome.warnings})
