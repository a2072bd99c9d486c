"""The iCal feeds and the calendar page; everything here is public and read-only."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from ..core.caching import max_age
from ..core.limits import subscription_limit
from ..core.time import today_kst
from ..council.models import Body
from ..council.services import body_by_slug, current_council
from ..sessions.services import find_session
from . import feeds, month

bp = Blueprint("calendars", __name__)

#: Proxies may keep a feed this long; clients come back every hour (REFRESH-INTERVAL).
FEED_MAX_AGE = 300


@bp.app_template_filter("webcal")
def webcal(url: str) -> str:
    """Return ``url`` with the webcal:// scheme, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


@bp.get("/calendar.ics")
@max_age(FEED_MAX_AGE)
@subscription_limit
def council_feed():
    """Send every meeting and session in the window."""
    window = feeds.window_from_args(request.args, today_kst())
    return ics_response(feeds.council_feed(window))


@bp.get("/calendar/<slug>.ics")
@max_age(FEED_MAX_AGE)
@subscription_limit
def body_feed(slug: str):
    """Send one body's meetings in the window."""
    body = _body_or_404(slug)
    window = feeds.window_from_args(request.args, today_kst())
    return ics_response(feeds.body_feed(body, window))


@bp.get("/sessions/<int:number>.ics")
@max_age(FEED_MAX_AGE)
@subscription_limit
def session_feed(number: int):
    """Send one session and all its meetings."""
    council_session = find_session(current_council(), number)
    if council_session is None:
        abort(404)
    return ics_response(feeds.session_feed(council_session))


@bp.get("/calendar")
def month_page():
    """Show a month of meetings with holidays, a list view and the subscribe links."""
    first = month.month_from_args(request.args, today_kst())
    slug = request.args.get("body")
    body = _body_or_404(slug) if slug else None
    return render_template(
        "calendars/month.html",
        view=month.month_view(first, body),
        body=body,
        bodies=current_council().bodies,
        today=today_kst(),
    )


def _body_or_404(slug: str) -> Body:
    body = body_by_slug(current_council(), slug)
    if body is None:
        abort(404)
    return body


def ics_response(feed: feeds.Feed) -> Response:
    """Answer with the feed.

    Validators and Cache-Control come from core/caching.py, which answers a subscriber's
    conditional request with 304 from the data version before the feed is built.
    """
    return Response(feed.data, mimetype="text/calendar")
