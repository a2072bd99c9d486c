"""Verbs on minutes: upload, correct, publish, finalise, withdraw; the deadline clock."""

from __future__ import annotations

import difflib
import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import extract, insert, select

from ..auth.permissions import Permission
from ..core import audit
from ..core.errors import RuleViolation
from ..core.holidays import holidays_between
from ..core.time import as_kst, format_date, now, today_kst
from ..council.models import Body, BodyKind, Council, Member
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession
from ..sessions.services import rules_profile
from . import deadlines, outbox
from .extract import ExtractionError, extract_text
from .models import (
    Minutes,
    MinutesFile,
    MinutesStatus,
    MinutesVersion,
    OutboxAction,
    Utterance,
)
from .parse import Block, parse_minutes

PASTED = "붙여 넣기"
CLOSED_NOTICE = "(이 부분은 비공개 회의로 공개하지 않습니다)"


# --- reading -----------------------------------------------------------------------------


def minutes_for(meeting: Meeting) -> Minutes | None:
    """Return the meeting's minutes, if any were started."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def is_editor(user) -> bool:
    """Tell whether ``user`` writes minutes, and so may read drafts and closed passages."""
    return bool(user is not None and user.is_authenticated and user.can(Permission.EDIT_MINUTES))


def visible_to(minutes: Minutes, user) -> bool:
    """Tell whether ``user`` may read the minutes: anyone once public, else their editors."""
    return minutes.is_public or is_editor(user)


def readable_turns(version: MinutesVersion, user) -> list[Utterance]:
    """Return the turns ``user`` may read: closed passages only for the minutes' editors."""
    editor = is_editor(user)
    return [u for u in version.utterances if editor or not u.closed]


def agenda_sections(turns: list[Utterance]) -> list[tuple[str | None, list[Utterance]]]:
    """Group consecutive turns by the agenda heading they fall under, in order."""
    sections: list[tuple[str | None, list[Utterance]]] = []
    for turn in turns:
        if not sections or sections[-1][0] != turn.agenda_heading:
            sections.append((turn.agenda_heading, []))
        sections[-1][1].append(turn)
    return sections


def latest_published(council: Council, limit: int = 5) -> list[Minutes]:
    """Return the council's most recently published public minutes, newest first."""
    stmt = (
        select(Minutes)
        .join(Minutes.meeting)
        .join(Meeting.council_session)
        .where(
            CouncilSession.council_id == council.id,
            Minutes.status.in_([MinutesStatus.PROVISIONAL, MinutesStatus.FINAL]),
            Meeting.public.is_(True),
        )
        .order_by(Minutes.published_at.desc(), Minutes.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def file_is_public(stored: MinutesFile) -> bool:
    """Tell whether citizens may download the original: public minutes, no closed passage."""
    if not stored.minutes.is_public:
        return False
    versions = [v for v in stored.minutes.versions if v.file_id == stored.id]
    return bool(versions) and not any(u.closed for v in versions for u in v.utterances)


def has_happened(meeting: Meeting, moment: datetime | None = None) -> bool:
    """Tell whether the meeting took place: held, or scheduled and already begun."""
    if meeting.status is MeetingStatus.HELD:
        return True
    return meeting.status is MeetingStatus.SCHEDULED and meeting.starts_at <= (moment or now())


def file_path(stored: MinutesFile) -> Path:
    """Return where an uploaded file lies on disk."""
    return Path(current_app.config["UPLOAD_PATH"]) / "minutes" / stored.stored_name


def version_diff(old: MinutesVersion, new: MinutesVersion) -> list[str]:
    """Return a unified diff of the public texts of two versions, line by line."""
    return list(
        difflib.unified_diff(
            old.public_text.splitlines(),
            new.public_text.splitlines(),
            fromfile=f"제{old.number}판",
            tofile=f"제{new.number}판",
            lineterm="",
            n=2,
        )
    )


# --- upload and correction ---------------------------------------------------------------


@dataclass
class Upload:
    """What an upload produced: the minutes, the new version, or why no text came out."""

    minutes: Minutes
    version: MinutesVersion | None
    file: MinutesFile | None
    problem: str | None = None


def upload(
    meeting: Meeting,
    *,
    data: bytes | None = None,
    filename: str = "",
    text: str | None = None,
    note: str = "",
    source_file_id: int | str | None = None,
    actor=None,
) -> Upload:
    """Add a version from an uploaded file or pasted text, starting the minutes if needed.

    A file whose text cannot be read is still kept; the result then names the problem, so
    the uploader can paste the text for it.
    """
    if not data and not (text and text.strip()):
        raise RuleViolation("회의록 파일을 고르거나 본문을 붙여 넣어 주세요.", "file")
    if not has_happened(meeting):
        raise RuleViolation(
            f"{format_date(meeting.date)} 회의는 아직 열리지 않아 회의록을 올릴 수 없습니다.",
            "file",
        )
    minutes = minutes_for(meeting) or _start(meeting)
    _check_editable(minutes)
    if data:
        stored = store_file(minutes, data, filename, actor)
        try:
            extraction = extract_text(
                data, filename, max_seconds=current_app.config["MINUTES_EXTRACT_SECONDS"]
            )
        except ExtractionError as error:
            stored.file_type = stored.file_type or error.code
            stored.problem = error.message_ko
            audit.record("minutes.file_refused", minutes, after={"file": stored.id}, actor=actor)
            return Upload(minutes, None, stored, error.message_ko)
        stored.file_type = extraction.file_type
        version = add_version(
            minutes, extraction.text, extraction.extractor, stored, note, actor=actor
        )
        return Upload(minutes, version, stored)
    source = _source_file(minutes, source_file_id)
    version = add_version(minutes, text or "", PASTED, source, note, actor=actor)
    return Upload(minutes, version, source)


def _start(meeting: Meeting) -> Minutes:
    minutes = Minutes(meeting=meeting, status=MinutesStatus.DRAFT)
    db.session.add(minutes)
    db.session.flush()
    return minutes


def _check_editable(minutes: Minutes) -> None:
    if minutes.status is MinutesStatus.FINAL:
        raise RuleViolation("확정된 회의록은 고칠 수 없습니다.", "file")
    if minutes.status is MinutesStatus.WITHDRAWN:
        raise RuleViolation("철회된 회의록은 고칠 수 없습니다.", "file")


def _source_file(minutes: Minutes, file_id: int | str | None) -> MinutesFile | None:
    if file_id in (None, ""):
        return None
    # Compared as text: the id comes back from a hidden form field or a multipart field.
    found = next((f for f in minutes.files if str(f.id) == str(file_id).strip()), None)
    if found is None:
        raise RuleViolation("이 회의록에 올린 파일이 아닙니다.", "source_file")
    return found


def store_file(minutes: Minutes, data: bytes, filename: str, actor=None) -> MinutesFile:
    """Keep an uploaded file byte for byte under a generated name; record its SHA-256."""
    limit = current_app.config["MINUTES_MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise RuleViolation(f"파일이 {limit // (1024 * 1024)}MB를 넘습니다.", "file")
    stored = MinutesFile(
        minutes=minutes,
        stored_name=uuid.uuid4().hex,
        # Only the last path part: a browser may send a full Windows path.
        original_name=(os.path.basename(filename.replace("\\", "/")) or "회의록")[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        file_type="",
        uploaded_by_id=getattr(actor, "id", None),
    )
    path = file_path(stored)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)  # a reader never sees half a file
    db.session.add(stored)
    db.session.flush()
    return stored


def add_version(
    minutes: Minutes,
    text: str,
    extractor: str,
    source: MinutesFile | None,
    note: str = "",
    actor=None,
) -> MinutesVersion:
    """Parse ``text`` into speaker turns and keep it as the minutes' next version."""
    _check_editable(minutes)
    if len(note) > 500:
        raise RuleViolation("메모는 500자 이내여야 합니다.", "note")
    council = minutes.meeting.council_session.council
    roster = _roster(council)
    parsed = parse_minutes(text, list(roster))
    turns, public_text = _turns(parsed.blocks, roster)
    version = MinutesVersion(
        minutes=minutes,
        number=len(minutes.versions) + 1,
        text=text,
        public_text=public_text,
        header=_header_json(parsed.header),
        file=source,
        extractor=extractor,
        note=note,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    minutes.updated_at = now()
    db.session.flush()
    # One multi-row INSERT: a day's minutes hold thousands of turns, and building an ORM
    # object for each made a 1 MB upload take over a second longer.
    if turns:
        db.session.execute(insert(Utterance), [{**t, "version_id": version.id} for t in turns])
    db.session.expire(version, ["utterances"])
    audit.record(
        "minutes.version",
        minutes,
        after={"version": version.number, "turns": len(turns)},
        actor=actor,
    )
    if minutes.status.is_published:
        # A correction of published minutes is public at once, so the index follows.
        _outbox(minutes, OutboxAction.INDEX)
    return version


def _roster(council: Council) -> dict[str, int]:
    """Return the council's members by name, for matching speakers."""
    rows = db.session.execute(select(Member.name, Member.id).where(Member.council_id == council.id))
    return {name: member_id for name, member_id in rows}


def _header_json(header) -> dict:
    data = dict(header.__dict__)
    data["date"] = header.date.isoformat() if header.date else None
    return data


def _opens_closed_passage(block: Block) -> bool | None:
    """Tell whether a stage direction opens (True) or ends (False) a closed passage.

    Minutes mark them in parentheses: ``(비공개회의 시작)`` … ``(공개회의로 전환)``.
    """
    if block.kind not in ("stage_direction", "time_mark"):
        return None
    words = block.text.replace(" ", "")
    if "비공개" in words and not any(end in words for end in ("해제", "종료", "끝")):
        return True
    if "공개" in words or (block.kind == "time_mark" and block.mark and "산회" in block.mark):
        return False
    return None


def _turns(blocks, roster: dict[str, int]) -> tuple[list[dict], str]:
    """Return the rows of one Utterance per turn (continued parts joined) and the public text."""
    turns: dict[int, dict] = {}
    public: list[str] = []
    closed = False
    for block in blocks:
        if isinstance(block, Block):
            change = _opens_closed_passage(block)
            if change is True and not closed:
                public.append(CLOSED_NOTICE)
            closed = change if change is not None else closed
            if not closed:
                public.append(block.raw)
            continue
        if not closed:
            public.append(block.raw)
        turn = turns.get(block.order)
        if turn is None:
            turns[block.order] = {
                "order": block.order,
                "speaker": block.speaker[:100],
                "title": (block.title or "")[:100] or None,
                "member_id": roster.get(block.member) if block.member else None,
                "text": block.text,
                "agenda_heading": block.agenda_heading,
                "closed": closed,
            }
        else:
            turn["text"] = "\n".join(filter(None, [turn["text"], block.text]))
    return list(turns.values()), "\n".join(public)


# --- publication -------------------------------------------------------------------------


@dataclass
class Deadline:
    """A meeting's publication deadline and where its minutes stand against it."""

    meeting: Meeting
    minutes: Minutes | None
    due: date
    days_left: int

    @property
    def published(self) -> bool:
        """Tell whether provisional minutes are out."""
        return bool(self.minutes and self.minutes.published_at)

    @property
    def overdue(self) -> bool:
        """Tell whether the minutes are not out and the due day has passed."""
        return not self.published and self.days_left < 0

    @property
    def days_late(self) -> int:
        """Count the days the publication came after the due day (0 when on time)."""
        if not self.published:
            return max(0, -self.days_left)
        return deadlines.days_late(self.minutes.published_at, self.due)

    @property
    def d_day(self) -> str:
        """Return the countdown label, e.g. ``D-2`` or ``D+1``."""
        return deadlines.d_day(self.days_left)


def due_date(meeting: Meeting) -> date:
    """Return the last day to publish the meeting's provisional minutes."""
    profile = rules_profile(meeting.council_session.council)
    kind = "plenary" if meeting.body.kind is BodyKind.PLENARY else "committee"
    days_off = holidays_between(meeting.date, meeting.date + deadlines.LOOKAHEAD)
    return deadlines.due_date(
        meeting.date,
        profile.minutes_deadline_days[kind],
        profile.minutes_deadline_counting,
        days_off,
    )


def deadline(meeting: Meeting, minutes: Minutes | None = None, today: date | None = None):
    """Return the meeting's deadline with its countdown as of ``today`` (Seoul)."""
    due = due_date(meeting)
    return Deadline(meeting, minutes, due, deadlines.days_left(today or today_kst(), due))


def publish(minutes: Minutes, reason: str | None = None, actor=None) -> Minutes:
    """Publish draft minutes as provisional (임시) at the server's time; late needs a reason."""
    meeting = minutes.meeting
    if minutes.status is not MinutesStatus.DRAFT:
        raise RuleViolation(
            f"'{minutes.status.label}' 상태의 회의록은 공개할 수 없습니다.", "status"
        )
    if not has_happened(meeting):
        raise RuleViolation("열리지 않은 회의의 회의록은 공개할 수 없습니다.", "status")
    if minutes.current_version is None:
        raise RuleViolation(
            "본문이 없습니다. 회의록 파일을 올리거나 본문을 붙여 넣어 주세요.", "file"
        )
    moment = now()
    due = due_date(meeting)
    reason = (reason or "").strip()
    late = deadlines.is_late(moment, due)
    if late and not reason:
        raise RuleViolation(
            f"공개 기한({format_date(due)})이 지났습니다. 지연 사유를 입력해 주세요.", "reason"
        )
    if len(reason) > 500:
        raise RuleViolation("지연 사유는 500자 이내여야 합니다.", "reason")
    minutes.status = MinutesStatus.PROVISIONAL
    minutes.published_at = moment
    minutes.late = late
    minutes.late_reason = reason if late else None
    minutes.updated_at = moment
    audit.record(
        "minutes.publish",
        minutes,
        after={"status": "provisional", "due": due.isoformat(), "late": late},
        reason=reason or None,
        actor=actor,
    )
    _outbox(minutes, OutboxAction.INDEX)
    return minutes


def finalize(minutes: Minutes, actor=None) -> Minutes:
    """Make published provisional minutes final (확정)."""
    if minutes.status is not MinutesStatus.PROVISIONAL:
        raise RuleViolation("임시회의록으로 공개된 회의록만 확정할 수 있습니다.", "status")
    minutes.status = MinutesStatus.FINAL
    minutes.finalized_at = minutes.updated_at = now()
    audit.record("minutes.finalize", minutes, after={"status": "final"}, actor=actor)
    _outbox(minutes, OutboxAction.INDEX)
    return minutes


def withdraw(minutes: Minutes, reason: str | None, actor=None) -> Minutes:
    """Take minutes out of public view for good; only with a reason, kept in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("철회 사유를 입력해 주세요.", "reason")
    if len(reason) > 500:
        raise RuleViolation("철회 사유는 500자 이내여야 합니다.", "reason")
    if minutes.status is MinutesStatus.WITHDRAWN:
        raise RuleViolation("이미 철회된 회의록입니다.", "status")
    before = minutes.status.value
    minutes.status = MinutesStatus.WITHDRAWN
    minutes.withdrawn_at = minutes.updated_at = now()
    minutes.withdrawn_reason = reason
    audit.record(
        "minutes.withdraw",
        minutes,
        before={"status": before},
        after={"status": "withdrawn"},
        reason=reason,
        actor=actor,
    )
    _outbox(minutes, OutboxAction.DELETE)
    return minutes


def _outbox(minutes: Minutes, action: OutboxAction) -> None:
    """Queue the change for the search index, which then holds what is public of the minutes.

    Written for closed meetings too: the row costs nothing and keeps the index following the
    minutes whatever their meeting's state was when the row was written.
    """
    outbox.queue(minutes, action)


# --- the deadline clock ------------------------------------------------------------------


def _meetings(council: Council | None, year: int | None = None, body: Body | None = None):
    """Return the open meetings that have taken place, oldest first."""
    stmt = (
        select(Meeting)
        .join(Meeting.council_session)
        .where(Meeting.public.is_(True), Meeting.date <= today_kst())
        .where(Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.SCHEDULED]))
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    if council is not None:
        stmt = stmt.where(CouncilSession.council_id == council.id)
    if year is not None:
        stmt = stmt.where(extract("year", Meeting.date) == year)
    if body is not None:
        stmt = stmt.where(Meeting.body_id == body.id)
    moment = now()
    return [m for m in db.session.scalars(stmt) if has_happened(m, moment)]


def _minutes_by_meeting(meetings: list[Meeting]) -> dict[int, Minutes]:
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.scalars(select(Minutes).where(Minutes.meeting_id.in_(ids)))
    return {m.meeting_id: m for m in rows}


def deadlines_list(council: Council | None = None, status: str | None = None) -> list[Deadline]:
    """Return meetings' deadlines: awaiting minutes (``due``, ``overdue``) or ``late`` ones.

    Without a status: every meeting still awaiting provisional minutes, soonest due first.
    Withdrawn minutes count as awaiting nothing: they were published once.
    """
    meetings = _meetings(council)
    found = _minutes_by_meeting(meetings)
    today = today_kst()
    entries = [deadline(m, found.get(m.id), today) for m in meetings]
    if status == "late":
        chosen = [e for e in entries if e.published and e.minutes.late]
    else:
        chosen = [e for e in entries if not e.published]
        if status == "overdue":
            chosen = [e for e in chosen if e.overdue]
        elif status == "due":
            chosen = [e for e in chosen if not e.overdue]
    return sorted(chosen, key=lambda e: (e.due, e.meeting.date, e.meeting.id))


@dataclass
class ComplianceRow:
    """How one body kept the deadline in a year."""

    body: Body
    meetings: int
    on_time: int
    late: int
    #: Past the due day with nothing published.
    missing: int
    #: Not yet published and not yet due.
    pending: int
    average_days: float | None


def compliance(council: Council, year: int) -> list[ComplianceRow]:
    """Count per body, for meetings in ``year``: on time, late, missing; average days taken."""
    meetings = _meetings(council, year)
    found = _minutes_by_meeting(meetings)
    today = today_kst()
    rows = []
    for body in council.bodies:
        entries = [deadline(m, found.get(m.id), today) for m in meetings if m.body_id == body.id]
        if not entries:
            continue
        published = [e for e in entries if e.published]
        late = sum(1 for e in published if e.minutes.late)
        missing = sum(1 for e in entries if e.overdue)
        days = [(as_kst(e.minutes.published_at).date() - e.meeting.date).days for e in published]
        rows.append(
            ComplianceRow(
                body=body,
                meetings=len(entries),
                on_time=len(published) - late,
                late=late,
                missing=missing,
                pending=len(entries) - len(published) - missing,
                average_days=round(sum(days) / len(days), 1) if days else None,
            )
        )
    return rows


def place_of_item(meeting: Meeting, title: str) -> tuple[Minutes, Utterance] | None:
    """Return the public minutes of ``meeting`` and the first turn spoken under ``title``.

    Headings in minutes carry their number (``1. 2023년도 제1회 추가경정예산안``), so a turn
    belongs to the item when its heading contains the item's title.
    """
    minutes = minutes_for(meeting)
    if minutes is None or not minutes.is_public or minutes.current_version is None:
        return None
    wanted = " ".join(title.split())
    for turn in minutes.current_version.utterances:
        heading = " ".join((turn.agenda_heading or "").split())
        if not turn.closed and wanted and wanted in heading:
            return minutes, turn
    return None
