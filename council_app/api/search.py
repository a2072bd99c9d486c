"""API route for searching the public minutes."""

from __future__ import annotations

from flask import jsonify, request

from ..core.limits import search_limit
from ..core.urls import external_url
from ..search import services
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
        "web": external_url("minutes.show", minutes_id=hit.minutes_id, _anchor=hit.anchor),
    }


@bp.get("/search")
@search_limit
def search_minutes():
    """Search utterances of public minutes (q, body, speaker, member, from, to, page, per_page)."""
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


search_minutes.openapi_response = {
    "description": "Matching utterances, newest or best first",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "data": {"type": "array", "items": {"type": "object"}},
                    "facets": {"type": "object"},
                    "total": {"type": "integer"},
                    "partial": {"type": "boolean"},
                    "rebuilding": {"type": "boolean"},
                    "suggestions": {
                        "description": (
                            "For a query with few or no hits, the query as it was probably "
                            "meant (이것을 찾으셨나요?), corrected from the words the minutes "
                            "hold; the most likely first, empty otherwise."
                        ),
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "q": {"type": "string", "example": "예산"},
                                "links": {
                                    "type": "object",
                                    "properties": {"self": {"type": "string"}},
                                },
                            },
                        },
                    },
                    "links": {"type": "object"},
                },
            }
        }
    },
}


def _page_url(search_request: services.SearchRequest, page: int) -> str:
    return external_url("api.search_minutes", **search_request.as_args(page=page))
