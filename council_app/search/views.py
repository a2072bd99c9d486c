"""The public search page over the minutes."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core.errors import NotFound, RuleViolation
from ..core.limits import search_limit
from ..council.services import current_council
from . import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@search_limit
def index():
    """Search what was said in the published minutes, with filters and facets."""
    try:
        council = current_council()
    except NotFound:
        council = None
    search_request, result, errors, status = None, None, {}, 200
    try:
        search_request = services.read_request(request.args)
        if not search_request.is_blank:
            result = services.search(search_request)
    except RuleViolation as error:
        errors, status = dict(error.errors), 400
    return render_template(
        "search/index.html",
        search=search_request,
        result=result,
        groups=services.group_by_meeting(result.hits) if result else [],
        errors=errors,
        body_names=services.body_names(council),
        sorts=services.SORTS,
        kinds=services.KINDS,
        max_page=services.MAX_PAGE,
        choices=services.filter_choices(council, search_request and search_request.filters),
        facets=services.top_facets(result.facets, search_request.filters) if result else {},
    ), status
