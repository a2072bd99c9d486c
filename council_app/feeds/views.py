"""``/minutes.atom`` (all, ``?body=``, ``?member=``) and ``/search.atom?q=…``: Atom for readers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, Response, request
from sqlalchemy import select

from ..calendars.views import FEED_MAX_AGE
from ..core.caching import max_age
from ..core.commands import read_command, spec
from ..core.errors import RuleViolation
from ..core.limits import search_limit, subscription_limit
from ..council.models import Body, Member
from ..extensions import db
from ..search import services as search_services
from . import atom, services

bp = Blueprint("feeds", __name__)


@dataclass(frozen=True)
class MinutesFeedArgs:
    """What ``/minutes.atom`` may be narrowed to: one body (its slug) or one member."""

    body: str = spec("위원회", default="", max_length=40)
    member: int | None = spec("의원", default=None)


@bp.get("/minutes.atom")
@max_age(FEED_MAX_AGE)
@subscription_limit
def minutes():
    """Send the newest publications of minutes, of one body or member if asked."""
    try:
        args = read_command(MinutesFeedArgs, request.args)
        body = member = None
        if args.body:
            body = db.session.scalar(select(Body).where(Body.slug == args.body))
            if body is None:
                raise RuleViolation(f"'{args.body}'(이)라는 위원회가 없습니다.", "body")
        if args.member is not None:
            member = db.session.get(Member, args.member)
            if member is None:
                raise RuleViolation(f"{args.member}번 의원이 없습니다.", "member")
    except RuleViolation as error:
        return _refused(error)
    return _atom(services.minutes_feed(body, member))


@bp.get("/search.atom")
@max_age(FEED_MAX_AGE)
@search_limit
def search():
    """Send a search's newest turns: the search page's arguments, newest first."""
    try:
        search_request = search_services.read_request(request.args)
        if search_request.is_blank:
            raise RuleViolation("검색어나 조건을 하나 이상 주세요(예: ?q=주차).", "q")
    except RuleViolation as error:
        return _refused(error)
    return _atom(services.search_feed(replace(search_request, page=1)))


def _atom(feed: atom.Feed) -> Response:
    response = Response(atom.document(feed), mimetype="application/atom+xml")
    response.last_modified = feed.updated
    return response


def _refused(error: RuleViolation) -> Response:
    """Answer bad arguments with 400 and the Korean messages, as plain text a reader shows."""
    lines = [message for _, message in error.errors]
    return Response("\n".join(lines) + "\n", 400, mimetype="text/plain")
