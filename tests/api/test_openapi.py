"""The OpenAPI document (issue 20): valid, complete, true to the answers and to the commands."""

from __future__ import annotations

import io

import flask_babel
import pytest
from flask import g
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import func, select

from council_app.agenda.models import AgendaEntry, AgendaItem
from council_app.api import openapi
from council_app.api import schemas as api_schemas
from council_app.auth import services as auth_services
from council_app.core.commands import read_command
from council_app.core.errors import RuleViolation
from council_app.council.services import current_council
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.minutes.models import Utterance
from council_app.minutes.queries import latest_published
from tests.minutes import samples

API = "/api/v1"


@pytest.fixture
def document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_has_its_schemas(app, document):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert endpoints - set(openapi.OPERATIONS) == set(), "add these to api/openapi.OPERATIONS"
    assert set(openapi.OPERATIONS) - endpoints == set(), "these routes are gone"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            success = [s for s in operation["responses"] if s.startswith("2")]
            assert success, (method, path)
            assert "content" in operation["responses"][success[0]], (method, path)


def test_a_route_without_schemas_is_still_listed_and_named(app, client):
    app.add_url_rule("/api/v1/committees", "api.committees", lambda: {"data": []})
    document = client.get(f"{API}/openapi.json").get_json()
    assert document["paths"]["/api/v1/committees"]["get"]["responses"] == {
        "200": {"description": "OK"}
    }
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert endpoints - set(openapi.OPERATIONS) == {"api.committees"}


def test_writes_name_their_credentials_and_refusals(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["session"]["in"], schemes["csrf"]["in"]) == ("cookie", "header")
    error = document["components"]["schemas"]["Errors"]
    problem = document["components"]["schemas"]["Problem"]
    assert error["required"] == ["errors"] and set(problem["required"]) == {"field", "message"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                assert "security" not in operation, path
                continue
            assert operation["security"] == [{"bearer": []}, {"session": [], "csrf": []}]
            assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)


# --- the answers ------------------------------------------------------------------------------


def _resolve(document: dict, schema: dict) -> dict:
    """Return ``schema`` with the document's components beside it, for $ref to resolve."""
    return {**schema, "components": document["components"]}


def _check_answer(document: dict, path: str, method: str, response) -> None:
    """Fail unless the answer's status is documented and its body matches that status's schema."""
    operation = document["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], (path, status, response.get_data(as_text=True))
    documented = operation["responses"][status]
    if "$ref" in documented:
        documented = document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    (media, content), *_ = documented["content"].items()
    assert response.mimetype == media
    if media != "application/json":
        return
    validator = Draft202012Validator(
        _resolve(document, content["schema"]), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    problems = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.get_json())
    ]
    assert problems == [], (path, response.request.url)


def _demo_ids() -> dict:
    """Return ids of the demo that make each GET route answer with its fuller shapes."""
    minutes = latest_published(current_council())[0]
    entry = db.session.scalars(select(AgendaEntry).order_by(AgendaEntry.id)).first()
    items = db.session.scalars(select(AgendaItem)).all()
    item = max(items, key=lambda i: (len(i.outcomes), len(i.referrals), len(i.co_sponsors)))
    meeting = db.session.get(Meeting, entry.meeting_id)
    # The member with the most public turns: speeches, bills and attendance all filled.
    member_id = db.session.scalar(
        select(Utterance.member_id)
        .where(Utterance.member_id.is_not(None))
        .group_by(Utterance.member_id)
        .order_by(func.count().desc(), Utterance.member_id)
        .limit(1)
    )
    return {
        "member_id": member_id,
        "minutes_id": minutes.id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "number": meeting.council_session.number,
    }


#: Query strings that reach the shapes a plain GET does not (a second page, filters, errors).
VARIANTS = {
    "/api/v1/meetings": [
        "?per_page=2&page=2",
        "?from=2023-01-01&to=2023-12-31&body=plenary",
        "?page=0",
    ],
    "/api/v1/agenda-items": ["?per_page=2&page=2", "?status=passed&kind=ordinance"],
    "/api/v1/minutes/{minutes_id}": ["?per_page=1&page=2", "?page=9999"],
    "/api/v1/minutes/deadlines": ["?status=late", "?status=overdue", "?status=nonsense"],
    "/api/v1/minutes": ["?status=provisional", "?meeting=x"],
    "/api/v1/search": [
        "?q=얘산",
        "?q=예산&per_page=2&page=2",
        "?q=예산&sort=date&body=plenary",
        "?sort=x",
    ],
    "/api/v1/sessions": ["?year=2023", "?year=1"],
    "/api/v1/sessions/plan": ["?year=2023"],
    "/api/v1/members/{member_id}": ["?per_page=1&page=2", "?per_page=999"],
    "/api/v1/lookup": [
        "?q=김가상",
        "?q=제11호",
        "?q=제244회",
        "?q=제2차 본회의",
        "?q=" + "가" * 1001,
    ],
}


def test_every_get_answer_matches_its_documented_schema(client, demo, document, make_user, login):
    ids = _demo_ids()
    checked = set()

    def check_all():
        for path, operations in document["paths"].items():
            if "get" not in operations:
                continue
            url = path.format(**ids)
            for suffix in ["", *VARIANTS.get(path, [])]:
                response = client.get(url + suffix)
                _check_answer(document, path, "get", response)
                checked.add((path, response.status_code))
            if "{" in path:
                missing = client.get(path.format(**dict.fromkeys(ids, 2_000_000_000)))
                _check_answer(document, path, "get", missing)

    check_all()
    # Staff see drafts and the guards' findings: those keys are documented too.
    login(make_user("stenographer"))
    check_all()
    gets = {p for p, ops in document["paths"].items() if "get" in ops}
    assert {p for p, status in checked if status == 200} == gets
    assert {status for _, status in checked} >= {200, 400, 422}


# --- the requests: the document says what the commands accept -----------------------------


def _refused_fields(command_model, data: dict) -> set[str]:
    built = api_schemas.BUILT_FROM[command_model]
    refused: set[str] = set()
    for command in built.commands:
        try:
            read_command(command, data, partial=built.partial, keys=built.keys)
        except RuleViolation as violation:
            refused |= {field for field, _ in violation.errors}
    return refused


def _body_models():
    models = {op.body for op in openapi.OPERATIONS.values() if op.body is not None}
    return sorted(models, key=lambda m: m.__name__)


@pytest.mark.parametrize("model", _body_models(), ids=lambda m: m.__name__)
def test_documented_bodies_agree_with_the_commands(app, document, model):
    schema = document["components"]["schemas"][model.__name__]
    definitions = document["components"]["schemas"]
    with app.test_request_context():
        # An empty body is refused for exactly the fields documented as required.
        assert _refused_fields(model, {}) == set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = next((b for b in prop.get("anyOf", []) if b.get("type") != "null"), prop)
            if "$ref" in prop:
                prop = definitions[prop["$ref"].rsplit("/", 1)[1]]
            for accepted, refused in _edges(prop):
                assert name not in _refused_fields(model, {name: accepted}), (name, accepted)
                assert name in _refused_fields(model, {name: refused}), (name, refused)


def _edges(prop: dict) -> list[tuple]:
    """Return pairs (a value the schema allows, one beside it that it does not)."""
    pairs = []
    if "enum" in prop:
        pairs += [(value, value + "-nope") for value in prop["enum"]]
    if prop.get("type") == "integer":
        pairs.append((prop["minimum"], prop["minimum"] - 1))
        pairs.append((prop["maximum"], prop["maximum"] + 1))
    if prop.get("type") == "string" and "maxLength" in prop and prop["maxLength"] < 10_000:
        pairs.append(("가" * prop["maxLength"], "가" * (prop["maxLength"] + 1)))
    if prop.get("format") == "date":
        pairs.append(("2023-06-08", "2023-02-30"))
    if prop.get("type") == "array" and "maxItems" in prop:
        most = prop["maxItems"]
        if prop["items"].get("type") == "integer":
            pairs.append(([1], [0]))
            pairs.append((list(range(1, most + 1)), list(range(1, most + 2))))
        else:
            pairs.append((["가"] * most, ["가"] * (most + 1)))
    return pairs


def test_documented_query_parameters_agree_with_the_readers(client, demo, document):
    ids = _demo_ids()
    definitions = document["components"]["schemas"]
    tried = 0
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        url = path.format(**ids)
        for parameter in operations["get"]["parameters"]:
            if parameter["in"] != "query":
                continue
            name, prop = parameter["name"], parameter["schema"]
            if "$ref" in prop:
                prop = definitions[prop["$ref"].rsplit("/", 1)[1]]
            base = "?q=예산&" if path.endswith("/search") and name != "q" else "?"
            for accepted, refused in _edges(prop):
                # Only an enum's values are sure to pass: a number or a slug is also looked up.
                if "enum" in prop:
                    answer = client.get(f"{url}{base}{name}={accepted}")
                    assert name not in _error_fields(answer), (path, name, accepted)
                answer = client.get(f"{url}{base}{name}={refused}")
                assert answer.status_code in (400, 422), (path, name, refused)
                assert name in _error_fields(answer), (path, name, refused)
                tried += 1
    assert tried > 20


def _error_fields(response) -> set:
    if response.status_code < 400:
        return set()
    return {e["field"] for e in response.get_json()["errors"]}


# --- the page for people ----------------------------------------------------------------------


def test_the_docs_page_shows_every_route_in_korean_and_english(client, document):
    page = client.get(f"{API}/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "<h1>공개 API 문서</h1>" in text
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in text
    assert 'id="schema-Meeting"' in text and 'href="#schema-Errors"' in text
    # The test app's one app context keeps the first request's language on ``g``.
    flask_babel.refresh()
    g.pop("_page_translations", None)
    english = client.get(f"{API}/docs?lang=en").get_data(as_text=True)
    assert "<h1>API documentation</h1>" in english


# --- write answers --------------------------------------------------------------------------


def test_write_answers_match_their_documented_schemas(client, demo, document, make_user):
    token = auth_services.issue_token(make_user("stenographer"), "docs")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    meeting_id = _demo_ids()["meeting_id"]
    path = "/api/v1/meetings/{meeting_id}/minutes"
    url = path.format(meeting_id=meeting_id)
    # A file whose text cannot be read is kept, and the refusal names it.
    unreadable = client.post(
        url, data={"file": (io.BytesIO(b"%PDF-1.4\n garbage"), "깨진.pdf")}, headers=headers
    )
    assert unreadable.status_code == 422 and {"id", "file"} <= set(unreadable.get_json())
    _check_answer(document, path, "post", unreadable)
    pasted = client.post(url, data={"text": samples.MINUTES}, headers=headers)
    assert pasted.status_code in (201, 422), pasted.get_json()
    _check_answer(document, path, "post", pasted)
    # Text for a file these minutes do not keep: a refusal that names no kept file.
    stray = client.post(url, data={"text": "○의장  개의", "source_file": "999999"}, headers=headers)
    assert stray.status_code == 422 and "file" not in stray.get_json(), stray.get_json()
    _check_answer(document, path, "post", stray)
    forbidden = client.post("/api/v1/sessions", json={}, headers=headers)
    assert forbidden.status_code == 403
    _check_answer(document, "/api/v1/sessions", "post", forbidden)
    anonymous = client.post("/api/v1/sessions", json={})
    assert anonymous.status_code == 401
    _check_answer(document, "/api/v1/sessions", "post", anonymous)
