"""What the secretariat sends to change agenda items, read alike from forms, JSON and the demo.

Members, meetings and items are named by id, committees by slug; the services look them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.commands import spec
from .models import ItemKind, ProposerKind, Result


@dataclass(frozen=True)
class ItemCommand:
    """Register or correct an item."""

    kind: ItemKind = spec("종류")
    proposer_kind: ProposerKind = spec("제출자")
    submitted_on: date = spec("접수일")
    # Blank and over-long titles are the rules' to refuse (rules.title_problems).
    title: str = spec("안건명", default="")
    # 0 reads, so that the rule says why a bill number starts at 1.
    bill_number: int | None = spec("의안번호", default=None, minimum=0)
    lead_member: int | None = spec("대표발의 의원", default=None)
    co_sponsors: tuple[int, ...] = spec("공동발의 의원", default=())
    proposer_body: str | None = spec("제안 위원회", default=None, max_length=100)
    summary: str = spec("제안 요지", default="", max_length=5000)


@dataclass(frozen=True)
class ReferralCommand:
    """Send an item to a committee (회부)."""

    committee: str = spec("회부 위원회", max_length=100)
    referred_on: date = spec("회부일")


@dataclass(frozen=True)
class OutcomeCommand:
    """Record what a meeting decided about an item."""

    result: Result = spec("결과")
    votes_yes: int | None = spec("찬성", default=None, minimum=0)
    votes_no: int | None = spec("반대", default=None, minimum=0)
    votes_abstain: int | None = spec("기권", default=None, minimum=0)
    note: str = spec("비고", default="", max_length=1000)


@dataclass(frozen=True)
class ItemRef:
    """Name one item by id (the API's outcome and order-of-business bodies)."""

    item: int = spec("안건")
