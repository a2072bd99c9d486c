"""Bulk downloads for researchers: every public record as CSV and JSON Lines, with checksums.

A build writes a new generation folder and then points ``CURRENT`` at it, so a reader never
sees half a build; the previous generation stays until the next build, for downloads under way.
Only what the public pages show goes in: published minutes of open meetings, their open
passages, and a closed meeting's name and time alone.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..agenda.models import AgendaItem, Outcome
from ..core import data_version
from ..core.time import as_kst, now
from ..council.services import current_council
from ..extensions import db
from ..i18n import N_
from ..meetings.models import Meeting
from ..minutes.models import Minutes, MinutesStatus, MinutesVersion, Utterance
from ..sessions.models import CouncilSession

POINTER = "CURRENT"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
#: Turns are read from the database this many at a time.
BATCH = 2_000


@dataclass(frozen=True)
class Column:
    """One column of a table: its name in the files and what it holds (the data dictionary)."""

    name: str
    description: str


@dataclass(frozen=True)
class Table:
    """One dataset: its file stem, title, columns and the rows it holds."""

    stem: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict]]


def _moment(value) -> str | None:
    return as_kst(value).isoformat(timespec="seconds") if value else None


def _public_minutes() -> list[Minutes]:
    stmt = (
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            Minutes.status.in_(MinutesStatus.published()),
            Meeting.public.is_(True),
        )
        .options(
            selectinload(Minutes.versions),
            joinedload(Minutes.meeting).joinedload(Meeting.body),
            joinedload(Minutes.meeting).joinedload(Meeting.council_session),
        )
        .order_by(Meeting.date, Meeting.start_time, Minutes.id)
    )
    return list(db.session.scalars(stmt))


def utterance_rows() -> Iterator[dict]:
    """Yield every open turn of every published minutes' public version, in reading order."""
    for minutes in _public_minutes():
        version: MinutesVersion | None = minutes.published_version
        if version is None:
            continue
        meeting = minutes.meeting
        fixed = {
            "minutes_id": minutes.id,
            "version": version.number,
            "meeting_id": meeting.id,
            "meeting": meeting.name,
            "date": meeting.date.isoformat(),
            "body": meeting.body.name,
            "session": meeting.council_session.number,
        }
        stmt = (
            select(
                Utterance.order,
                Utterance.speaker,
                Utterance.member_id,
                Utterance.agenda_heading,
                Utterance.text,
            )
            .where(Utterance.version_id == version.id, Utterance.closed.is_(False))
            .order_by(Utterance.order)
            .execution_options(yield_per=BATCH)
        )
        for turn in db.session.execute(stmt):
            yield fixed | {
                "order": turn.order,
                "speaker": turn.speaker,
                "member_id": turn.member_id,
                "agenda_heading": turn.agenda_heading,
                "text": turn.text,
            }


def session_rows() -> Iterator[dict]:
    """Yield every session (회기) of the council, in date order."""
    council = current_council()
    stmt = (
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id)
        .options(joinedload(CouncilSession.term))
        .order_by(CouncilSession.start)
    )
    for found in db.session.scalars(stmt):
        yield {
            "number": found.number,
            "name": found.name,
            "kind": found.kind.value,
            "term": found.term.number,
            "start": found.start.isoformat(),
            "end": found.end.isoformat(),
            "days": found.days,
            "status": found.status.value,
            "modified": _moment(found.updated_at),
        }


def meeting_rows() -> Iterator[dict]:
    """Yield every meeting; a closed one with its name and time only, as its page shows."""
    public_minutes = {m.meeting_id: m.id for m in _public_minutes()}
    stmt = (
        select(Meeting)
        .options(joinedload(Meeting.body), joinedload(Meeting.council_session))
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    )
    for found in db.session.scalars(stmt):
        yield {
            "meeting_id": found.id,
            "name": found.name,
            "session": found.council_session.number,
            "body": found.body.name,
            "body_slug": found.body.slug,
            "sitting": found.sitting,
            "date": found.date.isoformat(),
            "start": found.start_time.strftime("%H:%M"),
            "end": found.end_time.strftime("%H:%M") if found.end_time else None,
            "status": found.status.value,
            "public": found.public,
            "place": found.place if found.public else None,
            "minutes_id": public_minutes.get(found.id),
            "modified": _moment(found.updated_at),
        }


def agenda_item_rows() -> Iterator[dict]:
    """Yield every agenda item (안건) with its committees and its latest outcome."""
    stmt = (
        select(AgendaItem)
        .options(
            joinedload(AgendaItem.term),
            selectinload(AgendaItem.referrals),
            selectinload(AgendaItem.co_sponsors),
            joinedload(AgendaItem.lead_member),
            joinedload(AgendaItem.proposer_body),
        )
        .order_by(AgendaItem.id)
    )
    for item in db.session.scalars(stmt):
        yield {
            "item_id": item.id,
            "term": item.term.number,
            "bill_number": item.bill_number,
            "title": item.title,
            "kind": item.kind.value,
            "proposer": item.proposer_label,
            "submitted_on": item.submitted_on.isoformat(),
            "committees": ";".join(r.body.name for r in item.referrals),
            "status": item.status.value,
            "status_label": item.status.label,
            "modified": _moment(item.updated_at),
        }


def outcome_rows() -> Iterator[dict]:
    """Yield what each open meeting decided about each item, with the votes when counted.

    A closed meeting's decisions stay out, as its order of business does on every page.
    """
    stmt = (
        select(Outcome)
        .join(Meeting, Outcome.meeting_id == Meeting.id)
        .where(Meeting.public.is_(True))
        .options(joinedload(Outcome.meeting).joinedload(Meeting.body))
        .options(joinedload(Outcome.meeting).joinedload(Meeting.council_session))
        .order_by(Meeting.date, Meeting.start_time, Outcome.id)
    )
    for outcome in db.session.scalars(stmt):
        yield {
            "item_id": outcome.item_id,
            "meeting_id": outcome.meeting_id,
            "meeting": outcome.meeting.name,
            "date": outcome.meeting.date.isoformat(),
            "result": outcome.result.value,
            "result_label": outcome.result.label,
            "votes_yes": outcome.votes_yes,
            "votes_no": outcome.votes_no,
            "votes_abstain": outcome.votes_abstain,
        }


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, description) for name, description in pairs)


TABLES: tuple[Table, ...] = (
    Table(
        "utterances",
        N_("발언 (공개된 회의록의 공개 발언 전체)"),
        _columns(
            ("minutes_id", N_("회의록 번호 (/minutes/<번호>)")),
            ("version", N_("공개본의 판 번호")),
            ("meeting_id", N_("회의 번호 (meetings 파일의 meeting_id)")),
            ("meeting", N_("회의 이름 (예: 제246회 정례회 제2차 본회의)")),
            ("date", N_("회의 날짜 (YYYY-MM-DD)")),
            ("body", N_("회의체 (본회의, 위원회 이름)")),
            ("session", N_("회기 번호 (제N회의 N)")),
            ("order", N_("회의록 안에서 발언 순서 (1부터)")),
            ("speaker", N_("회의록에 적힌 발언자 표시 (예: 의장 김가상)")),
            ("member_id", N_("발언한 의원의 번호 (의원 명단과 맞을 때만)")),
            ("agenda_heading", N_("발언이 속한 안건 제목")),
            ("text", N_("발언 내용")),
        ),
        utterance_rows,
    ),
    Table(
        "sessions",
        N_("회기"),
        _columns(
            ("number", N_("회기 번호")),
            ("name", N_("회기 이름 (예: 제246회 정례회)")),
            ("kind", N_("regular(정례회) 또는 extraordinary(임시회)")),
            ("term", N_("대수 (제N대의 N)")),
            ("start", N_("집회일 (YYYY-MM-DD)")),
            ("end", N_("마지막 날 (YYYY-MM-DD)")),
            ("days", N_("회기 일수 (첫날과 끝날 포함)")),
            ("status", N_("planned, confirmed, in_session, closed, cancelled")),
            ("modified", N_("마지막으로 바뀐 때 (ISO 8601, +09:00)")),
        ),
        session_rows,
    ),
    Table(
        "meetings",
        N_("회의"),
        _columns(
            ("meeting_id", N_("회의 번호 (/meetings/<번호>)")),
            ("name", N_("회의 이름")),
            ("session", N_("회기 번호")),
            ("body", N_("회의체 이름")),
            ("body_slug", N_("회의체의 영문 식별자")),
            ("sitting", N_("차수")),
            ("date", N_("날짜 (YYYY-MM-DD)")),
            ("start", N_("시작 시각 (HH:MM, 한국 시간)")),
            ("end", N_("끝 시각 (HH:MM, 알 때만)")),
            ("status", N_("scheduled, held, cancelled, postponed")),
            ("public", N_("공개 회의이면 true (비공개 회의는 이름과 시간만 싣습니다)")),
            ("place", N_("장소 (공개 회의만)")),
            ("minutes_id", N_("공개된 회의록 번호 (있을 때만)")),
            ("modified", N_("마지막으로 바뀐 때 (ISO 8601, +09:00)")),
        ),
        meeting_rows,
    ),
    Table(
        "agenda_items",
        N_("안건"),
        _columns(
            ("item_id", N_("안건 번호 (/agenda/<번호>)")),
            ("term", N_("대수")),
            ("bill_number", N_("의안번호 (보고·구정질문 등은 비어 있음)")),
            ("title", N_("안건명")),
            ("kind", N_("안건 종류 (ordinance, budget, report …)")),
            ("proposer", N_("제안자 (예: 구청장, 김가상 의원 등 3인)")),
            ("submitted_on", N_("접수일 (YYYY-MM-DD)")),
            ("committees", N_("회부된 위원회 (세미콜론으로 구분)")),
            ("status", N_("처리 상태 (passed, amended, rejected, withdrawn …)")),
            ("status_label", N_("처리 상태의 한국어 이름")),
            ("modified", N_("마지막으로 바뀐 때 (ISO 8601, +09:00)")),
        ),
        agenda_item_rows,
    ),
    Table(
        "outcomes",
        N_("안건 처리 결과 (회의별 의결)"),
        _columns(
            ("item_id", N_("안건 번호 (agenda_items 파일의 item_id)")),
            ("meeting_id", N_("의결한 회의 번호")),
            ("meeting", N_("회의 이름")),
            ("date", N_("회의 날짜")),
            ("result", N_("결과 (passed, amended, rejected, deferred, withdrawn …)")),
            ("result_label", N_("결과의 한국어 이름 (원안가결 등)")),
            ("votes_yes", N_("찬성 (표결했을 때만)")),
            ("votes_no", N_("반대 (표결했을 때만)")),
            ("votes_abstain", N_("기권 (표결했을 때만)")),
        ),
        outcome_rows,
    ),
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_table(table: Table, folder: Path) -> dict[str, int]:
    """Write one table as CSV (UTF-8 with BOM, so spreadsheet programs read Hangul) and JSONL."""
    names = [c.name for c in table.columns]
    count = 0
    csv_path, jsonl_path = folder / f"{table.stem}.csv", folder / f"{table.stem}.jsonl"
    with (
        csv_path.open("w", encoding="utf-8-sig", newline="") as csv_out,
        jsonl_path.open("w", encoding="utf-8") as jsonl_out,
    ):
        writer = csv.writer(csv_out)
        writer.writerow(names)
        for row in table.rows():
            writer.writerow([_cell(row[name]) for name in names])
            jsonl_out.write(json.dumps({n: row[n] for n in names}, ensure_ascii=False) + "\n")
            count += 1
    return {csv_path.name: count, jsonl_path.name: count}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_files(folder: Path) -> dict:
    """Write every table, the checksums and the manifest into ``folder``; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    started = now()
    version = data_version.current()
    rows: dict[str, int] = {}
    for table in TABLES:
        rows |= _write_table(table, folder)
    files = [
        {
            "name": file_name,
            "rows": count,
            "bytes": (folder / file_name).stat().st_size,
            "sha256": _sha256(folder / file_name),
        }
        for file_name, count in rows.items()
    ]
    (folder / SUMS).write_text(
        "".join(f"{f['sha256']}  {f['name']}\n" for f in files), encoding="utf-8"
    )
    manifest = {
        "built_at": _moment(started),
        "data_version": version.token if version else None,
        "license": current_app.config["DATA_LICENSE"],
        "license_url": current_app.config["DATA_LICENSE_URL"],
        "files": files,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def build(root: Path) -> dict:
    """Write a new generation under ``root`` and make it the current one; return its manifest."""
    root.mkdir(parents=True, exist_ok=True)
    name = now().strftime("%Y%m%dT%H%M%S%fZ")
    staging = root / f".{name}.part"
    shutil.rmtree(staging, ignore_errors=True)
    manifest = write_files(staging)
    staging.rename(root / name)
    pointer = root / f".{POINTER}.part"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, root / POINTER)
    _prune(root, keep={name, _previous(root, name)})
    return manifest


def is_stale(root: Path) -> bool:
    """Tell whether the data changed since the current generation was built (or none exists)."""
    found = current(root)
    if found is None:
        return True
    version = data_version.current()
    return found[1].get("data_version") != (version.token if version else None)


def _generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _previous(root: Path, name: str) -> str | None:
    older = [g for g in _generations(root) if g < name]
    return older[-1] if older else None


def _prune(root: Path, keep: set[str | None]) -> None:
    """Remove generations older than the previous one: a download under way may still read it."""
    for generation in _generations(root):
        if generation not in keep:
            shutil.rmtree(root / generation, ignore_errors=True)


def current(root: Path) -> tuple[Path, dict] | None:
    """Return the current generation's folder and manifest, or None before the first build."""
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
        folder = root / name
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return folder, manifest
