"""API route for searching the public minutes."""

from __future__ import annotations

from flask import jsonify, request

from ..core.errors import CouncilError, NotFound
from ..core.limits import search_limit
from ..core.urls import external_url
from ..council.services import current_council
from ..search import lookup, services
from ..search.index import Hit
from . import bp


def hit_json(hit: Hit) -> dict:
    """Return one matching utterance as the API shows it."""
    return {
        "minutes_id": hit.minutes_id,
        "meeting_id": hit.meeting_id,
        "order": hit.order,
        "anchor": hit.anchor,
        "speaker": hit.speaker,
        "date": hit.date,
        "body": hit.body,
        "snippet": hit.snippet,
        "score": round(hit.score, 4),
        # The chair's formulas, time marks and roll calls are "procedural"; by relevance
        # they come after every "speech" hit unless ``kind`` asks for one of the two.
        "kind": hit.kind,
        "web": external_url("minutes.show", minutes_id=hit.minutes_id, _anchor=hit.anchor),
    }


@bp.get("/search")
@search_limit
def search_minutes():
    """Search utterances of public minutes (q, body, speaker, member, from, to, kind, sort, page, per_page)."""
    search_request = services.read_request(request.args)
    result = services.search(search_request)
    links = {"self": external_url("api.search_minutes", **search_request.as_args())}
    last_page = min(-(-result.total // search_request.per_page), services.MAX_PAGE)
    if search_request.page < last_page:
        links["next"] = _page_url(search_request, search_request.page + 1)
    if search_request.page > 1:
        links["prev"] = _page_url(search_request, min(search_request.page - 1, last_page or 1))
    return jsonify(
        {
            "data": [hit_json(hit) for hit in result.hits],
            "facets": result.facets,
            "total": result.total,
            # The search ran out of time: hits, total and facets cover part of the index.
            "partial": result.partial,
            # The index is being rebuilt: some minutes are not searchable yet.
            "rebuilding": result.rebuilding,
            # Few or no hits: the query as it was probably meant, from the index's words.
            "suggestions": [
                {
                    "q": suggestion.q,
                    "links": {
                        "self": external_url(
                            "api.search_minutes", **search_request.as_args(q=suggestion.q, page=1)
                        )
                    },
                }
                for suggestion in result.suggestions
            ],
            "links": links,
        }
    )


def _page_url(search_request: services.SearchRequest, page: int) -> str:
    return external_url("api.search_minutes", **search_request.as_args(page=page))


#: The longest query the lookup reads; the speech search bounds its own.
MAX_LOOKUP_INPUT = 1000


@bp.get("/lookup")
@search_limit
def lookup_query():
    """Say which members, agenda items, sessions and open meetings a search query names (q)."""
    q = request.args.get("q", "")
    if len(q) > MAX_LOOKUP_INPUT:
        raise CouncilError(f"검색어는 {MAX_LOOKUP_INPUT}자 이하로 입력해 주세요.", field="q")
    try:
        council = current_council()
    except NotFound:
        council = None
    found = lookup.lookup(council, q)
    return jsonify(
        {
            "query": q,
            "members": [
                {
                    "id": m.id,
                    "name": m.name,
                    "web": external_url("members.show", member_id=m.id),
                    "speeches": external_url("search.index", member=m.id),
                    "url": external_url("api.member_detail", member_id=m.id),
                }
                for m in found.members
            ],
            "agenda_items": [
                {
                    "id": i.id,
                    "title": i.title,
                    "reference": i.reference,
                    "term": i.term.number,
                    "status": i.status.value,
                    "web": external_url("agenda.show", item_id=i.id),
                }
                for i in found.agenda_items
            ],
            "sessions": [
                {
                    "id": s.id,
                    "number": s.number,
                    "name": s.name,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "web": external_url("sessions.show", number=s.number),
                }
                for s in found.sessions
            ],
            "meetings": [
                {
                    "id": m.id,
                    "name": m.name,
                    "date": m.date.isoformat(),
                    "web": external_url("meetings.show", meeting_id=m.id),
                }
                for m in found.meetings
            ],
        }
    )
