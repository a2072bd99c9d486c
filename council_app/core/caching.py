"""Caching of public pages for visitors without a session (the one module using Flask-Caching).

A request is *anonymous* when it carries no session cookie, no remember cookie and no
``Authorization`` header. For anonymous GET/HEAD requests to the public pages and API reads,
before the view runs:

* the data version (``core/data_version.py``, one primary-key query) plus the KST day, the
  period of that day (``CACHE_PERIOD``, for what depends on the hour: a meeting that has
  begun), the language and the full URL make one digest, which is both the ETag and the
  server-side key: any change to public data, on any app server, changes both;
* a matching ``If-None-Match`` (or, without one, ``If-Modified-Since``) is answered 304;
* else a stored copy of the 200 response is sent from the cache (memory per worker by
  default, Redis shared by every worker and server when ``CACHE_URL`` is set).

``Cache-Control`` is ``public, no-cache`` by default: browsers and proxies keep the page but
ask each time, and the 304 costs one query. A ``max-age`` (``HTTP_CACHE_MAX_AGE``) would let
a proxy hand a page to whoever asks without asking us, and pages differ by the ``lang``
cookie and by login while they carry no ``Vary: Cookie`` (that header would make every
proxy keep one copy per visitor's cookies), so it is opt-in, for proxies that bypass their
cache for session cookies. Everything for a logged-in user is ``private, no-store``.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache as cache_once
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_caching import Cache

from . import data_version
from .time import as_kst, now

cache = Cache()

#: Blueprints whose GET pages anyone may read; views that need a permission are left out.
PUBLIC_BLUEPRINTS = frozenset(
    {
        "sessions",
        "meetings",
        "agenda",
        "members",
        "minutes",
        "search",
        "api",
        "calendars",
        "feeds",
        "oparl",
    }
)
PUBLIC_ENDPOINTS = frozenset({"home.index"})
#: Files go out through send_file, with validators of their own, and are never held in memory.
NOT_CACHED = frozenset({"agenda.attachment", "minutes.download", "minutes.version_pdf"})
#: Headers that belong to one answer, not to the page kept for the next visitors.
TRANSIENT_HEADERS = frozenset(
    {"set-cookie", "date", "content-length", "etag", "last-modified", "x-cache"}
)
PRIVATE = "private, no-store"
_LOOKUP = "council.cache.lookup"
_LANGUAGE = "council_cache_language"
_RELEASE = "council_cache_release"
#: What a page is made of besides the data: a deploy that changes any of it changes every key.
RELEASE_FILES = ("*.py", "*.html", "*.mo", "*.json")


@dataclass
class Lookup:
    """What one anonymous request is checked and stored against."""

    etag: str
    key: str
    last_modified: datetime
    answered: bool = False  # by a 304 or by a stored copy: nothing to store


def init_app(app: Flask, language: Callable[[], str]) -> None:
    """Configure the store and answer anonymous reads from it.

    ``language`` names the language of the request's page: one copy is kept per language.
    """
    app.extensions[_LANGUAGE] = language
    app.extensions[_RELEASE] = release(Path(app.root_path), Path(app.template_folder or ""))
    config = app.config
    period = config["CACHE_PERIOD"]
    settings = {"CACHE_DEFAULT_TIMEOUT": period, "CACHE_KEY_PREFIX": config["CACHE_KEY_PREFIX"]}
    if config.get("CACHE_URL"):
        settings |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config["CACHE_URL"],
            # A store that stops answering costs a quarter second, never the page.
            "CACHE_OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    else:
        settings |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": config["CACHE_MAX_ENTRIES"]}
    cache.init_app(app, config=settings)
    app.session_interface = CookielessSessionInterface()
    app.before_request(answer_from_cache)
    app.after_request(keep_response)


class CookielessSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without ``Vary: Cookie`` for a visitor who has none.

    Flask adds the header whenever a page merely looks at the session (Flask-Login's
    ``current_user``, flashed messages): for a visitor who sent no session cookie and leaves
    with none the answer depends on no cookie of theirs. A page that stores something in
    the session still sets the cookie, and the header, as usual.
    """

    def save_session(self, app, session, response) -> None:
        if (
            not session
            and not session.modified
            and self.get_cookie_name(app) not in request.cookies
        ):
            return
        super().save_session(app, session, response)


@cache_once
def release(*folders: Path) -> str:
    """Return a digest of the code, templates and catalogues that build the pages.

    Every server running the same release computes the same digest, so they share stored
    pages and ETags; after a deploy no page of the former release is served. Read once per
    process: a deploy starts new processes.
    """
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for pattern in RELEASE_FILES for p in folder.rglob(pattern)):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def max_age(seconds: int):
    """Let browsers and proxies reuse the view's anonymous answer ``seconds`` unasked.

    Only for answers that are the same for everyone, whatever their cookies (the feeds).
    """

    def mark(view):
        view.http_max_age = seconds
        return view

    return mark


def dont_store() -> None:
    """Keep this answer out of every cache: it shows a passing state, not the data's.

    A search cut short by its time budget, or answered while the index is rebuilt, would
    otherwise stand until the next change of data.
    """
    if has_request_context():
        request.environ.pop(_LOOKUP, None)


def is_anonymous(req: Request) -> bool:
    """Tell whether the request carries no credentials at all."""
    config = current_app.config
    cookies = req.cookies
    return (
        config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
        and "Authorization" not in req.headers
    )


def is_cacheable(req: Request) -> bool:
    """Tell whether the request reads a public page anonymously."""
    endpoint = req.endpoint
    if not current_app.config["CACHE_ENABLED"] or req.method not in ("GET", "HEAD"):
        return False
    if endpoint is None or endpoint in NOT_CACHED:
        return False
    if endpoint not in PUBLIC_ENDPOINTS and req.blueprint not in PUBLIC_BLUEPRINTS:
        return False
    view = current_app.view_functions.get(endpoint)
    return not hasattr(view, "required_permission") and is_anonymous(req)


def lookup_for(req: Request) -> Lookup | None:
    """Make the ETag and key of the request (None before any data exists)."""
    version = data_version.current()
    if version is None:
        return None
    period = current_app.config["CACHE_PERIOD"]
    moment = now()
    local = as_kst(moment)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    slot = int((local - midnight).total_seconds()) // period
    query = urlencode(sorted(req.args.items(multi=True)))
    parts = (
        current_app.extensions[_RELEASE],
        version.token,
        local.date().isoformat(),
        str(slot),
        current_app.extensions[_LANGUAGE](),
        req.scheme,
        req.host,
        req.path,
        query,
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    slot_start = midnight + timedelta(seconds=slot * period)
    last_modified = max(version.changed_at, slot_start).replace(microsecond=0)
    return Lookup(etag=digest, key="page:" + digest, last_modified=last_modified)


def answer_from_cache() -> Response | None:
    """Answer 304 or a stored copy before the view runs; else let the view build the page."""
    if not is_cacheable(request):
        return None
    lookup = lookup_for(request)
    if lookup is None:
        return None
    request.environ[_LOOKUP] = lookup
    if not_modified(request, lookup):
        lookup.answered = True
        return current_app.response_class(status=304)
    stored = _read(lookup.key)
    if stored is None:
        return None
    lookup.answered = True
    response = current_app.response_class(status=200, headers=stored["headers"])
    if request.accept_encodings["gzip"]:
        # Every browser takes gzip: the packed copy goes out as it is kept.
        response.set_data(stored["body"])
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(gzip.decompress(stored["body"]))
    response.headers["X-Cache"] = "hit"
    return response


def not_modified(req: Request, lookup: Lookup) -> bool:
    """Tell whether the client's copy is current (RFC 9110: the ETag first)."""
    if req.if_none_match:
        return req.if_none_match.contains_weak(lookup.etag)
    since = req.if_modified_since
    return since is not None and lookup.last_modified <= since


def keep_response(response: Response) -> Response:
    """Add validators to anonymous pages and store them; keep staff pages out of every cache."""
    lookup: Lookup | None = request.environ.get(_LOOKUP)
    if lookup is None:
        # Staff pages, forms and anything with a cookie: no cache keeps them. Static files
        # and downloads carry validators of their own.
        if (
            request.endpoint != "static"
            and request.endpoint not in NOT_CACHED
            and (
                not is_anonymous(request)
                or _sets_cookie(response)
                or "Cache-Control" not in response.headers
            )
        ):
            response.headers["Cache-Control"] = PRIVATE
        return response
    if not lookup.answered:
        if response.status_code != 200 or response.direct_passthrough or _sets_cookie(response):
            if _sets_cookie(response):
                response.headers["Cache-Control"] = PRIVATE
            return response
        response.headers["X-Cache"] = "miss"
    # A stored copy goes out packed or not by the request's Accept-Encoding.
    response.vary.add("Accept-Encoding")
    # A first visit's page is in the browser's language (``i18n.select_locale``).
    response.vary.add("Accept-Language")
    response.set_etag(lookup.etag, weak=True)
    response.last_modified = lookup.last_modified
    view = current_app.view_functions.get(request.endpoint)
    max_age = getattr(view, "http_max_age", current_app.config["HTTP_CACHE_MAX_AGE"])
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}" if max_age else "public, no-cache"
    )
    if not lookup.answered and request.method == "GET":
        _store(lookup.key, response)
    return response


def _sets_cookie(response: Response) -> bool:
    # The session is saved after this hook: a modified one will set its cookie.
    return "Set-Cookie" in response.headers or session.modified


def _read(key: str) -> dict | None:
    try:
        return cache.get(key)
    except Exception:  # a store that fails must not fail the page
        current_app.logger.warning("page cache unreadable", exc_info=True)
        return None


def _store(key: str, response: Response) -> None:
    # Pages are text that packs tenfold at the fastest level: a 600-turn minutes page of
    # 1.4 MB is kept (and sent to browsers) in a tenth of that. mtime=0: the same page
    # packs to the same bytes.
    body = gzip.compress(response.get_data(), compresslevel=1, mtime=0)
    if len(body) > current_app.config["CACHE_MAX_ENTRY_BYTES"]:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in TRANSIENT_HEADERS]
    try:
        cache.set(key, {"body": body, "headers": headers})
    except Exception:
        current_app.logger.warning("page cache not written", exc_info=True)
