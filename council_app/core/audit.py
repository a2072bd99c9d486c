"""Write audit entries from services."""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from ..extensions import db
from .models import AuditEvent


def record(
    action: str,
    obj,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
    actor=None,
) -> AuditEvent:
    """Add an audit entry for ``obj`` to the current transaction."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()  # a new row gets its id, so the entry can name it
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=None if getattr(obj, "id", None) is None else str(obj.id),
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(event)
    return event
