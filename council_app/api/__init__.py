"""JSON API v1: public reads, writes for staff with a bearer token or a CSRF-checked session."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from ..core.errors import CouncilError
from ..core.json_input import JSONRefused
from ..core.limits import api_write_limit
from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The session-cookie path is checked by hand below; a bearer token cannot be forged cross-site.
csrf.exempt(bp)
api_write_limit(bp)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: What a client is told to send when its credentials are missing or wrong (RFC 6750).
WWW_AUTHENTICATE = 'Bearer realm="api"'
BAD_CREDENTIALS = "인증 정보가 올바르지 않습니다. 'Authorization: Bearer <API 토큰>'을 보내 주세요."


@bp.before_request
def authenticate_request():
    """Judge a request by its Authorization header alone, else require CSRF on cookie writes.

    A header that is not a valid bearer token answers 401 at once (it never falls back to the
    cookie). Anonymous callers fall through to the permission check and get 401 there.
    """
    if "Authorization" in request.headers:
        if not current_user.is_authenticated:
            body = {"errors": [{"field": "Authorization", "message": BAD_CREDENTIALS}]}
            challenge = WWW_AUTHENTICATE + ', error="invalid_token"'
            return jsonify(body), 401, {"WWW-Authenticate": challenge}
        return None
    if (
        request.method in WRITE_METHODS
        and current_user.is_authenticated
        and current_app.config["WTF_CSRF_ENABLED"]
    ):
        csrf.protect()
    return None


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


from . import agenda, meetings, members, minutes, openapi, search, sessions, views  # noqa: E402,F401  (routes register on import)
