"""A session (회기): a numbered period of sittings, regular (정례회) or extraordinary (임시회)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import days_inclusive, now
from ..core.types import AwareDateTime, LabelledEnum, enum_column
from ..extensions import db
from ..i18n import N_

if TYPE_CHECKING:
    from ..council.models import Council, Term


class SessionKind(LabelledEnum):
    """Regular sessions convene on dates set by ordinance; extraordinary ones when needed."""

    REGULAR = "regular", N_("정례회")
    EXTRAORDINARY = "extraordinary", N_("임시회")


class SessionStatus(LabelledEnum):
    """Where a session stands, from the plan to its close."""

    PLANNED = "planned", N_("계획")
    CONFIRMED = "confirmed", N_("확정")
    IN_SESSION = "in_session", N_("회기 중")
    CLOSED = "closed", N_("폐회")
    CANCELLED = "cancelled", N_("취소")


class CouncilSession(db.Model):
    """A numbered session (제242회 임시회), counted in days, first to last inclusive.

    Its meetings (``meetings``, in time order) are declared by the meeting model, which
    builds on this one, so this module need not know of meetings.
    """

    __tablename__ = "council_session"
    __table_args__ = (UniqueConstraint("council_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    #: 회차, e.g. 242; unique per council and rising with the dates.
    number: Mapped[int]
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind))
    #: The convening day (집회일) and the last day.
    start: Mapped[date] = mapped_column(Date, index=True)
    end: Mapped[date] = mapped_column(Date)
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.PLANNED
    )
    #: 공고일: when the convening was announced (extraordinary sessions need notice).
    notice_date: Mapped[date | None] = mapped_column(Date)
    #: Convened urgently (긴급), which excuses a late notice.
    urgent: Mapped[bool] = mapped_column(default=False)
    #: A 집회일 변경 resolution was passed, so a regular session may open on another day.
    convening_change_resolved: Mapped[bool] = mapped_column(default=False)
    #: The plan's main items (주요 안건), one per line.
    main_items: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: Raised on every change of dates, name or status: the calendar span's SEQUENCE.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    council: Mapped[Council] = relationship()
    term: Mapped[Term] = relationship()

    @property
    def name(self) -> str:
        """Return the session's name, e.g. ``제242회 임시회``."""
        return f"제{self.number}회 {self.kind.label}"

    @property
    def days(self) -> int:
        """Count the session's days, first and last included."""
        return days_inclusive(self.start, self.end)

    @property
    def is_cancelled(self) -> bool:
        """Tell whether the session was cancelled (it then counts for nothing)."""
        return self.status is SessionStatus.CANCELLED

    @property
    def main_item_list(self) -> list[str]:
        """Return the main items as a list."""
        return [line.strip() for line in self.main_items.splitlines() if line.strip()]
