"""Minutes of a meeting: every version kept, its speaker turns, the uploaded files, the outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import storage
from ..core.time import now
from ..core.types import AwareDateTime, LabelledEnum, enum_column
from ..extensions import db
from ..i18n import N_
from .attendance import AttendanceStatus

if TYPE_CHECKING:
    from ..auth.models import User
    from ..council.models import Member
    from ..meetings.models import Meeting


class MinutesStatus(LabelledEnum):
    """Where the minutes stand: written, published provisionally, final, or withdrawn."""

    DRAFT = "draft", N_("작성 중")
    PROVISIONAL = "provisional", N_("임시")
    FINAL = "final", N_("확정")
    WITHDRAWN = "withdrawn", N_("철회")

    @property
    def is_published(self) -> bool:
        """Tell whether minutes in this state are open to the public."""
        return self in (MinutesStatus.PROVISIONAL, MinutesStatus.FINAL)

    @classmethod
    def published(cls) -> list[MinutesStatus]:
        """Return the states open to the public, for a query's ``in_``."""
        return [status for status in cls if status.is_published]


class Minutes(db.Model):
    """The minutes (회의록) of one meeting, through all their versions."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(
        enum_column(MinutesStatus), default=MinutesStatus.DRAFT, index=True
    )
    #: When the provisional minutes were first published: the server's time, never entered.
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    #: Published after the due date; the reason is then required.
    late: Mapped[bool] = mapped_column(default=False)
    late_reason: Mapped[str | None] = mapped_column(String(500))
    finalized_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)

    meeting: Mapped[Meeting] = relationship()
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.number"
    )
    files: Mapped[list[MinutesFile]] = relationship(
        back_populates="minutes", order_by="MinutesFile.id"
    )

    @property
    def published_version(self) -> MinutesVersion | None:
        """Return the version citizens see: the newest one published by an explicit act."""
        return next((v for v in reversed(self.versions) if v.published_at), None)

    @property
    def latest_version(self) -> MinutesVersion | None:
        """Return the newest version, published or not."""
        return self.versions[-1] if self.versions else None

    @property
    def draft_version(self) -> MinutesVersion | None:
        """Return the newest version when it awaits publication, else None."""
        latest = self.latest_version
        return latest if latest is not None and latest.published_at is None else None

    @property
    def current_version(self) -> MinutesVersion | None:
        """Return the version the minutes page shows: the published one, else the draft."""
        return self.published_version or self.latest_version

    @property
    def is_public(self) -> bool:
        """Tell whether citizens may read these minutes (published, of an open meeting)."""
        return self.status.is_published and self.meeting.public


#: The storage folder of minutes files (core.storage.FOLDERS).
FOLDER = "minutes"


class MinutesFile(db.Model):
    """An uploaded file, stored byte for byte as received under a generated name."""

    __tablename__ = "minutes_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    #: The file's name in the ``minutes`` folder of ``UPLOAD_PATH``; never from what was sent.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The uploader's file name (often Korean), offered again on download.
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: OParl's ``sha512Checksum``; null for files stored before it was kept
    #: (``flask data checksums`` fills it in).
    sha512: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    #: The type found in the content: hwp, hwpx, pdf, docx, text, or what was refused.
    file_type: Mapped[str] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    #: Why no text came out of it (Korean, as shown to the uploader), if so.
    problem: Mapped[str | None] = mapped_column(String(500))

    minutes: Mapped[Minutes] = relationship(back_populates="files")

    @property
    def stored_path(self) -> str:
        """Return the file's path under ``UPLOAD_PATH``, as core.storage names it."""
        return f"{FOLDER}/{self.stored_name}"


class MinutesVersion(db.Model):
    """One full text of the minutes; corrections add versions and never change old ones."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    #: 1, 2, 3 … per minutes.
    number: Mapped[int]
    # Both texts load when first read (deferred): a budget debate's are hundreds of KB
    # each, and the pages that list versions or show turns never read them.
    #: The whole text as extracted or pasted, closed passages included (staff only).
    text: Mapped[str] = mapped_column(Text, deferred=True)
    #: The text citizens see: closed passages replaced by a one-line notice.
    public_text: Mapped[str] = mapped_column(Text, deferred=True)
    #: What the cover says (session, body, sitting, date, place), as parsed.
    header: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The file the text came from; null for pasted text.
    file_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_file.id"))
    #: Which program produced the text, e.g. ``pypdfium2 5.15.2``, or ``붙여 넣기``.
    extractor: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    #: When this version was made the public one (an audited act); null for a draft.
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    file: Mapped[MinutesFile | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    utterances: Mapped[list[Utterance]] = relationship(
        back_populates="version", order_by="Utterance.order", cascade="all, delete-orphan"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )

    @property
    def was_published(self) -> bool:
        """Tell whether the version was ever made public (only those have a PDF)."""
        return self.published_at is not None


class UtteranceKind(LabelledEnum):
    """Whether a turn discusses something or runs the meeting (``procedure`` tells them)."""

    SPEECH = "speech", N_("발언")
    PROCEDURAL = "procedural", N_("절차 발언")


class Utterance(db.Model):
    """One speaker turn (발언) in one version; its anchor on the page is ``u-<order>``."""

    __tablename__ = "utterance"
    __table_args__ = (UniqueConstraint("version_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_version.id"), index=True)
    #: Position among the turns, from 1; stable for a version, so links can point at it.
    order: Mapped[int]
    #: The label as written, e.g. ``의장 김가상`` or ``홍길동 위원``.
    speaker: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))
    #: The councillor speaking, when the label matches the roster.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: The agenda heading the turn falls under (e.g. ``1. 2024년도 … 조례안``).
    agenda_heading: Mapped[str | None] = mapped_column(Text)
    #: Said in a closed passage (비공개): never shown to the public, never indexed.
    closed: Mapped[bool] = mapped_column(default=False)
    #: The clock time (``HH:MM``) of the time mark (개의, 속개 …) the turn follows directly.
    clock_time: Mapped[str | None] = mapped_column(String(5))
    #: Seconds from the start of the meeting's video, as the stenographer imported them.
    video_offset: Mapped[int | None]
    #: The chair's formulas, time marks and roll calls are procedural; search ranks them
    #: below discussion. Labelled when the minutes are parsed.
    kind: Mapped[UtteranceKind] = mapped_column(
        enum_column(UtteranceKind), default=UtteranceKind.SPEECH, server_default="speech"
    )

    version: Mapped[MinutesVersion] = relationship(back_populates="utterances")
    member: Mapped[Member | None] = relationship()


class Attendance(db.Model):
    """One member's attendance at the meeting, as one version's closing lists give it."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("version_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_version.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))

    version: Mapped[MinutesVersion] = relationship(back_populates="attendance")
    member: Mapped[Member] = relationship()


class OutboxAction(enum.Enum):
    """What the search index must do with a minutes' text."""

    INDEX = "index"
    DELETE = "delete"


class IndexOutbox(db.Model):
    """A change the search indexes have to catch up on, written in the change's transaction.

    Never marked done: each node's index keeps the id of the last row it applied (its
    cursor), and rows every node has applied are pruned (``search.sync.prune_outbox``).
    """

    __tablename__ = "index_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    action: Mapped[OutboxAction] = mapped_column(enum_column(OutboxAction))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)


@storage.stored_by
def _minutes_files(session) -> list[storage.StoredRow]:
    """List the stored minutes files for `files check`."""
    return [
        storage.StoredRow(f"회의록 파일 {f.id}", f.stored_path, f.sha256, f.size)
        for f in session.scalars(db.select(MinutesFile))
    ]
