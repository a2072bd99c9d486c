"""OParl 1.1 routes: the System, the council as Body, its lists (paged, filtered) and objects."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import abort, current_app, jsonify, request
from sqlalchemy import and_

from ..agenda.models import Referral
from ..core.errors import CouncilError
from ..core.inputs import MAX_ID, MAX_NUMBER, moment_arg, page_number, whole_number
from ..council.models import Council, Term
from ..council.services import current_council
from ..extensions import db
from ..meetings.models import Meeting
from ..minutes.models import MinutesFile
from . import bp, objects, queries
from .queries import Listing, Window

FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
#: Attributes a client asking ``omit_internal=true`` goes without (OParl 1.1, 2.5), by type.
#: Body keeps ``legislativeTerm``: its schema requires it.
INTERNAL = {
    "AgendaItem": ("auxiliaryFile",),
    "Meeting": ("auxiliaryFile", "agendaItem"),
    "Paper": ("auxiliaryFile", "location"),
    "Person": ("membership",),
}

#: Turns a page of ``(row, modified, shown)`` into OParl objects.
Render = Callable[[list], list[dict]]


def _council(body_id: int | None = None) -> Council:
    council = current_council()
    if body_id is not None and body_id != council.id:
        abort(404)
    return council


def _window() -> Window:
    return Window(**{name: moment_arg(request.args, name) for name in FILTERS})


def _limit() -> int:
    """Return the page size: the client's ``limit``, never above the configured size."""
    most = current_app.config["OPARL_PER_PAGE"]
    raw = request.args.get("limit")
    if raw in (None, ""):
        return most
    asked = whole_number(raw, MAX_NUMBER)
    if asked is None or asked < 1:
        raise CouncilError("limit에는 1 이상의 숫자를 적어 주세요.", field="limit")
    return min(asked, most)


def _omit_internal(data: dict) -> dict:
    if request.args.get("omit_internal") != "true":
        return data
    internal = INTERNAL.get(data["type"].removeprefix(objects.SCHEMA), ())
    return {k: v for k, v in data.items() if k not in internal}


def _list_page(endpoint: str, parts: list[tuple[Listing, Render]], **route_values):
    """Answer one page of a list built from one or more listings, one after the other."""
    window = _window()
    limit = _limit()
    number = page_number(request.args)
    offset, data, total = (number - 1) * limit, [], 0
    for listing, render in parts:
        start = max(0, offset - total)
        room = limit - len(data)
        rows, count = queries.page(listing, window, start, room)
        total += count
        data += [_omit_internal(obj) for obj in render(rows)]
    pages = max(1, -(-total // limit))
    kept = {k: v for k, v in request.args.items() if k in (*FILTERS, "limit", "omit_internal")}

    def link(page: int) -> str:
        return objects.url(endpoint, **route_values, **kept, page=page)

    links = {"first": link(1), "self": link(number), "last": link(pages)}
    if number > 1:
        links["prev"] = link(min(number - 1, pages))
    if number < pages:
        links["next"] = link(number + 1)
    return jsonify(
        {
            "data": data,
            "pagination": {
                "totalElements": total,
                "elementsPerPage": limit,
                "currentPage": number,
                "totalPages": pages,
            },
            "links": links,
        }
    )


def _one(listing: Listing, object_id: int, render: Render):
    found = queries.one(listing, object_id)
    if found is None:
        abort(404)
    return jsonify(render([found])[0])


def each(render: Callable[[object, object, bool], dict]) -> Render:
    """Render a page row by row, for objects that need nothing beyond their own loaded rows."""
    return lambda rows: [render(row, modified, shown) for row, modified, shown in rows]


_organizations = each(lambda row, modified, _shown: objects.organization(row, modified))
_persons = each(lambda row, modified, _shown: objects.person(row, modified))
_memberships = each(lambda row, _modified, _shown: objects.membership(row))
_terms = each(lambda row, _modified, _shown: objects.legislative_term(row))
_attachments = each(lambda row, _modified, _shown: objects.attachment(row))


@each
def _minutes_files(row: MinutesFile, modified, shown) -> dict:
    if not shown:
        return objects.minutes_file_tombstone(row, modified)
    return objects.minutes_file(row, modified)


def _meetings(rows: list) -> list[dict]:
    """Render meetings with their files, lines and outcomes read for the whole page at once."""
    open_ids = [row.id for row, _, _ in rows if row.public]
    files = queries.meeting_files(current_council(), open_ids)
    lines = queries.lines_of(open_ids)
    outcomes = queries.outcomes_of(meeting_ids=open_ids)
    return [
        objects.meeting(row, modified, files.get(row.id, []), lines.get(row.id, []), outcomes)
        for row, modified, _shown in rows
    ]


def _agenda_items(rows: list) -> list[dict]:
    outcomes = queries.outcomes_of(meeting_ids=list({row.meeting_id for row, _, _ in rows}))
    return [
        objects.agenda_item(row, outcomes.get((row.meeting_id, row.item_id)), modified)
        for row, modified, _shown in rows
    ]


def _papers(rows: list) -> list[dict]:
    outcomes = queries.outcomes_of(item_ids=[row.id for row, _, _ in rows])
    return [objects.paper(row, modified, outcomes) for row, modified, _shown in rows]


@bp.get("/system")
def system():
    """Return the System object, where an OParl client starts."""
    return jsonify(objects.system(current_council()))


@bp.get("/body")
def bodies():
    """List the bodies: this system serves one council."""
    council = current_council()
    terms = db.session.scalars(db.select(Term).where(Term.council_id == council.id)).all()
    page = objects.url("bodies")
    return jsonify(
        {
            "data": [_omit_internal(objects.body(council, list(terms)))],
            "pagination": {
                "totalElements": 1,
                "elementsPerPage": 1,
                "currentPage": 1,
                "totalPages": 1,
            },
            "links": {"first": page, "self": page, "last": page},
        }
    )


@bp.get("/body/<int:body_id>")
def body(body_id: int):
    """Return the council as the Body."""
    council = _council(body_id)
    terms = db.session.scalars(db.select(Term).where(Term.council_id == council.id)).all()
    return jsonify(objects.body(council, list(terms)))


@bp.get("/body/<int:body_id>/organization")
def body_organization(body_id: int):
    """List the plenary and the committees."""
    council = _council(body_id)
    return _list_page(
        "body_organization", [(queries.organizations(council), _organizations)], body_id=body_id
    )


@bp.get("/body/<int:body_id>/person")
def body_person(body_id: int):
    """List the members."""
    council = _council(body_id)
    return _list_page("body_person", [(queries.persons(council), _persons)], body_id=body_id)


@bp.get("/body/<int:body_id>/membership")
def body_membership(body_id: int):
    """List the members' seats."""
    council = _council(body_id)
    return _list_page(
        "body_membership", [(queries.memberships(council), _memberships)], body_id=body_id
    )


@bp.get("/body/<int:body_id>/legislativeTerm")
def body_legislativeTermList(body_id: int):  # noqa: N802  (OParl's attribute name)
    """List the terms (대)."""
    council = _council(body_id)
    return _list_page(
        "body_legislativeTermList", [(queries.terms(council), _terms)], body_id=body_id
    )


@bp.get("/body/<int:body_id>/meeting")
def body_meeting(body_id: int):
    """List the meetings."""
    council = _council(body_id)
    return _list_page("body_meeting", [(queries.meetings(council), _meetings)], body_id=body_id)


@bp.get("/body/<int:body_id>/agendaItem")
def body_agendaItem(body_id: int):  # noqa: N802
    """List the lines of open meetings' orders of business."""
    council = _council(body_id)
    return _list_page(
        "body_agendaItem", [(queries.agenda_items(council), _agenda_items)], body_id=body_id
    )


@bp.get("/body/<int:body_id>/paper")
def body_paper(body_id: int):
    """List the agenda items (안건) as Papers."""
    council = _council(body_id)
    return _list_page("body_paper", [(queries.papers(council), _papers)], body_id=body_id)


@bp.get("/body/<int:body_id>/file")
def body_file(body_id: int):
    """List the files: original minutes files first, then agenda attachments."""
    council = _council(body_id)
    parts = [
        (queries.minutes_files(council), _minutes_files),
        (queries.attachments(council), _attachments),
    ]
    return _list_page("body_file", parts, body_id=body_id)


@bp.get("/organization/<int:object_id>")
def organization(object_id: int):
    """Return the plenary or a committee."""
    return _one(queries.organizations(current_council()), object_id, _organizations)


@bp.get("/organization/<int:object_id>/meeting")
def organization_meetings(object_id: int):
    """List one body's meetings."""
    council = current_council()
    if queries.one(queries.organizations(council), object_id) is None:
        abort(404)
    listing = queries.meetings(council)
    listing = dataclasses.replace(listing, scope=and_(listing.scope, Meeting.body_id == object_id))
    return _list_page("organization_meetings", [(listing, _meetings)], object_id=object_id)


@bp.get("/person/<int:object_id>")
def person(object_id: int):
    """Return a member."""
    return _one(queries.persons(current_council()), object_id, _persons)


@bp.get("/membership/<int:object_id>")
def membership(object_id: int):
    """Return a member's seat in a body."""
    return _one(queries.memberships(current_council()), object_id, _memberships)


@bp.get("/legislativeTerm/<int:object_id>")
def term(object_id: int):
    """Return a term (대)."""
    return _one(queries.terms(current_council()), object_id, _terms)


@bp.get("/meeting/<int:object_id>")
def meeting(object_id: int):
    """Return a meeting."""
    return _one(queries.meetings(current_council()), object_id, _meetings)


@bp.get("/location/<int:object_id>")
def location(object_id: int):
    """Return where an open meeting sits (the place its page shows)."""
    found = queries.one(queries.meetings(current_council()), object_id)
    place = objects.location(found[0]) if found else None
    if place is None:
        abort(404)
    return jsonify(place)


@bp.get("/agendaItem/<int:object_id>")
def agenda_item(object_id: int):
    """Return a line of an open meeting's order of business."""
    return _one(queries.agenda_items(current_council()), object_id, _agenda_items)


@bp.get("/paper/<int:object_id>")
def paper(object_id: int):
    """Return an agenda item (안건) as a Paper."""
    return _one(queries.papers(current_council()), object_id, _papers)


def _key(key: str, kinds: tuple[str, ...]) -> tuple[str, int]:
    """Split ``minutes-12`` into its kind and id, or answer 404."""
    kind, _, raw = key.partition("-")
    number = whole_number(raw, MAX_ID) if raw.isdigit() else None
    if kind not in kinds or number is None:
        abort(404)
    return kind, number


@bp.get("/consultation/<key>")
def consultation(key: str):
    """Return a referral (``referral-N``) or a treatment at a meeting (``entry-N``)."""
    kind, object_id = _key(key, ("referral", "entry"))
    council = current_council()
    if kind == "referral":
        found = db.session.get(Referral, object_id)
        if found is None or queries.one(queries.papers(council), found.item_id) is None:
            abort(404)
        return jsonify(objects.consultation_for_referral(found))
    row = queries.one(queries.agenda_items(council), object_id)
    if row is None:
        abort(404)
    entry = row[0]
    outcome = queries.outcomes_of(meeting_ids=[entry.meeting_id]).get(
        (entry.meeting_id, entry.item_id)
    )
    return jsonify(objects.consultation_for_entry(entry, outcome))


@bp.get("/file/<key>")
def file(key: str):
    """Return a minutes file (``minutes-N``, with its text) or an attachment (``attachment-N``)."""
    kind, object_id = _key(key, ("minutes", "attachment"))
    council = current_council()
    if kind == "attachment":
        return _one(queries.attachments(council), object_id, _attachments)
    found = queries.one(queries.minutes_files(council), object_id)
    if found is None:
        abort(404)
    row, modified, shown = found
    if not shown:
        return jsonify(objects.minutes_file_tombstone(row, modified))
    return jsonify(objects.minutes_file(row, modified, with_text=True))
