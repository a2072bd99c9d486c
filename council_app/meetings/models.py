"""A meeting: one sitting (제N차) of one body on one day within a session."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.time import kst_datetime, now
from ..core.types import AwareDateTime, LabelledEnum, enum_column
from ..extensions import db
from ..i18n import N_

if TYPE_CHECKING:
    from ..council.models import Body
    from ..sessions.models import CouncilSession


class MeetingStatus(LabelledEnum):
    """Whether the meeting is still ahead, took place, or will not take place as planned."""

    SCHEDULED = "scheduled", N_("예정")
    HELD = "held", N_("개최")
    CANCELLED = "cancelled", N_("취소")
    POSTPONED = "postponed", N_("연기")


class Meeting(db.Model):
    """One sitting of the plenary or a committee, e.g. ``제246회 정례회 제2차 본회의``."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    #: 차수: 1, 2, 3 … in date order per body within the session (kept by the services).
    sitting: Mapped[int]
    date: Mapped[date] = mapped_column(Date, index=True)
    #: Wall-clock times in KST.
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    #: False for a closed meeting (비공개): neither it nor its minutes are public.
    public: Mapped[bool] = mapped_column(default=True)
    video_url: Mapped[str | None] = mapped_column(String(500))
    #: Sign-language interpreted video, offered for the plenary.
    sign_language_video_url: Mapped[str | None] = mapped_column(String(500))
    #: The clock time (KST) the videos begin at, to turn time marks into positions in them.
    video_start: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, default="")
    #: Raised on every change of time, place, status or name: the calendar's SEQUENCE.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    #: When the meeting last changed as calendars see it (LAST-MODIFIED).
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)

    #: The session; it lists its meetings as ``council_session.meetings``, in time order.
    council_session: Mapped[CouncilSession] = relationship(
        backref=backref("meetings", order_by="(Meeting.date, Meeting.start_time, Meeting.id)")
    )
    body: Mapped[Body] = relationship()

    @property
    def name(self) -> str:
        """Return the meeting's name, e.g. ``제246회 정례회 제2차 본회의``."""
        return f"{self.council_session.name} 제{self.sitting}차 {self.body.name}"

    @property
    def starts_at(self) -> datetime:
        """Return the start as an aware datetime in KST."""
        return kst_datetime(self.date, self.start_time)

    @property
    def ends_at(self) -> datetime | None:
        """Return the end as an aware datetime in KST, if known."""
        return kst_datetime(self.date, self.end_time) if self.end_time else None

    @property
    def takes_part_in_numbering(self) -> bool:
        """Tell whether the meeting counts for 차수 (a cancelled one keeps its old number)."""
        return self.status is not MeetingStatus.CANCELLED
