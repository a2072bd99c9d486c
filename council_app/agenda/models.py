"""Agenda items (안건), their referrals to committees, outcomes and the order of business."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import storage
from ..core.time import now
from ..core.types import AwareDateTime, LabelledEnum, enum_column
from ..extensions import db
from ..i18n import N_

if TYPE_CHECKING:
    from ..council.models import Body, Member, Term
    from ..meetings.models import Meeting


class ItemKind(LabelledEnum):
    """What an item is, as the council's reports group them."""

    ORDINANCE = "ordinance", N_("조례안")
    BUDGET = "budget", N_("예산안")
    SUPPLEMENTARY_BUDGET = "supplementary_budget", N_("추가경정예산안")
    SETTLEMENT = "settlement", N_("결산")
    CONSENT = "consent", N_("동의안")
    APPROVAL = "approval", N_("승인안")
    PROPOSAL = "proposal", N_("건의안")
    RESOLUTION = "resolution", N_("결의안")
    REPORT = "report", N_("보고")
    APPOINTMENT = "appointment", N_("선임")
    FORMATION = "formation", N_("구성")
    QUESTION_TIME = "question_time", N_("구정질문")
    AUDIT = "audit", N_("행정사무감사")
    OTHER = "other", N_("기타")


class ProposerKind(LabelledEnum):
    """Who put the item before the council."""

    DISTRICT_HEAD = "district_head", N_("구청장")
    MEMBER = "member", N_("의원")
    COMMITTEE = "committee", N_("위원회")
    CHAIR = "chair", N_("의장")


class Result(LabelledEnum):
    """What a meeting decided about an item."""

    PASSED = "passed", N_("원안가결")
    AMENDED = "amended", N_("수정가결")
    REJECTED = "rejected", N_("부결")
    DEFERRED = "deferred", N_("보류")
    WITHDRAWN = "withdrawn", N_("철회")
    ADOPTED = "adopted", N_("채택")
    NOT_ADOPTED = "not_adopted", N_("불채택")
    RECEIVED = "received", N_("보고접수")
    APPOINTED = "appointed", N_("선임")
    FORMED = "formed", N_("구성")
    CONCLUDED = "concluded", N_("완료")


class ItemStatus(LabelledEnum):
    """Where an item stands; the final values mirror the plenary's ``Result``."""

    SUBMITTED = "submitted", N_("접수")
    REFERRED = "referred", N_("위원회 회부")
    COMMITTEE_DECIDED = "committee_decided", N_("위원회 심사 완료")
    DEFERRED = "deferred", N_("보류")
    WITHDRAWN = "withdrawn", N_("철회")
    PASSED = "passed", N_("원안가결")
    AMENDED = "amended", N_("수정가결")
    REJECTED = "rejected", N_("부결")
    ADOPTED = "adopted", N_("채택")
    NOT_ADOPTED = "not_adopted", N_("불채택")
    RECEIVED = "received", N_("보고접수")
    APPOINTED = "appointed", N_("선임")
    FORMED = "formed", N_("구성")
    CONCLUDED = "concluded", N_("완료")

    @property
    def is_final(self) -> bool:
        """Tell whether the item can take no further outcome (decided or withdrawn)."""
        return self not in {
            ItemStatus.SUBMITTED,
            ItemStatus.REFERRED,
            ItemStatus.COMMITTEE_DECIDED,
            ItemStatus.DEFERRED,
        }


#: Members who co-sponsor (공동발의) a member's item, besides the lead member.
item_co_sponsor = Table(
    "agenda_item_co_sponsor",
    db.metadata,
    Column("item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("member.id"), primary_key=True),
)


class AgendaItem(db.Model):
    """An item the council handles, from submission to its last decision."""

    __tablename__ = "agenda_item"
    # NULLs never clash, so reports and question time can go without a number.
    __table_args__ = (UniqueConstraint("term_id", "bill_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), index=True)
    #: 의안번호, counted per term; items that are not bills (보고, 구정질문) have none.
    bill_number: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind), index=True)
    proposer_kind: Mapped[ProposerKind] = mapped_column(enum_column(ProposerKind))
    #: 대표발의 의원, when members propose.
    lead_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: The proposing committee, when a committee proposes (위원회안).
    proposer_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    #: Follows the latest outcome (kept by the services); stored so lists can filter on it.
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus), default=ItemStatus.SUBMITTED, index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    term: Mapped[Term] = relationship()
    lead_member: Mapped[Member | None] = relationship()
    co_sponsors: Mapped[list[Member]] = relationship(
        secondary=item_co_sponsor, order_by="Member.id"
    )
    proposer_body: Mapped[Body | None] = relationship()
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="item", order_by="(Referral.referred_on, Referral.id)"
    )
    outcomes: Mapped[list[Outcome]] = relationship(back_populates="item")
    entries: Mapped[list[AgendaEntry]] = relationship(back_populates="item")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", order_by="Attachment.id"
    )

    @property
    def reference(self) -> str | None:
        """Return the bill number as shown, e.g. ``제12호``."""
        return None if self.bill_number is None else f"제{self.bill_number}호"

    @property
    def proposer_label(self) -> str:
        """Return who proposed, e.g. ``김가상 의원 등 3인`` or ``구청장``."""
        if self.proposer_kind is ProposerKind.MEMBER and self.lead_member:
            others = len(self.co_sponsors)
            suffix = f" 등 {others + 1}인" if others else ""
            return f"{self.lead_member.name} 의원{suffix}"
        if self.proposer_kind is ProposerKind.COMMITTEE and self.proposer_body:
            return self.proposer_body.name
        return self.proposer_kind.label


class Referral(db.Model):
    """An item sent to a committee (회부), standing or special."""

    __tablename__ = "referral"
    __table_args__ = (UniqueConstraint("item_id", "body_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    item: Mapped[AgendaItem] = relationship(back_populates="referrals")
    body: Mapped[Body] = relationship()


class AgendaEntry(db.Model):
    """One line of a meeting's order of business (의사일정): an item at a position."""

    __tablename__ = "agenda_entry"
    __table_args__ = (UniqueConstraint("meeting_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    #: 1, 2, 3 … as read out (의사일정 제1항); kept gapless by the services.
    position: Mapped[int]
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    meeting: Mapped[Meeting] = relationship()
    item: Mapped[AgendaItem] = relationship(back_populates="entries")


class Outcome(db.Model):
    """What one meeting decided about one item, with the vote when it was counted."""

    __tablename__ = "outcome"
    __table_args__ = (UniqueConstraint("item_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    result: Mapped[Result] = mapped_column(enum_column(Result))
    #: Recorded votes; null when decided without a count (이의 없음).
    votes_yes: Mapped[int | None]
    votes_no: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)

    item: Mapped[AgendaItem] = relationship(back_populates="outcomes")
    meeting: Mapped[Meeting] = relationship()


class Attachment(db.Model):
    """A file attached to an item, stored under a generated name in the upload folder."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    #: The name the file had on the uploader's computer; shown and offered on download.
    original_name: Mapped[str] = mapped_column(String(255))
    #: The random name on disk, relative to ``UPLOAD_PATH``; never derived from user input.
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: OParl's ``sha512Checksum``; null for files stored before it was kept.
    sha512: Mapped[str | None] = mapped_column(String(128))
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)

    item: Mapped[AgendaItem] = relationship(back_populates="attachments")


@storage.stored_by
def _attachments(session) -> list[storage.StoredRow]:
    """List the stored agenda attachments for `files check`."""
    return [
        storage.StoredRow(f"안건 첨부 {a.id}", a.stored_name, a.sha256, a.size)
        for a in session.scalars(db.select(Attachment))
    ]
