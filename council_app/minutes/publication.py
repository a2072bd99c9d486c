"""Publication of minutes: the draft made public (provisional, then corrections), final, withdrawn.

Each step writes its audit entry and an index-outbox row in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core import audit
from ..core.commands import spec
from ..core.errors import RuleViolation
from ..core.time import format_date, now
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.state import change_state
from . import deadlines, guards, outbox
from .compliance import due_date
from .models import Minutes, MinutesStatus, MinutesVersion, OutboxAction
from .queries import has_happened, headings
from .versions import UNBOUNDED


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


@dataclass(frozen=True)
class PublishMinutes:
    """Publish the draft: a reason (when late, or for a warning) and the warnings accepted."""

    reason: str = spec("사유", default="", max_length=UNBOUNDED)
    #: The codes of the guard findings the stenographer accepts.
    confirm: tuple[str, ...] = spec("확인한 경고", default=(), max_items=20, max_length=UNBOUNDED)


@dataclass(frozen=True)
class WithdrawMinutes:
    """Withdraw published minutes, for a reason kept in the audit log."""

    reason: str = spec("철회 사유", default="", max_length=UNBOUNDED)


def publish(minutes: Minutes, command: PublishMinutes = PublishMinutes(), actor=None) -> Minutes:
    """Make the draft the public version: first as provisional (임시), later a correction.

    The first publication takes the server's time and needs a reason after the due date.
    Every guard finding must be named in ``confirm``; those that need it, with a reason.
    """
    reason, confirm = command.reason, command.confirm
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


def withdraw(minutes: Minutes, command: WithdrawMinutes, actor=None) -> Minutes:
    """Take minutes out of public view for good; only with a reason, kept in the audit log."""
    reason = (command.reason or "").strip()
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
