"""Verbs on minutes: upload, correct, publish, finalise, withdraw; the deadline clock."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import extract, insert, select

from ..auth.permissions import Permission
from ..core import audit, storage
from ..core.errors import RuleViolation
from ..core.holidays import holidays_between
from ..core.time import as_kst, format_date, now, today_kst
from ..council.models import Body, BodyKind, Council, Member
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.state import change_state
from ..sessions.models import CouncilSession
from ..sessions.services import rules_profile
from . import deadlines, guards, outbox
from .extract import ExtractionError, Limits, extract_text
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
    """Tell whether citizens may download the original: of a published version, nothing closed.

    A file of a draft, or one whose text could not be read, stays with the staff.
    """
    if not stored.minutes.is_public:
        return False
    versions = [v for v in stored.minutes.versions if v.file_id == stored.id]
    return any(v.published_at for v in versions) and not any(
        u.closed for v in versions for u in v.utterances
    )


def public_files(minutes: Minutes) -> list[MinutesFile]:
    """Return the files citizens may download, the published version's first."""
    published = minutes.published_version
    first = published.file_id if published else None
    files = [f for f in minutes.files if file_is_public(f)]
    return sorted(files, key=lambda f: (f.id != first, -f.id))


def public_versions(minutes: Minutes) -> list[MinutesVersion]:
    """Return the versions that were published at some time: the history citizens may read."""
    return [v for v in minutes.versions if v.published_at]


def has_happened(meeting: Meeting, moment: datetime | None = None) -> bool:
    """Tell whether the meeting took place: held, or scheduled and already begun."""
    if meeting.status is MeetingStatus.HELD:
        return True
    return meeting.status is MeetingStatus.SCHEDULED and meeting.starts_at <= (moment or now())


def file_path(stored: MinutesFile) -> Path:
    """Return where an uploaded file lies on disk."""
    return Path(current_app.config["UPLOAD_PATH"]) / "minutes" / stored.stored_name


_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")

#: One line of a word diff: (kind, text) pieces, kind being equal, insert or delete.
DiffLine = list[tuple[str, str]]


def word_diff(old: str, new: str, context: int = 1) -> list[DiffLine | None]:
    """Return the changed lines of ``new`` against ``old``, changes marked word by word.

    Lines are matched first, and only the lines that differ are compared word by word, so
    a one-word correction marks one word, and thousands of lines stay quick. ``context``
    unchanged lines are kept around each change; None stands for the lines left out.
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[tuple[bool, DiffLine]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend((False, [("equal", line)]) for line in new_lines[j1:j2])
            continue
        before = _TOKEN.findall("\n".join(old_lines[i1:i2]))
        after = _TOKEN.findall("\n".join(new_lines[j1:j2]))
        pieces: list[tuple[str, str]] = []
        words = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for op, a1, a2, b1, b2 in words.get_opcodes():
            if op in ("delete", "replace"):
                pieces.extend(("delete", t) for t in before[a1:a2])
            if op in ("insert", "replace"):
                pieces.extend(("insert", t) for t in after[b1:b2])
            if op == "equal":
                pieces.extend(("equal", t) for t in after[b1:b2])
        lines.extend((True, line) for line in _split_lines(pieces))
    keep = {
        k
        for i, (changed, _) in enumerate(lines)
        if changed
        for k in range(i - context, i + context + 1)
    }
    shown: list[DiffLine | None] = []
    for i, (_, line) in enumerate(lines):
        if i in keep:
            shown.append(line)
        elif shown and shown[-1] is not None:
            shown.append(None)
    return shown


def _split_lines(pieces: list[tuple[str, str]]) -> list[DiffLine]:
    """Cut a stream of diff pieces into lines at newlines, joining runs of one kind."""
    lines: list[DiffLine] = [[]]
    for kind, word in pieces:
        if word == "\n":
            lines.append([])
            continue
        line = lines[-1]
        if line and line[-1][0] == kind:
            line[-1] = (kind, line[-1][1] + word)
        else:
            line.append((kind, word))
    return [line for line in lines if line]


def version_diff(old: MinutesVersion, new: MinutesVersion) -> list[DiffLine | None]:
    """Return the word diff of the public texts of two versions."""
    return word_diff(old.public_text, new.public_text)


def speaker_counts(version: MinutesVersion) -> list[tuple[str, int]]:
    """Return each speaker with their number of turns, most turns first."""
    counts = Counter(u.speaker for u in version.utterances)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def headings(version: MinutesVersion) -> list[str]:
    """Return the agenda headings of a version in order, each once."""
    return list(dict.fromkeys(u.agenda_heading for u in version.utterances if u.agenda_heading))


def findings(minutes: Minutes, version: MinutesVersion | None = None) -> list[guards.Finding]:
    """Return what the guards say about publishing ``version`` (the draft) of the minutes."""
    version = version or minutes.latest_version
    if version is None:
        return []
    meeting = minutes.meeting
    published = minutes.published_version
    facts = guards.MeetingFacts(
        council=meeting.council_session.council.name,
        session_number=meeting.council_session.number,
        sitting=meeting.sitting,
        body_name=meeting.body.name,
        date=meeting.date,
    )
    return [
        *guards.turn_findings(
            len(version.utterances), len(published.utterances) if published else None
        ),
        *guards.header_findings(version.header or {}, facts),
        *guards.text_findings(version.text, headings(version)),
    ]


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
    if data is not None and not data and filename:
        raise RuleViolation("파일이 비어 있습니다. 내용이 든 회의록 파일을 골라 주세요.", "file")
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
                data,
                filename,
                max_seconds=current_app.config["MINUTES_EXTRACT_SECONDS"],
                limits=extraction_limits(),
            )
        except ExtractionError as error:
            return _refuse_file(minutes, stored, error.code, error.message_ko, actor)
        stored.file_type = extraction.file_type
        try:
            version = add_version(
                minutes, extraction.text, extraction.extractor, stored, note, actor=actor
            )
        except OverBound as error:
            # Nothing of the version was added; the file stays, refused, like an unreadable one.
            return _refuse_file(minutes, stored, extraction.file_type, str(error), actor)
        return Upload(minutes, version, stored)
    source = _source_file(minutes, source_file_id)
    version = add_version(minutes, text or "", PASTED, source, note, actor=actor)
    return Upload(minutes, version, source)


class OverBound(RuleViolation):
    """Text or turns past the configured bounds of one upload; nothing was stored."""


def extraction_limits() -> Limits:
    """Return the configured bounds of one extraction (README: bounds)."""
    config = current_app.config
    return Limits(
        max_chars=config["MINUTES_MAX_TEXT_CHARS"],
        max_sections=config["MINUTES_MAX_SECTIONS"],
        max_entries=config["MINUTES_MAX_PACKAGE_ENTRIES"],
        max_unpacked_bytes=config["MINUTES_MAX_UNPACKED_BYTES"],
        memory_bytes=config["MINUTES_EXTRACT_MEMORY_BYTES"],
    )


def _refuse_file(minutes: Minutes, stored: MinutesFile, file_type: str, problem: str, actor):
    """Keep a file no version came from, with the reason; it is never offered to the public."""
    stored.file_type = stored.file_type or file_type[:20]
    stored.problem = problem[:500]
    audit.record("minutes.file_refused", minutes, after={"file": stored.id}, actor=actor)
    return Upload(minutes, None, stored, problem)


def _check_bounds(text: str, field: str) -> None:
    """Refuse text longer than one upload may be, before any parsing."""
    limit = current_app.config["MINUTES_MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise OverBound(
            f"본문이 {len(text):,}자로, 회의록 한 건의 본문 글자 수 한도 {limit:,}자를 넘어 "
            "저장하지 않았습니다. 회의록이 맞는지 확인하거나 회의별로 나누어 올려 주세요.",
            field,
        )


def _check_turn_count(count: int, field: str) -> None:
    """Refuse minutes of more speaker turns than one upload may hold, before storing any."""
    limit = current_app.config["MINUTES_MAX_TURNS"]
    if count > limit:
        raise OverBound(
            f"발언이 {count:,}건으로, 회의록 한 건의 발언 수 한도 {limit:,}건을 넘어 "
            "저장하지 않았습니다. 회의록이 맞는지 확인하거나 회의별로 나누어 올려 주세요.",
            field,
        )


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
    db.session.add(stored)
    db.session.flush()
    # The file takes its name only when the row commits (see core.storage).
    storage.write_with_row(db.session(), file_path(stored), data)
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
    field = "text" if extractor == PASTED else "file"
    _check_bounds(text, field)
    council = minutes.meeting.council_session.council
    roster = _roster(council)
    parsed = parse_minutes(text, list(roster))
    turns, public_text = _turns(parsed.blocks, roster)
    _check_turn_count(len(turns), field)
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
    # A new version is a draft: the public record (and so the index) changes only when it
    # is published.
    return version


def restore(minutes: Minutes, number: int, actor=None) -> MinutesVersion:
    """Make an earlier version the new draft: a new version with its text; history stays."""
    old = next((v for v in minutes.versions if v.number == number), None)
    if old is None:
        raise RuleViolation(f"제{number}판이 없습니다.", "version")
    if old is minutes.latest_version:
        raise RuleViolation(f"제{number}판은 이미 가장 새 판입니다.", "version")
    version = add_version(
        minutes,
        old.text,
        f"{old.extractor} (제{old.number}판 복원)"[:120],
        old.file,
        f"제{old.number}판 복원",
        actor=actor,
    )
    audit.record(
        "minutes.restore",
        minutes,
        before={"version": old.number},
        after={"version": version.number},
        actor=actor,
    )
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


def publish(
    minutes: Minutes,
    reason: str | None = None,
    actor=None,
    confirm: list[str] | tuple[str, ...] = (),
) -> Minutes:
    """Make the draft the public version: first as provisional (임시), later a correction.

    The first publication takes the server's time and needs a reason after the due date.
    Every guard finding must be named in ``confirm``; those that need it, with a reason.
    """
    meeting = minutes.meeting
    draft = minutes.draft_version
    first = minutes.status is MinutesStatus.DRAFT
    if not first and minutes.status is not MinutesStatus.PROVISIONAL:
        raise RuleViolation(
            f"'{minutes.status.label}' 상태의 회의록은 공개할 수 없습니다.", "status"
        )
    if not has_happened(meeting):
        raise RuleViolation("열리지 않은 회의의 회의록은 공개할 수 없습니다.", "status")
    if draft is None:
        raise RuleViolation(
            "본문이 없습니다. 회의록 파일을 올리거나 본문을 붙여 넣어 주세요."
            if first
            else "공개할 새 판이 없습니다. 고친 판을 먼저 올려 주세요.",
            "file",
        )
    moment = now()
    due = due_date(meeting)
    reason = (reason or "").strip()
    late = first and deadlines.is_late(moment, due)
    errors: list[tuple[str | None, str]] = []
    if late and not reason:
        errors.append(
            ("reason", f"공개 기한({format_date(due)})이 지났습니다. 지연 사유를 입력해 주세요.")
        )
    if len(reason) > 500:
        errors.append(("reason", "사유는 500자 이내여야 합니다."))
    found = findings(minutes, draft)
    errors.extend(guards.unaccepted(found, confirm, reason))
    if errors:
        raise RuleViolation(errors)
    before = minutes.published_version
    draft.published_at = moment
    draft.published_by_id = getattr(actor, "id", None)
    minutes.updated_at = moment
    confirmed = [f.code for f in found]
    if first:
        minutes.status = MinutesStatus.PROVISIONAL
        minutes.published_at = moment
        minutes.late = late
        minutes.late_reason = reason if late else None
    held = _mark_held(meeting, moment)
    audit.record(
        "minutes.publish" if first else "minutes.publish_correction",
        minutes,
        before={"version": before.number} if before else None,
        after={
            "status": minutes.status.value,
            "version": draft.number,
            "due": due.isoformat(),
            "late": late,
            "confirmed": confirmed,
            **({"meeting_status": "held"} if held else {}),
        },
        reason=reason or None,
        actor=actor,
    )
    outbox.queue(minutes, OutboxAction.INDEX)
    return minutes


def _mark_held(meeting: Meeting, moment: datetime) -> bool:
    """Record a scheduled meeting as held once its minutes are out; tell whether it changed."""
    if meeting.status is not MeetingStatus.SCHEDULED:
        return False
    change_state(meeting, status=MeetingStatus.HELD)
    # Calendars see the status: a new SEQUENCE and LAST-MODIFIED.
    meeting.revision += 1
    meeting.updated_at = moment
    return True


def finalize(minutes: Minutes, actor=None) -> Minutes:
    """Make published provisional minutes final (확정)."""
    if minutes.status is not MinutesStatus.PROVISIONAL:
        raise RuleViolation("임시회의록으로 공개된 회의록만 확정할 수 있습니다.", "status")
    minutes.status = MinutesStatus.FINAL
    minutes.finalized_at = minutes.updated_at = now()
    audit.record("minutes.finalize", minutes, after={"status": "final"}, actor=actor)
    outbox.queue(minutes, OutboxAction.INDEX)
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
    outbox.queue(minutes, OutboxAction.DELETE)
    return minutes


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
