"""The OpenAPI 3.1 document, built from the routes themselves so none can be left out.

Every ``api.*`` route of the URL map is in the document. What each one takes and answers
comes from :data:`OPERATIONS`, keyed by endpoint; the schemas are pydantic models in
``schemas.py`` (answers written there, requests built from the commands the view reads).

To document a new route (say ``@bp.get("/members")`` in ``api/members.py``):

1. describe its answer in ``schemas.py``: a class deriving ``Answer`` whose fields are the
   keys the view returns (``absent()`` for a key that is sometimes left out);
2. add a line to :data:`OPERATIONS`:
   ``"api.members": Operation(s.list_of(s.Member), query=(s.paging(100),)),``.
   A query string or body read by a command is documented by that command itself:
   ``query=(s.command_model(MemberFilter),)``, ``body=s.command_model(MemberCommand)``
   (``keys=`` and ``partial=True`` as the view passes them to ``read_command``). A parameter
   read by hand gets a small ``Query`` model in ``schemas.py``: a ``modified_since`` shared by
   the lists is one such model, added to each list's ``query``.

Until step 2 the route appears with a bare 200 and tests/api/test_openapi.py fails, naming it;
if a GET's answer has a key its model does not name, the response test fails too.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass

from flask import current_app, jsonify, render_template

from ..agenda.commands import ItemCommand, ItemRef, OutcomeCommand, ReferralCommand
from ..agenda.queries import ItemFilter
from ..meetings.order import Addition, NewOrder
from ..meetings.services import MeetingCommand
from ..members.queries import MAX_SPEECHES_PER_PAGE
from ..minutes.publication import PublishMinutes, WithdrawMinutes
from ..minutes.versions import UploadMinutes
from ..sessions.services import SessionCommand
from . import WRITE_METHODS, bp
from . import schemas as s
from .agenda import ITEM_KEYS, REFERRAL_KEYS
from .agenda import MAX_PER_PAGE as ITEMS_MAX_PER_PAGE
from .meetings import MAX_PER_PAGE as MEETINGS_MAX_PER_PAGE
from .meetings import MEETING_FILTER_KEYS, MeetingFilter


@dataclass(frozen=True)
class Operation:
    """What one route takes and answers."""

    #: The model of a successful answer's JSON body (None: not JSON, see ``media``).
    answer: type | None
    status: int = 200
    #: Models whose fields are query parameters; a callable takes the app's config.
    query: tuple = ()
    #: The model of the request body, its media type and whether it may be left out.
    body: type | None = None
    body_media: str = "application/json"
    body_required: bool = True
    #: Whether the route can answer 404 (default: when its path names an object).
    not_found: bool | None = None
    #: The 422 answer's model, where it says more than ``errors``.
    refusal: type = s.Errors
    #: The success answer's media type, when it is not JSON.
    media: str = "application/json"
    #: Statuses beyond those the route's shape implies (input: 400 and 422, a path: 404,
    #: a write: 401, 403 and 429).
    extra_statuses: tuple[int, ...] = ()


def _minutes_paging(config) -> type:
    return s.paging(config["API_MINUTES_MAX_PER_PAGE"])


OPERATIONS: dict[str, Operation] = {
    # council
    "api.bodies": Operation(s.list_of(s.Body)),
    # sessions
    "api.sessions": Operation(
        s.list_of(s.Session), query=(s.YearQuery, s.ModifiedSinceQuery), not_found=True
    ),
    "api.sessions_plan": Operation(s.Plan, query=(s.YearQuery,), not_found=True),
    "api.session_detail": Operation(s.Session),
    "api.create_session": Operation(
        s.SessionChanged, status=201, body=s.command_model(SessionCommand), not_found=True
    ),
    "api.update_session": Operation(
        s.SessionChanged, body=s.command_model(SessionCommand, partial=True)
    ),
    # meetings
    "api.meetings": Operation(
        s.list_of(s.Meeting),
        query=(
            s.command_model(MeetingFilter, keys=MEETING_FILTER_KEYS, name="MeetingFilter"),
            s.MeetingsQuery,
            s.ModifiedSinceQuery,
            s.paging(MEETINGS_MAX_PER_PAGE),
        ),
        not_found=True,
    ),
    "api.meeting_detail": Operation(s.Meeting),
    "api.create_meeting": Operation(
        s.MeetingChanged, status=201, body=s.command_model(MeetingCommand), not_found=True
    ),
    "api.update_meeting": Operation(
        s.MeetingChanged, body=s.command_model(MeetingCommand, partial=True)
    ),
    # agenda
    "api.agenda_items": Operation(
        s.list_of(s.ItemSummary),
        query=(s.command_model(ItemFilter), s.ModifiedSinceQuery, s.paging(ITEMS_MAX_PER_PAGE)),
        # A page beyond the last is Flask-SQLAlchemy's 404.
        not_found=True,
    ),
    "api.agenda_yearly_counts": Operation(s.list_of(s.YearCount), not_found=True),
    "api.agenda_item": Operation(s.Item),
    "api.create_agenda_item": Operation(
        s.Item, status=201, body=s.command_model(ItemCommand, keys=ITEM_KEYS), not_found=True
    ),
    "api.refer_agenda_item": Operation(
        s.Item, status=201, body=s.command_model(ReferralCommand, keys=REFERRAL_KEYS)
    ),
    "api.meeting_agenda": Operation(s.list_of(s.AgendaLine)),
    "api.replace_meeting_agenda": Operation(
        s.list_of(s.AgendaLine), body=s.command_model(NewOrder)
    ),
    "api.add_to_meeting_agenda": Operation(
        s.list_of(s.AgendaLine), status=201, body=s.command_model(Addition)
    ),
    "api.record_meeting_outcome": Operation(
        s.RecordedOutcome,
        status=201,
        body=s.command_model(ItemRef, OutcomeCommand, name="OutcomeRecord"),
    ),
    # minutes
    "api.minutes_list": Operation(
        s.list_of(s.Minutes), query=(s.MinutesQuery, s.ModifiedSinceQuery)
    ),
    "api.minutes_detail": Operation(s.MinutesDetail, query=(_minutes_paging,)),
    "api.minutes_deadlines": Operation(s.list_of(s.Deadline), query=(s.DeadlinesQuery,)),
    "api.minutes_upload": Operation(
        s.MinutesUploaded,
        status=201,
        body=s.command_model(UploadMinutes, with_file="file"),
        body_media="multipart/form-data",
        refusal=s.UploadRefused,
        extra_statuses=(413,),
    ),
    "api.minutes_publish": Operation(
        s.Minutes, body=s.command_model(PublishMinutes), body_required=False
    ),
    "api.minutes_restore": Operation(s.MinutesRestored, status=201),
    "api.minutes_finalize": Operation(s.Minutes),
    "api.minutes_withdraw": Operation(s.Minutes, body=s.command_model(WithdrawMinutes)),
    # search
    "api.search_minutes": Operation(
        s.SearchResult, query=(s.search_query(),), not_found=True, extra_statuses=(429,)
    ),
    # members and the lookup
    "api.members": Operation(s.list_of(s.Member)),
    "api.member_detail": Operation(s.MemberDetail, query=(s.paging(MAX_SPEECHES_PER_PAGE),)),
    "api.lookup_query": Operation(s.Lookup, query=(s.LookupQuery,), extra_statuses=(429,)),
    # this document and its page
    "api.openapi_document": Operation(s.Document),
    "api.docs": Operation(None, media="text/html"),
}

#: The answers every route may give besides its own, described once in ``components``.
RESPONSES = {
    "400": ("BadRequest", "요청 형식이 맞지 않습니다 (JSON, 쪽 번호, 보안 토큰)."),
    "401": ("Unauthorized", "로그인이나 API 토큰이 없거나 올바르지 않습니다."),
    "403": ("Forbidden", "이 작업을 할 권한이 없습니다."),
    "404": ("NotFound", "찾는 것이 없거나 공개되지 않았습니다."),
    "413": ("TooLarge", "파일이 너무 큽니다."),
    "422": ("Unprocessable", "입력한 내용이 규칙에 맞지 않습니다. 문제마다 field와 message."),
    "429": ("TooManyRequests", "요청이 너무 많습니다. Retry-After 초 뒤에 다시 보내 주세요."),
}


def _undocumented_operation(summary: str) -> dict:
    return {"summary": summary, "responses": {"200": {"description": "OK"}}}


_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def _path(rule) -> tuple[str, list[dict]]:
    """Turn a Werkzeug rule into an OpenAPI path and its path parameters."""
    params = []

    def replace(match: re.Match) -> str:
        kind = {"type": "integer", "minimum": 0} if match["conv"] == "int" else {"type": "string"}
        params.append({"name": match["name"], "in": "path", "required": True, "schema": kind})
        return "{" + match["name"] + "}"

    return _PARAM.sub(replace, rule.rule), params


def _query_models(operation: Operation, config) -> list[type]:
    """Return the operation's query models, those that depend on settings built for ``config``."""
    return [q if isinstance(q, type) else q(config) for q in operation.query]


def _models(config) -> list[type]:
    """Return every model the operations name."""
    models = []
    for operation in OPERATIONS.values():
        models += _query_models(operation, config)
        models += [m for m in (operation.answer, operation.body, operation.refusal) if m]
    models.append(s.Errors)
    return list(dict.fromkeys(models))


def _query_parameters(schema: dict) -> list[dict]:
    """Return one query parameter per property of a query model's schema."""
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        # A query string has no null: leaving the parameter out is its "none".
        if "anyOf" in prop:
            kept = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
            prop = {**kept[0], **prop} if len(kept) == 1 else {"anyOf": kept, **prop}
        param = {"name": name, "in": "query", "required": name in schema.get("required", ())}
        if description:
            param["description"] = description
        params.append({**param, "schema": prop})
    return params


@functools.cache
def _schemas_for(config_key: tuple) -> tuple[dict, dict, dict]:
    """Return each model's reference, the schemas for ``components`` and those of the query
    models (which become parameters, not components)."""
    config = dict(config_key)
    models = _models(config)
    by_model, definitions = s.json_schemas(models, "validation")
    queries = {
        name: definitions.pop(name)
        for operation in OPERATIONS.values()
        for model in _query_models(operation, config)
        if (name := by_model[model]["$ref"].rsplit("/", 1)[1]) in definitions
    }
    return by_model, definitions, queries


def _first_paragraph(text: str | None) -> str:
    """Return a docstring's first paragraph on one line."""
    paragraph = (text or "OK").strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _tag(rule: str) -> str:
    """Group an operation by its first path segment (this document's two routes together)."""
    segment = rule.split("/")[3]
    return "openapi" if segment in ("openapi.json", "docs") else segment


def _operation(rule, method: str, view, refs: dict, queries: dict, config) -> dict:
    """Describe one method of one route."""
    summary = (view.__doc__ or rule.endpoint).strip().splitlines()[0]
    path, params = _path(rule)
    spec = OPERATIONS.get(rule.endpoint)
    if spec is None:
        return {
            "operationId": f"{rule.endpoint}.{method}",
            "parameters": params,
            **_undocumented_operation(summary),
        }
    operation: dict = {
        "operationId": f"{rule.endpoint}.{method}",
        "summary": summary,
        "tags": [_tag(rule.rule)],
    }
    description = "\n".join(line.strip() for line in (view.__doc__ or "").strip().splitlines()[1:])
    if description.strip():
        operation["description"] = description.strip()
    for model in _query_models(spec, config):
        name = refs[model]["$ref"].rsplit("/", 1)[1]
        params += _query_parameters(copy.deepcopy(queries[name]))
    operation["parameters"] = params
    if spec.body is not None:
        operation["requestBody"] = {
            "required": spec.body_required,
            "content": {spec.body_media: {"schema": refs[spec.body]}},
        }
    success = {"description": _first_paragraph(spec.answer.__doc__ if spec.answer else summary)}
    if spec.answer is not None:
        success["content"] = {spec.media: {"schema": refs[spec.answer]}}
    else:
        success["content"] = {spec.media: {"schema": {"type": "string"}}}
    responses = {str(spec.status): success}
    takes_input = bool(spec.query or spec.body)
    permission = getattr(view, "required_permission", None)
    statuses = set(spec.extra_statuses)
    if takes_input or permission is not None:
        statuses |= {400, 422}
    if spec.not_found or (spec.not_found is None and params and "{" in path):
        statuses.add(404)
    if method.upper() in WRITE_METHODS:
        statuses.add(429)  # api_write_limit
    if permission is not None:
        statuses |= {401, 403}
        operation["security"] = [{"bearer": []}, {"session": [], "csrf": []}]
        operation["x-permission"] = permission.value
    for status in sorted(statuses):
        name = RESPONSES[str(status)][0]
        if status == 422 and spec.refusal is not s.Errors:
            responses["422"] = {
                "description": _first_paragraph(spec.refusal.__doc__),
                "content": {"application/json": {"schema": refs[spec.refusal]}},
            }
        else:
            responses[str(status)] = {"$ref": f"#/components/responses/{name}"}
    operation["responses"] = responses
    return operation


def build_document() -> dict:
    """Describe every API route: parameters, bodies, answers, errors and who may call it."""
    config = current_app.config
    config_key = (("API_MINUTES_MAX_PER_PAGE", config["API_MINUTES_MAX_PER_PAGE"]),)
    refs, definitions, queries = _schemas_for(config_key)
    definitions = copy.deepcopy(definitions)
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        path, _ = _path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, method.lower(), view, refs, queries, config
            )
    responses = {
        name: {
            "description": description,
            "content": {"application/json": {"schema": refs[s.Errors]}},
        }
        for name, description in RESPONSES.values()
    }
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}
    }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": {"schema": {"type": "integer"}, "description": "초"}
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Council sessions and minutes API",
            "version": "1",
            "description": (
                "읽기는 누구나(공개된 것만), 쓰기는 권한 있는 직원의 API 토큰"
                " (Authorization: Bearer …) 또는 로그인 세션과 CSRF 헤더로 합니다."
                ' 오류는 4xx와 {"errors": [{"field", "message"}]}로 답합니다.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": definitions,
            "responses": responses,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "개인 API 토큰 (내 계정 › API 토큰).",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": config["SESSION_COOKIE_NAME"],
                    "description": "로그인한 브라우저의 세션 쿠키.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "세션 쿠키로 쓸 때 함께 보내는 CSRF 토큰.",
                },
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """Return this API's OpenAPI document."""
    return jsonify(build_document())


def type_parts(schema: dict) -> list[tuple[str, str | None]]:
    """Describe a schema in a few words for the docs page: (text, schema linked or None)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return [(name, name)]
    if "anyOf" in schema:
        parts: list[tuple[str, str | None]] = []
        for branch in schema["anyOf"]:
            parts += [(" | ", None)] if parts else []
            parts += type_parts(branch)
        return parts
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return [(" | ".join(str(v) for v in values), None)]
    kind = schema.get("type", "any")
    if kind == "array":
        return [*type_parts(schema.get("items", {})), ("[]", None)]
    if kind == "object" and "additionalProperties" in schema:
        return [("{name: ", None), *type_parts(schema["additionalProperties"]), ("}", None)]
    details = [schema[k] for k in ("format", "contentMediaType") if k in schema]
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        details.append(f"{'' if low is None else low}–{'' if high is None else high}")
    if "maxLength" in schema:
        details.append(f"≤ {schema['maxLength']}")
    if "pattern" in schema:
        details.append(schema["pattern"])
    return [(kind + (f" ({', '.join(map(str, details))})" if details else ""), None)]


@bp.get("/docs")
def docs():
    """Show this API's OpenAPI document as a page."""
    document = build_document()
    tags: dict[str, list] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            tags.setdefault(operation.get("tags", ["other"])[0], []).append(
                (method.upper(), path, operation)
            )
    return render_template("api/docs.html", document=document, tags=tags, type_parts=type_parts)
