"""What the database knows of the search indexes: each node's cursor, for pruning the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import now
from ..core.types import AwareDateTime
from ..extensions import db


class IndexNode(db.Model):
    """One node's search index and the last outbox row it applied, as it last reported.

    Only pruning reads it: outbox rows every recently seen node has applied are deleted.
    The index's own cursor (kept inside the index) is what the node catches up from.
    """

    __tablename__ = "index_node"

    #: The host name and the index's folder: two nodes on one host have two folders.
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    cursor: Mapped[int]
    seen_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
