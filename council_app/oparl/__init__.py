"""OParl 1.1 endpoint (``/oparl/v1/system``): the council's data in the open standard's shape.

Read-only and public; any web page may read it (CORS), as OParl asks.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")


@bp.after_request
def allow_any_origin(response):
    """Let any site's scripts read the answers (OParl 1.1, 2.6)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


from . import views  # noqa: E402,F401  (routes register on import)
