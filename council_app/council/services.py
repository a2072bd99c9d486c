"""Look up the council this deployment serves."""

from __future__ import annotations

from sqlalchemy import select

from ..core.errors import NotFound
from ..extensions import db
from .models import Body, Council, Member, Membership, Term
from .roster import Seat


def current_council() -> Council:
    """Return the council this site serves (the first one; one council per deployment)."""
    council = db.session.scalar(select(Council).order_by(Council.id).limit(1))
    if council is None:
        raise NotFound(
            "의회 정보가 아직 없습니다. 'flask --app council_app demo load'로 예시 자료를 넣어 주세요."
        )
    return council


def term_on(council: Council, day) -> Term | None:
    """Return the council's term that covers ``day``."""
    return next((t for t in council.terms if t.covers(day)), None)


def body_by_slug(council: Council, slug: str) -> Body | None:
    """Return the council's body with this URL name."""
    return next((b for b in council.bodies if b.slug == slug), None)


def seats(council: Council) -> list[Seat]:
    """Return every membership of the council's members as seats, and members without any.

    A member with no membership recorded still gets one dateless seat, so the name matches.
    """
    rows = db.session.execute(
        select(
            Member.id,
            Member.name,
            Membership.body_id,
            Membership.role,
            Membership.start,
            Membership.end,
        )
        .outerjoin(Membership, Membership.member_id == Member.id)
        .where(Member.council_id == council.id)
        .order_by(Member.id, Membership.start)
    )
    return [
        Seat(member_id, name, body_id, role.value if role else None, start, end)
        for member_id, name, body_id, role, start, end in rows
    ]
