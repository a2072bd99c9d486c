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
from ..council.models import Council, Member
from ..extensions import db
from ..meetings.models import Meeting
from . import outbox
from .extract import ExtractionError, Limits, extract_text
from .models import FOLDER, Minutes, MinutesFile, MinutesStatus, MinutesVersion, Utterance
from .parse import Block, closed_flags, parse_minutes, public_text
from .procedure import turn_kind
from .queries import has_happened, minutes_for

PASTED = "붙여 넣기"
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


def _turns(blocks, roster: dict[str, int]) -> tuple[list[dict], str]:
    """Return the rows of one Utterance per turn (continued parts joined) and the public text."""
    turns: dict[int, dict] = {}
    closed = closed_flags(blocks)
    for block, hidden in zip(blocks, closed, strict=True):
        if isinstance(block, Block):
            continue
        turn = turns.get(block.order)
        if turn is None:
            turns[block.order] = {
                "order": block.order,
                "speaker": block.speaker[:100],
                "title": (block.title or "")[:100] or None,
                "member_id": roster.get(block.member) if block.member else None,
                "text": block.text,
                "agenda_heading": block.agenda_heading,
                "closed": hidden,
            }
        else:
            turn["text"] = "\n".join(filter(None, [turn["text"], block.text]))
    for turn in turns.values():
        turn["kind"] = turn_kind(turn["speaker"], turn["title"], turn["text"])
    return list(turns.values()), public_text(blocks, closed)


def relabel_turns() -> int:
    """Label every stored turn again by today's rules; return how many changed.

    For minutes stored before the rules existed or changed: the index is told to look
    again at the minutes whose turns changed, so search ranks them by the new labels.
    """
    changed_minutes: set[int] = set()
    changed = 0
    turns = db.session.execute(
        select(Utterance, MinutesVersion.minutes_id).join(Utterance.version)
    ).yield_per(1000)
    for turn, minutes_id in turns:
        kind = turn_kind(turn.speaker, turn.title, turn.text)
        if kind is not turn.kind:
            turn.kind = kind
            changed += 1
            changed_minutes.add(minutes_id)
    for minutes in db.session.scalars(select(Minutes).where(Minutes.id.in_(changed_minutes))):
        outbox.queue(minutes)
    return changed
