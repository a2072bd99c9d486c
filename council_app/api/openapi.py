"""The OpenAPI document, built from the routes themselves so none can be left out."""

from __future__ import annotations

import re

from flask import current_app, jsonify

from . import bp

_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def _path(rule: str) -> tuple[str, list[dict]]:
    """Turn a Werkzeug rule into an OpenAPI path and its path parameters."""
    params = []

    def replace(match: re.Match) -> str:
        kind = "integer" if match["conv"] == "int" else "string"
        params.append(
            {"name": match["name"], "in": "path", "required": True, "schema": {"type": kind}}
        )
        return "{" + match["name"] + "}"

    return _PARAM.sub(replace, rule), params


def build_document() -> dict:
    """Describe every API route: method, summary, parameters, whether it needs a login."""
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        path, params = _path(rule.rule)
        summary = (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else rule.endpoint
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": summary,
                "parameters": params,
                "responses": {
                    # A route may describe its answer's fields (``openapi_response``).
                    "200": getattr(view, "openapi_response", {"description": "OK"}),
                    "4XX": {"description": "errors"},
                },
            }
            permission = getattr(view, "required_permission", None)
            if permission is not None:
                operation["security"] = [{"bearer": []}, {"session": []}]
                operation["x-permission"] = permission.value
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Council sessions and minutes API", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """Return this API's OpenAPI document."""
    return jsonify(build_document())
