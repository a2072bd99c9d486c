"""API routes for minutes: read what is public, upload and publish with EDIT_MINUTES."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import Permission, permission_required
from ..core.commands import read_command
from ..core.errors import CouncilError, NotFound, RuleViolation
from ..core.inputs import MAX_ID, moment_arg, page_number, whole_number
from ..core.time import as_kst
from ..core.urls import external_url
from ..core.writes import api_write
from ..extensions import db
from ..meetings.models import Meeting
from ..minutes import compliance, publication, queries, versions, video
from ..minutes.models import Minutes, MinutesStatus
from ..minutes.publication import PublishMinutes, WithdrawMinutes
from ..minutes.versions import UploadMinutes
from . import bp, json_payload, list_response


def _moment(value):
    return as_kst(value).isoformat() if value else None


def minutes_json(minutes: Minutes, warnings: bool = False) -> dict:
    """Return minutes as the API shows them, without their turns.

    Staff also see the draft awaiting publication, and with ``warnings`` the guards' findings.
    """
    version = minutes.current_version
    data = {
        "id": minutes.id,
        "meeting": minutes.meeting_id,
        "status": minutes.status.value,
        "published_at": _moment(minutes.published_at),
        "finalized_at": _moment(minutes.finalized_at),
        "late": minutes.late,
        "late_reason": minutes.late_reason,
        "due": compliance.due_date(minutes.meeting).isoformat(),
        "version": version.number if version else None,
        "modified": _moment(minutes.updated_at),
        "web": external_url("minutes.show", minutes_id=minutes.id),
    }
    draft = minutes.draft_version
    if draft is not None and queries.is_editor(current_user):
        data["draft_version"] = draft.number
    if warnings and draft is not None and queries.is_editor(current_user):
        data["warnings"] = [
            {"code": f.code, "message": f.message, "needs_reason": f.needs_reason}
            for f in publication.findings(minutes, draft)
        ]
    return data


def _readable(minutes_id: int) -> Minutes:
    minutes = db.session.get(Minutes, minutes_id)
    if minutes is None or not queries.visible_to(minutes, current_user):
        raise NotFound("회의록이 없습니다.")
    return minutes


@bp.get("/minutes")
def minutes_list():
    """List minutes, filtered by ``meeting`` id, ``status`` and ``modified_since`` (date-time)."""
    stmt = select(Minutes).order_by(Minutes.id)
    if raw_meeting := request.args.get("meeting"):
        meeting = whole_number(raw_meeting, MAX_ID)
        if meeting is None:
            raise RuleViolation("meeting에는 회의 번호(숫자)를 적어 주세요.", "meeting")
        stmt = stmt.where(Minutes.meeting_id == meeting)
    status = request.args.get("status")
    if status:
        try:
            stmt = stmt.where(Minutes.status == MinutesStatus(status))
        except ValueError:
            allowed = ", ".join(s.value for s in MinutesStatus)
            raise RuleViolation(f"상태는 {allowed} 중 하나입니다.", "status") from None
    if (since := moment_arg(request.args, "modified_since")) is not None:
        stmt = stmt.where(Minutes.updated_at >= since)
    rows = [m for m in db.session.scalars(stmt) if queries.visible_to(m, current_user)]
    return list_response([minutes_json(m) for m in rows], len(rows))


@bp.get("/minutes/<int:minutes_id>")
def minutes_detail(minutes_id: int):
    """Return minutes with one page of the current version's speaker turns (page, per_page)."""
    minutes = _readable(minutes_id)
    config = current_app.config
    page = page_number(request.args)
    per_page = config["API_MINUTES_PER_PAGE"]
    if raw := request.args.get("per_page"):
        per_page = whole_number(raw, config["API_MINUTES_MAX_PER_PAGE"]) or 0
        if per_page < 1:
            raise CouncilError(
                f"per_page는 1부터 {config['API_MINUTES_MAX_PER_PAGE']}까지의 숫자입니다.",
                field="per_page",
            )
    version = minutes.current_version
    all_turns = queries.readable_turns(version, current_user) if version else []
    turns = all_turns[(page - 1) * per_page : page * per_page]
    data = minutes_json(minutes, warnings=True)
    data["total"] = len(all_turns)
    data["links"] = _turn_links(minutes.id, page, per_page, len(all_turns))
    data["utterances"] = [
        {
            "order": t.order,
            "speaker": t.speaker,
            "member": t.member_id,
            "title": t.title,
            "text": t.text,
            "agenda_heading": t.agenda_heading,
            # Seconds into the meeting's video where the turn starts, when known.
            "video_offset": video.turn_offset(
                t.video_offset, t.clock_time, minutes.meeting.video_start
            ),
        }
        for t in turns
    ]
    return jsonify(data)


def _turn_links(minutes_id: int, page: int, per_page: int, total: int) -> dict:
    """Return self, first, last, and next/prev where they exist, for paged turns."""
    last = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for("api.minutes_detail", minutes_id=minutes_id, page=number, per_page=per_page)

    links = {"self": link(page), "first": link(1), "last": link(last)}
    if page < last:
        links["next"] = link(page + 1)
    if 1 < page <= last:
        links["prev"] = link(page - 1)
    return links


@bp.get("/minutes/deadlines")
def minutes_deadlines():
    """List publication deadlines: ``status`` overdue, due (still in time) or late (published late)."""
    status = request.args.get("status")
    if status not in (None, "overdue", "due", "late"):
        raise RuleViolation("상태는 overdue, due, late 중 하나입니다.", "status")
    entries = compliance.deadlines_list(status=status)
    items = [
        {
            "meeting_id": e.meeting.id,
            "meeting_name": e.meeting.name,
            "body_kind": e.meeting.body.kind.value,
            "meeting_date": e.meeting.date.isoformat(),
            "due": e.due.isoformat(),
            "days_left": e.days_left if not e.published else -e.days_late,
            "minutes_id": e.minutes.id if e.minutes else None,
        }
        for e in entries
    ]
    return list_response(items, len(items))


@bp.post("/meetings/<int:meeting_id>/minutes")
@permission_required(Permission.EDIT_MINUTES)
def minutes_upload(meeting_id: int):
    """Upload minutes: multipart with the file in ``file``, or a ``text`` field."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("회의가 없습니다.")
    stored = request.files.get("file")
    command = read_command(UploadMinutes, request.form)
    result = api_write(
        lambda: versions.upload(
            meeting,
            command,
            data=stored.read() if stored else None,
            filename=stored.filename or "" if stored else "",
            actor=current_user,
        )
    )
    # The file is kept even when its text could not be read; the caller may send text next.
    if result.problem:
        return jsonify(
            {
                "errors": [{"field": "file", "message": result.problem}],
                "id": result.minutes.id,
                "file": result.file.id,
            }
        ), 422
    body = minutes_json(result.minutes, warnings=True)
    body["utterances"] = len(result.version.utterances)
    return jsonify(body), 201


def _json_input() -> dict:
    """Return the JSON body, a ``reason`` that is not text read as none (as the API always did)."""
    body = json_payload(optional=True)
    if not isinstance(body.get("reason"), str):
        body.pop("reason", None)
    return body


@bp.post("/minutes/<int:minutes_id>/publish")
@permission_required(Permission.EDIT_MINUTES)
def minutes_publish(minutes_id: int):
    """Publish the draft: JSON ``reason`` when late, ``confirm`` naming accepted warnings.

    Without them the answer is 422, listing each guard finding in ``errors``.
    """
    minutes = _readable(minutes_id)
    body = _json_input()
    confirm = body.get("confirm", [])
    # The API's documented shape: a list of codes, where items that are not text are ignored.
    if not isinstance(confirm, list) or len(confirm) > 20:
        raise RuleViolation("confirm는 경고 코드 목록이어야 합니다(20개까지).", "confirm")
    body["confirm"] = [c for c in confirm if isinstance(c, str)]
    command = read_command(PublishMinutes, body)
    api_write(lambda: publication.publish(minutes, command, actor=current_user))
    return jsonify(minutes_json(minutes))


@bp.post("/minutes/<int:minutes_id>/versions/<int:number>/restore")
@permission_required(Permission.EDIT_MINUTES)
def minutes_restore(minutes_id: int, number: int):
    """Make an earlier version the new draft; publish it to make it public."""
    minutes = _readable(minutes_id)
    version = api_write(lambda: versions.restore(minutes, number, actor=current_user))
    body = minutes_json(minutes, warnings=True)
    body["restored_as"] = version.number
    return jsonify(body), 201


@bp.post("/minutes/<int:minutes_id>/finalize")
@permission_required(Permission.EDIT_MINUTES)
def minutes_finalize(minutes_id: int):
    """Make provisional minutes final."""
    minutes = _readable(minutes_id)
    api_write(lambda: publication.finalize(minutes, actor=current_user))
    return jsonify(minutes_json(minutes))


@bp.post("/minutes/<int:minutes_id>/withdraw")
@permission_required(Permission.WITHDRAW_MINUTES)
def minutes_withdraw(minutes_id: int):
    """Withdraw minutes from public view; JSON ``{"reason": …}`` is required."""
    minutes = _readable(minutes_id)
    command = read_command(WithdrawMinutes, _json_input())
    api_write(lambda: publication.withdraw(minutes, command, actor=current_user))
    return jsonify(minutes_json(minutes))
