"""Import every model module so the metadata is complete (for Alembic and create_all)."""

from .auth.models import ApiToken, LoginAttempt, User
from .core.models import AuditEvent
from .council.models import Body, Council, Member, Membership, Term
from .meetings.models import Meeting
from .minutes.models import IndexOutbox, Minutes, MinutesFile, MinutesVersion, Utterance
from .sessions.models import CouncilSession, PublicHoliday

__all__ = [
    "ApiToken",
    "AuditEvent",
    "IndexOutbox",
    "Body",
    "Council",
    "CouncilSession",
    "LoginAttempt",
    "Meeting",
    "Member",
    "Membership",
    "Minutes",
    "MinutesFile",
    "MinutesVersion",
    "PublicHoliday",
    "Term",
    "User",
    "Utterance",
]
