"""JSON API v1: public reads, writes for staff with a bearer token or a CSRF-checked session."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from ..core.errors import CouncilError
from ..core.json_input import JSONRefused
from ..extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The session-cookie path is checked by hand below; a bearer token cannot be forged cross-site.
csrf.exempt(bp)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def protect_cookie_writes():
    """Require a CSRF token on writes that rely on the session cookie.

    Anonymous callers fall through to the permission check and get 401.
    """
    if (
        request.method in WRITE_METHODS
        and not request.headers.get("Authorization")
        and current_user.is_authenticated
        and current_app.config["WTF_CSRF_ENABLED"]
    ):
        csrf.protect()


@bp.errorhandler(CouncilError)
def council_error(error: CouncilError):
    """Turn a service's refusal into the API's error body; nothing is saved."""
    db.session.rollback()
    return jsonify(error.as_json()), error.status_code


NOT_AN_OBJECT = "요청 본문은 JSON 객체여야 합니다 (Content-Type: application/json)."


def json_payload(*, optional: bool = False) -> dict:
    """Return the request's JSON object, or refuse with a Korean message.

    With ``optional``, a request without a JSON body reads as ``{}``.
    """
    if optional and not (request.is_json and request.get_data(cache=True)):
        return {}
    if not request.is_json:
        raise CouncilError(NOT_AN_OBJECT)
    try:
        data = current_app.json.loads(request.get_data(cache=True))
    except JSONRefused as refused:
        raise CouncilError(refused.message_ko) from None
    if not isinstance(data, dict):
        raise CouncilError(NOT_AN_OBJECT)
    return data


def list_response(items: list[dict], total: int, links: dict | None = None):
    """Answer with the API's list shape."""
    return jsonify(
        {"data": items, "links": links or {"self": request.full_path.rstrip("?")}, "total": total}
    )


from . import agenda, meetings, minutes, openapi, search, sessions, views  # noqa: E402,F401  (routes register on import)
