"""Council, terms, bodies (plenary and committees), members and their memberships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..config import RulesProfile
from ..core.time import now
from ..core.types import AwareDateTime, LabelledEnum, enum_column
from ..extensions import db
from ..i18n import N_


class Council(db.Model):
    """A local council (구의회) and the rules profile its ordinance sets."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Seoul")
    #: Overrides of the ordinance numbers; anything missing falls back to configuration.
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    terms: Mapped[list[Term]] = relationship(back_populates="council", order_by="Term.number")
    bodies: Mapped[list[Body]] = relationship(back_populates="council", order_by="Body.id")

    def rules_profile(self, configured: dict | None = None) -> RulesProfile:
        """Return the rules in force: Geumcheon's defaults, then configuration, then ours."""
        return RulesProfile.from_mapping(configured, self.rules)


class Term(db.Model):
    """A council term between elections (제9대)."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("council_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    number: Mapped[int]
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    council: Mapped[Council] = relationship(back_populates="terms")

    @property
    def label(self) -> str:
        """Return the Korean label, e.g. ``제9대``."""
        return f"제{self.number}대"

    def covers(self, day: date) -> bool:
        """Tell whether ``day`` falls within the term."""
        return self.start <= day <= self.end


class BodyKind(LabelledEnum):
    """What kind of body sits: the whole council or a committee."""

    PLENARY = "plenary", N_("본회의")
    STANDING = "standing", N_("상임위원회")
    SPECIAL = "special", N_("특별위원회")


class Body(db.Model):
    """The plenary or a committee: something that holds meetings."""

    __tablename__ = "body"
    __table_args__ = (UniqueConstraint("council_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind))
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(40))
    #: The name in URLs and feeds, e.g. ``plenary`` or ``admin-finance``.
    slug: Mapped[str] = mapped_column(String(40))
    #: Special committees exist for a period; standing ones usually have no end.
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    council: Mapped[Council] = relationship(back_populates="bodies")
    memberships: Mapped[list[Membership]] = relationship(back_populates="body")

    @property
    def is_committee(self) -> bool:
        """Tell whether this body is a standing or special committee."""
        return self.kind is not BodyKind.PLENARY

    def is_active_on(self, day: date) -> bool:
        """Tell whether the body exists on ``day``."""
        if self.active_from and day < self.active_from:
            return False
        return not (self.active_to and day > self.active_to)


class Member(db.Model):
    """An elected councillor (의원)."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    name: Mapped[str] = mapped_column(String(50))
    #: Optional: the party or district, as the council lists them.
    party: Mapped[str | None] = mapped_column(String(50))
    district: Mapped[str | None] = mapped_column(String(50))
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    council: Mapped[Council] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="member")


class MembershipRole(LabelledEnum):
    """A member's place in a body."""

    CHAIR = "chair", N_("위원장")
    VICE_CHAIR = "vice_chair", N_("부위원장")
    MEMBER = "member", N_("위원")


class Membership(db.Model):
    """A member's seat in a body for a period; the plenary's chair is the 의장."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    #: When the row was made and last changed: OParl's ``created`` and ``modified``.
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)

    member: Mapped[Member] = relationship(back_populates="memberships")
    body: Mapped[Body] = relationship(back_populates="memberships")

    @property
    def title(self) -> str:
        """Return the seat's title as said: 의장 and 부의장 in the plenary, else the role."""
        if self.body.kind is BodyKind.PLENARY and self.role is not MembershipRole.MEMBER:
            return N_("의장") if self.role is MembershipRole.CHAIR else N_("부의장")
        if self.body.kind is BodyKind.PLENARY:
            return N_("의원")
        return self.role.label
