"""Korean error pages (and JSON errors under the API) that never show a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from .catalogue import N_
from .errors import CouncilError
from .limits import retry_after

MESSAGES_KO = {
    400: N_("요청을 처리할 수 없습니다. 입력한 내용을 확인해 주세요."),
    401: N_("로그인이 필요합니다."),
    403: N_("이 작업을 할 권한이 없습니다."),
    404: N_("찾는 페이지가 없습니다."),
    405: N_("허용되지 않는 요청 방식입니다."),
    413: N_("보낸 내용이 너무 큽니다. 파일을 합쳐 %(megabytes)d MB까지 보낼 수 있습니다."),
    422: N_("입력한 내용이 규칙에 맞지 않습니다."),
    429: N_("요청이 너무 많습니다. 잠시 뒤에 다시 시도해 주세요."),
    500: N_("서버에서 문제가 생겼습니다. 잠시 뒤에 다시 시도해 주세요."),
}
CSRF_MESSAGE = N_("보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.")


def wants_json() -> bool:
    """Tell whether the request came to the JSON API."""
    return request.blueprint in ("api", "oparl") or request.path.startswith(("/api/", "/oparl/"))


def _respond(status: int, message: str, headers: dict | None = None, **values):
    """Answer ``message`` (filled with ``values``, ``%(name)s`` style) as a page or JSON."""
    headers = dict(headers or {})
    if wants_json():
        if status == 401:
            # RFC 6750: say which credentials the API takes.
            headers["WWW-Authenticate"] = 'Bearer realm="api"'
        text = message % values if values else message
        return jsonify({"errors": [{"field": None, "message": text}]}), status, headers
    # The API answers in Korean; the page in the visitor's language. gettext returns a plain
    # str, so Jinja still escapes whatever the message quotes back from the request.
    page = render_template("errors/error.html", status=status, message=gettext(message, **values))
    return page, status, headers


def register_error_pages(app: Flask) -> None:
    """Answer every HTTP error in Korean, as a page or as the API's error body."""

    @app.errorhandler(CouncilError)
    def council_error(error: CouncilError):
        # A refusal that reached no form (e.g. no council set up yet): say it, save nothing.
        db.session.rollback()
        if wants_json():
            return jsonify(error.as_json()), error.status_code
        return _respond(error.status_code, str(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _respond(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        headers, values = {}, {}
        if error.code == 429:
            headers["Retry-After"] = str(retry_after())
        if error.code == 413:
            # The bound, so that the sender knows what to split or shrink.
            values["megabytes"] = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = MESSAGES_KO.get(error.code, error.description)
        return _respond(error.code or 500, message, headers, **values)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Nothing half-saved survives an error; the details go to the log, not the page.
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(500, MESSAGES_KO[500])

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return _respond(500, MESSAGES_KO[500])
