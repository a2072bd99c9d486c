"""The front page, the staff dashboard and the health check."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request
from flask_login import current_user, login_required

from ..core.errors import NotFound
from ..core.time import today_kst
from ..council.services import current_council
from ..meetings.services import meetings_between
from ..minutes.queries import latest_published
from ..sessions.services import all_sessions
from . import health

bp = Blueprint("home", __name__)

#: How far ahead the front page and the dashboards look.
UPCOMING_DAYS = 30


@bp.get("/")
def index():
    """Show the public front page: what is on, what is coming, the newest minutes."""
    context = upcoming_context()
    council = context.pop("council")
    context["latest_minutes"] = latest_published(council) if council else []
    return render_template("home/index.html", **context)


@bp.get("/dashboard")
@login_required
def dashboard():
    """Show the logged-in user the work of their role."""
    context = upcoming_context()
    del context["council"]
    return render_template(f"home/dashboard_{current_user.role.value}.html", **context)


def upcoming_context() -> dict:
    """Gather the sessions in progress or ahead and the meetings of the coming days."""
    today = today_kst()
    try:
        council = current_council()
    except NotFound:  # a fresh install before ``demo load`` or the first council
        return {"council": None, "today": today, "upcoming_sessions": [], "upcoming_meetings": []}
    return {
        "council": council,
        "today": today,
        "upcoming_sessions": [s for s in all_sessions(council) if s.end >= today],
        "upcoming_meetings": meetings_between(
            council, today, today + timedelta(days=UPCOMING_DAYS)
        ),
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
