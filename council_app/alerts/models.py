"""Mail alerts: a confirmed subscription of one address to a saved search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import now
from ..core.types import AwareDateTime
from ..extensions import db


class AlertSubscription(db.Model):
    """One address following one search (words and filters, a body or a member).

    A row exists only once its owner clicked the confirmation link: until then the address
    travels inside the signed link, never in the database. Unsubscribing deletes the row.
    """

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Personal data: used to send, never shown on any page, API or log.
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: The search's arguments as the search page takes them (q, body, member, speaker …).
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The secret in the unsubscribe link (and ``List-Unsubscribe``).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    #: Publications up to this moment have been looked at; later ones are news.
    checked_until: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    #: When the last mail went out: at most one a day (KST).
    last_sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
