"""One log line per request: method, path, status, duration and user id, nothing else.

The path goes without its query string (a search's words are the reader's own); the user is
an id, never a name. The line goes through the app's logger, at INFO, for the process
manager (journald, gunicorn's error log) to keep.
"""

from __future__ import annotations

import logging
from time import perf_counter

from flask import Flask, Response, current_app, g, request
from flask_login import user_logged_out


def init_app(app: Flask) -> None:
    """Log every request the app answers, unless ``REQUEST_LOG`` is off."""
    if not app.config["REQUEST_LOG"]:
        return
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_log)
    user_logged_out.connect(_remember_leaving, app)


def _remember_leaving(sender, user, **extra) -> None:
    # A logout is made by the user it ends: log their id, not the anonymous one after it.
    g.request_user_id = user.get_id()


def _start() -> None:
    g.request_started = perf_counter()


def _log(response: Response) -> Response:
    started = g.get("request_started")
    duration = (perf_counter() - started) * 1000 if started is not None else 0.0
    current_app.logger.info(
        "request %s %s %s %.1fms user=%s",
        request.method,
        request.path,
        response.status_code,
        duration,
        _user_id(),
    )
    return response


def _user_id() -> str:
    """Return the id of the user the request acted as, '-' for none or not looked up."""
    # Only a user already loaded: looking one up here would cost a query (and touch the
    # session, which adds Vary: Cookie) on requests that never needed one.
    if leaving := g.get("request_user_id"):
        return str(leaving)
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return str(user.get_id())
