"""Import every model module so the metadata is complete (for Alembic and create_all)."""

from .agenda.models import AgendaEntry, AgendaItem, Attachment, Outcome, Referral
from .alerts.models import AlertSubscription
from .auth.models import ApiToken, LoginAttempt, User
from .core.models import AuditEvent, DataVersion, PublicHoliday, StoredFile
from .council.models import Body, Council, Member, Membership, Term
from .meetings.models import Meeting
from .minutes.models import (
    Attendance,
    IndexOutbox,
    Minutes,
    MinutesFile,
    MinutesVersion,
    Utterance,
)
from .search.models import IndexNode
from .sessions.models import CouncilSession

__all__ = [
    "AgendaEntry",
    "AlertSubscription",
    "AgendaItem",
    "ApiToken",
    "Attachment",
    "Attendance",
    "AuditEvent",
    "Body",
    "Council",
    "CouncilSession",
    "DataVersion",
    "IndexNode",
    "IndexOutbox",
    "LoginAttempt",
    "Meeting",
    "Member",
    "Membership",
    "Minutes",
    "MinutesFile",
    "MinutesVersion",
    "Outcome",
    "PublicHoliday",
    "Referral",
    "StoredFile",
    "Term",
    "User",
    "Utterance",
]
