"""Versions of minutes: upload a file or paste text, parse it into turns, restore an old one.

A new version is always a draft; only publication (``publication.py``) makes one public.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import insert, select

from ..core import audit, storage
from ..core.commands import spec
from ..core.errors import RuleViolation
from ..core.time import format_date, now
from ..council.roster import Seat, match_member
from ..council.services import seats
from ..extensions import db
from ..i18n import N_
from ..meetings.models import Meeting
from . import outbox
from .attendance import read_attendance
from .extract import ExtractionError, Limits, extract_text
from .models import (
    FOLDER,
    Attendance,
    Minutes,
    MinutesFile,
    MinutesStatus,
    MinutesVersion,
    Utterance,
)
from .parse import Block, closed_flags, parse_minutes, public_text
from .procedure import turn_kind
from .queries import has_happened, minutes_for

PASTED = N_("붙여 넣기")
#: The bound of a command field whose length rule the service keeps, with its own message.
UNBOUNDED = 2**31 - 1


@dataclass
class Upload:
    """What an upload produced: the minutes, the new version, or why no text came out."""

    minutes: Minutes
    version: MinutesVersion | None
    file: MinutesFile | None
    problem: str | None = None


@dataclass(frozen=True)
class UploadMinutes:
    """What comes with an upload besides the file: pasted text, a note, the file it is for.

    Lengths are the service's rules (the configured bound of a text, 500 for a note), so the
    command bounds nothing itself.
    """

    text: str | None = spec("본문 붙여 넣기", default=None, max_length=UNBOUNDED, strip=False)
    note: str = spec("메모", default="", max_length=UNBOUNDED)
    #: The kept file whose text could not be read, when the text is pasted for it. Its id as
    #: sent: one that names no file of these minutes is refused as such, whatever it holds.
    source_file: str | None = spec("원본 파일", default=None, max_length=UNBOUNDED)


def upload(
    meeting: Meeting,
    command: UploadMinutes = UploadMinutes(),
    *,
    data: bytes | None = None,
    filename: str = "",
    actor=None,
) -> Upload:
    """Add a version from an uploaded file or pasted text, starting the minutes if needed.

    A file whose text cannot be read is still kept; the result then names the problem, so
    the uploader can paste the text for it.
    """
    text, note = command.text, command.note
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
    source = _source_file(minutes, command.source_file)
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


def _source_file(minutes: Minutes, file_id: str | None) -> MinutesFile | None:
    if file_id is None:
        return None
    found = next((f for f in minutes.files if str(f.id) == file_id), None)
    if found is None:
        raise RuleViolation("이 회의록에 올린 파일이 아닙니다.", "source_file")
    return found


def store_file(minutes: Minutes, data: bytes, filename: str, actor=None) -> MinutesFile:
    """Keep an uploaded file byte for byte under a generated name; record its SHA-256."""
    limit = current_app.config["MINUTES_MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise RuleViolation(f"파일이 {limit // (1024 * 1024)}MB를 넘습니다.", "file")
    relative = storage.new_name(FOLDER)
    # The file takes its name only when the row commits (see core.storage).
    saved = storage.save(relative, data)
    stored = MinutesFile(
        minutes=minutes,
        stored_name=relative.removeprefix(f"{FOLDER}/"),
        original_name=storage.display_name(filename) or "회의록",
        sha256=saved.sha256,
        sha512=saved.sha512,
        size=saved.size,
        file_type="",
        uploaded_by_id=getattr(actor, "id", None),
    )
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
    field = "text" if extractor == PASTED else "file"
    _check_bounds(text, field)
    meeting = minutes.meeting
    council_seats = seats(meeting.council_session.council)
    parsed = parse_minutes(text, sorted({s.name for s in council_seats}))
    turns, public_text = _turns(parsed.blocks, SpeakerRoster(council_seats, meeting))
    _check_turn_count(len(turns), field)
    _keep_video_offsets(minutes.latest_version, turns)
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
    present = read_attendance(parsed.blocks, council_seats, meeting.date, meeting.body_id)
    if present:
        db.session.execute(
            insert(Attendance),
            [
                {"version_id": version.id, "member_id": a.member_id, "status": a.status}
                for a in present
            ],
        )
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


def _keep_video_offsets(previous: MinutesVersion | None, turns: list[dict]) -> None:
    """Carry imported video positions over to a corrected version's same turns."""
    if previous is None:
        return
    known = {
        (order, speaker): offset
        for order, speaker, offset in db.session.execute(
            select(Utterance.order, Utterance.speaker, Utterance.video_offset).where(
                Utterance.version_id == previous.id, Utterance.video_offset.is_not(None)
            )
        )
    }
    for turn in turns:
        turn["video_offset"] = known.get((turn["order"], turn["speaker"]))


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


@dataclass(frozen=True)
class SpeakerRoster:
    """The council's seats and the meeting a turn was said in: who a label names there."""

    seats: list[Seat]
    meeting: Meeting

    def member_id(self, name: str | None, title: str | None) -> int | None:
        """Return the member the label names at this meeting, by name, title and seat dates."""
        return match_member(name, title, self.seats, self.meeting.date, self.meeting.body_id)


def _header_json(header) -> dict:
    data = dict(header.__dict__)
    data["date"] = header.date.isoformat() if header.date else None
    return data


def _turns(blocks, roster: SpeakerRoster) -> tuple[list[dict], str]:
    """Return the rows of one Utterance per turn (continued parts joined) and the public text."""
    turns: dict[int, dict] = {}
    closed = closed_flags(blocks)
    # The clock time of the last time mark (개의, 속개 …): the next turn starts then.
    clock = None
    for block, hidden in zip(blocks, closed, strict=True):
        if isinstance(block, Block):
            if block.kind == "time_mark":
                clock = block.time
            continue
        turn = turns.get(block.order)
        if turn is None:
            turns[block.order] = {
                "order": block.order,
                "speaker": block.speaker[:100],
                "title": (block.title or "")[:100] or None,
                "member_id": roster.member_id(block.member, block.title),
                "text": block.text,
                "agenda_heading": block.agenda_heading,
                "closed": hidden,
                "clock_time": clock,
            }
            clock = None
        else:
            turn["text"] = "\n".join(filter(None, [turn["text"], block.text]))
    for turn in turns.values():
        turn["kind"] = turn_kind(turn["speaker"], turn["title"], turn["text"])
    return list(turns.values()), public_text(blocks, closed)


@dataclass
class Reread:
    """What reading a kept version again changed."""

    turns: int = 0
    attendance: int = 0


def reread(version: MinutesVersion) -> Reread:
    """Match a kept version's speakers to members, label its turns and read its attendance again.

    For minutes stored before the roster or the matching rules changed. The text and the
    turns stay as they are; only each turn's member and kind and the attendance rows change, and
    the index is told when the version is the one citizens read.
    """
    meeting = version.minutes.meeting
    council_seats = seats(meeting.council_session.council)
    parsed = parse_minutes(version.text, sorted({s.name for s in council_seats}))
    rows, _ = _turns(parsed.blocks, SpeakerRoster(council_seats, meeting))
    wanted = {row["order"]: row["member_id"] for row in rows}
    done = Reread()
    for turn in version.utterances:
        member_id = wanted.get(turn.order, turn.member_id)
        kind = turn_kind(turn.speaker, turn.title, turn.text)
        if turn.member_id != member_id or turn.kind is not kind:
            turn.member_id, turn.kind = member_id, kind
            done.turns += 1
    listed = {
        a.member_id: a.status
        for a in read_attendance(parsed.blocks, council_seats, meeting.date, meeting.body_id)
    }
    kept = {a.member_id: a for a in version.attendance}
    for member_id, row in kept.items():
        if member_id not in listed:
            version.attendance.remove(row)
            done.attendance += 1
        elif row.status is not listed[member_id]:
            row.status = listed[member_id]
            done.attendance += 1
    for member_id, status in listed.items():
        if member_id not in kept:
            version.attendance.append(Attendance(member_id=member_id, status=status))
            done.attendance += 1
    minutes = version.minutes
    if done.turns and minutes.is_public and minutes.published_version is version:
        outbox.queue(minutes)
    db.session.flush()
    return done
