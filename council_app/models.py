"""Import every model module so the metadata is complete (for Alembic and create_all)."""

from .auth.models import ApiToken, LoginAttempt, User
from .core.models import AuditEvent
from .council.models import Body, Council, Member, Membership, Term

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Body",
    "Council",
    "LoginAttempt",
    "Member",
    "Membership",
    "Term",
    "User",
]
