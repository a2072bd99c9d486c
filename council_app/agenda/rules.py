"""Pure rules about agenda items: no database, no Flask, so they are tested on plain values.

Each check returns the problems it found as ``(field, message)`` pairs; the services gather
them into one RuleViolation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ..core.time import format_date
from .models import ItemStatus, ProposerKind, Result

Problems = list[tuple[str, str]]

#: The longest title the item table holds.
MAX_TITLE = 300
#: Results that do not decide the item: it can still come back and be decided.
UNDECIDED = (Result.DEFERRED, Result.WITHDRAWN)


def title_problems(title: str) -> Problems:
    """Refuse a blank title or one longer than the column."""
    title = title.strip()
    if not title:
        return [("title", "안건명을 입력해 주세요.")]
    if len(title) > MAX_TITLE:
        return [("title", f"안건명은 {MAX_TITLE}자 이내로 적어 주세요.")]
    return []


def bill_number_problems(number: int | None) -> Problems:
    """Bill numbers (의안번호) count from 1; items without one leave it empty."""
    if number is not None and number < 1:
        return [("bill_number", "의안번호는 1 이상이어야 합니다.")]
    return []


def proposer_problems(
    kind: ProposerKind,
    lead_member: int | None,
    co_sponsors: Sequence[int],
    proposer_is_committee: bool | None,
) -> Problems:
    """Check that the proposer fields fit the proposer kind (members by id).

    ``proposer_is_committee`` tells about the proposing body: None when none was named.
    """
    if kind is ProposerKind.MEMBER:
        if lead_member is None:
            return [("lead_member", "의원 발의 안건은 대표발의 의원을 골라야 합니다.")]
        if lead_member in co_sponsors:
            return [("co_sponsors", "대표발의 의원은 공동발의 의원에서 빼 주세요.")]
        return []
    if lead_member is not None or co_sponsors:
        return [("lead_member", f"{kind.label} 제출 안건에는 발의 의원을 적지 않습니다.")]
    if kind is ProposerKind.COMMITTEE and not proposer_is_committee:
        return [("proposer_body", "위원회 제안 안건은 제안한 위원회를 골라야 합니다.")]
    return []


def referral_date_problems(referred_on: date, submitted_on: date) -> Problems:
    """An item is referred on or after the day it was submitted."""
    if referred_on < submitted_on:
        return [("referred_on", f"회부일은 접수일({format_date(submitted_on)}) 이후여야 합니다.")]
    return []


def final_status_problem(status: ItemStatus, field: str, doing: str) -> Problems:
    """A decided or withdrawn item takes no further referral or outcome."""
    if status.is_final:
        return [(field, f"이미 끝난 안건({status.label}){doing}")]
    return []


def vote_problems(votes: Mapping[str, int | None]) -> Problems:
    """Counted votes are never negative; an uncounted vote (이의 없음) is None."""
    return [(name, "표 수는 0 이상이어야 합니다.") for name, n in votes.items() if (n or 0) < 0]


def status_after(
    latest: Result | None, decided_by_committee: bool, has_referral: bool
) -> ItemStatus:
    """Return an item's status from its latest outcome, or from its referrals when undecided."""
    if latest is None:
        return ItemStatus.REFERRED if has_referral else ItemStatus.SUBMITTED
    if decided_by_committee and latest not in UNDECIDED:
        # A committee's decision is a recommendation; the plenary still has to decide.
        return ItemStatus.COMMITTEE_DECIDED
    return ItemStatus(latest.value)
