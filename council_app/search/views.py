"""The public search page over the minutes."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from markupsafe import Markup

from ..core.errors import NotFound, RuleViolation
from ..core.limits import search_limit
from ..council.services import current_council
from . import lookup, services
from .snippets import highlight

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
    found = None
    try:
        search_request, result = services.page_search(request.args)
        if search_request.q.strip() and search_request.page == 1:
            found = lookup.lookup(council, search_request.q)
    except RuleViolation as error:
        errors, status = dict(error.errors), 400
    return render_template(
        "search/index.html",
        search=search_request,
        result=result,
        found=found,
        groups=services.group_by_meeting(result.hits) if result else [],
        errors=errors,
        body_names=services.body_names(council),
        sorts=services.SORTS,
        kinds=services.KINDS,
        max_page=services.MAX_PAGE,
        choices=services.filter_choices(council, search_request and search_request.filters),
        facets=services.top_facets(result.facets, search_request.filters) if result else {},
    ), status


@bp.app_template_global()
def search_words(q: str):
    """Return the pattern of a search's words, for a page reached from its results."""
    return services.words_pattern(q) if q else None


@bp.app_template_global()
def search_back(raw: str) -> dict[str, str] | None:
    """Return the arguments of the search a page was reached from, for the way back."""
    return services.back_args(raw)


@bp.app_template_filter()
def marked(text: str, pattern) -> Markup:
    """Escape text and mark a search's words in it."""
    return Markup(highlight(text, pattern))  # noqa: S704  (highlight escapes every piece)
