"""API routes for the council's structure."""

from __future__ import annotations

from sqlalchemy import select

from ..council.models import Body
from ..extensions import db
from . import bp, list_response


def body_json(body: Body) -> dict:
    """Return a body as the API shows it."""
    return {
        "id": body.id,
        "slug": body.slug,
        "kind": body.kind.value,
        "name": body.name,
        "short_name": body.short_name,
        "active_from": body.active_from.isoformat() if body.active_from else None,
        "active_to": body.active_to.isoformat() if body.active_to else None,
    }


@bp.get("/bodies")
def bodies():
    """List the plenary and the committees."""
    rows = db.session.scalars(select(Body).order_by(Body.id)).all()
    return list_response([body_json(b) for b in rows], len(rows))
