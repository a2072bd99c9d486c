"""API routes for meetings (회의)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, jsonify, request, url_for
from flask_login import current_user

from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command, spec
from ..core.errors import RuleViolation
from ..core.inputs import moment_arg, page_number, per_page_arg
from ..core.time import as_kst
from ..core.urls import external_url
from ..core.writes import api_write
from ..council.services import body_by_slug, current_council
from ..extensions import db
from ..meetings import services
from ..meetings.models import Meeting
from ..meetings.services import MeetingCommand
from ..sessions.services import find_session
from . import bp, json_payload, list_response


def meeting_json(meeting: Meeting) -> dict:
    """Return a meeting as the API shows it (times are KST wall-clock ``HH:MM``).

    A closed meeting's place, note and video links are left out for the public.
    """
    fields = services.snapshot(meeting)
    if not services.details_visible_to(meeting, current_user):
        fields |= dict.fromkeys(
            ("place", "note", "video_url", "sign_language_video_url", "video_start")
        )
    return (
        {"id": meeting.id, "name": meeting.name}
        | fields
        | {
            "revision": meeting.revision,
            "modified": as_kst(meeting.updated_at).isoformat(),
            "web": external_url("meetings.show", meeting_id=meeting.id),
        }
    )


@dataclass(frozen=True)
class MeetingFilter:
    """The meetings list's query string; its labels are the API's own parameter names."""

    start: date | None = spec("from", default=None)
    end: date | None = spec("to", default=None)
    session: int | None = spec("session", default=None)


MEETING_FILTER_KEYS = {"start": "from", "end": "to"}
#: A session's meetings fit on one page; ``per_page`` asks for up to ``MAX_PER_PAGE``.
PER_PAGE = 100
MAX_PER_PAGE = 500


@bp.get("/meetings")
def meetings():
    """List meetings, filtered by ``from``/``to`` dates, ``body`` slug or ``session`` number.

    ``modified_since`` (ISO 8601 date-time) keeps those changed since then.

    A page at a time (``page``, ``per_page`` up to ``MAX_PER_PAGE``), with ``next``/``prev``.
    """
    council = current_council()
    wanted = read_command(MeetingFilter, request.args, keys=MEETING_FILTER_KEYS)
    start, end, session_number = wanted.start, wanted.end, wanted.session
    body = None
    if request.args.get("body"):
        body = body_by_slug(council, request.args["body"])
        if body is None:
            raise RuleViolation(f"'{request.args['body']}' 회의체가 없습니다.", "body")
    council_session = None
    if session_number is not None:
        council_session = find_session(council, session_number)
        if council_session is None:
            raise RuleViolation(f"제{session_number}회 회기가 없습니다.", "session")
    query = services.meetings_query(council, start, end, body, council_session)
    if (since := moment_arg(request.args, "modified_since")) is not None:
        query = query.where(Meeting.updated_at >= since)
    # Ten years are 2,000 meetings: a page at a time, as the agenda list.
    page = db.paginate(
        query,
        page=page_number(request.args),
        per_page=per_page_arg(request.args, PER_PAGE, MAX_PER_PAGE),
    )
    links = {"self": request.full_path.rstrip("?")}
    args = {k: v for k, v in request.args.items() if k != "page"}
    if page.has_next:
        links["next"] = url_for("api.meetings", **args, page=page.next_num)
    if page.has_prev:
        links["prev"] = url_for("api.meetings", **args, page=page.prev_num)
    return list_response([meeting_json(m) for m in page.items], page.total or 0, links)


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.session.get(Meeting, meeting_id) or abort(404)


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    """Return one meeting."""
    return jsonify(meeting_json(_meeting_or_404(meeting_id)))


@bp.post("/meetings")
@permission_required(Permission.MANAGE_SESSIONS)
def create_meeting():
    """Schedule a meeting; 차수 is given in date order (a wrong ``sitting`` answers 422)."""
    command = read_command(MeetingCommand, json_payload())
    outcome = api_write(lambda: services.create_meeting(current_council(), command))
    body = meeting_json(outcome.obj) | {"warnings": outcome.warnings}
    return jsonify(body), 201, {"Location": body["web"]}


@bp.patch("/meetings/<int:meeting_id>")
@permission_required(Permission.MANAGE_SESSIONS)
def update_meeting(meeting_id: int):
    """Change a meeting: time, place, status (held, postponed, cancelled) and the rest."""
    data = json_payload()
    meeting = _meeting_or_404(meeting_id)
    command = read_command(MeetingCommand, data, partial=True)
    outcome = api_write(lambda: services.update_meeting(meeting, command))
    return jsonify(meeting_json(outcome.obj) | {"warnings": outcome.warnings})
