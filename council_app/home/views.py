"""The front page, the staff dashboard and the health check."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request
from flask_login import current_user, login_required

from ..core.errors import NotFound
from ..core.time import today_kst
from ..council.services import current_council
from ..meetings.services import meetings_between
from ..sessions.services import all_sessions
from . import health

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show the public front page."""
    return render_template("home/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    """Show the logged-in user the work of their role."""
    return render_template(f"home/dashboard_{current_user.role.value}.html", **dashboard_context())


def dashboard_context() -> dict:
    """Gather what every staff dashboard shows: the sessions and meetings ahead."""
    try:
        council = current_council()
    except NotFound:
        return {"upcoming_sessions": [], "upcoming_meetings": [], "today": today_kst()}
    today = today_kst()
    return {
        "today": today,
        "upcoming_sessions": [s for s in all_sessions(council) if s.end >= today],
        "upcoming_meetings": meetings_between(council, today, today + timedelta(days=30)),
    }


@bp.get("/language/<lang>")
def set_language(lang: str):
    """Remember the visitor's language choice and go back."""
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    target = (
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else "/"
    )
    response = make_response(redirect(target))
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/healthz")
def healthz():
    """Report whether the database and the search index answer."""
    report = health.check(current_app)
    return jsonify(report), 200 if report["status"] == "ok" else 503
