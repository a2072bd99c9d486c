"""Read the OParl endpoint as a client would, checking every object against OParl's schemas."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator, FormatChecker
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from council_app.agenda import services as agenda_services
from council_app.agenda.models import AgendaEntry
from council_app.extensions import db
from council_app.meetings.models import Meeting, MeetingStatus
from council_app.minutes import publication, versions
from council_app.minutes.models import Minutes
from council_app.minutes.publication import PublishMinutes
from tests.corpus import REPO_ROOT

SCHEMAS = REPO_ROOT.parent / "shared" / "standards" / "oparl-1.1" / "schema"
PREFIX = "https://schema.oparl.org/1.1/"
ROOT = "http://localhost/oparl/v1/"

formats = FormatChecker()


@formats.checks("url")
def _is_url(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


@formats.checks("date-time", raises=ValueError)
def _is_moment(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@formats.checks("date", raises=ValueError)
def _is_day(value) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def _validator(path: Path) -> Draft7Validator:
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")), format_checker=formats)


#: One validator per OParl type, from the shared schema files.
VALIDATORS = {path.stem: _validator(path) for path in SCHEMAS.glob("*.json")}

#: A list page as OParl 1.1 (2.5) describes it: data, pagination, links (next until the last).
LIST_PAGE = Draft7Validator(
    {
        "type": "object",
        "required": ["data", "pagination", "links"],
        "properties": {
            "data": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}},
            "pagination": {
                "type": "object",
                "properties": {
                    name: {"type": "integer", "minimum": 0}
                    for name in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
                },
            },
            "links": {
                "type": "object",
                "properties": {
                    name: {"type": "string", "format": "url"}
                    for name in ("first", "prev", "self", "next", "last", "web")
                },
            },
        },
    },
    format_checker=formats,
)


def problems(obj: dict, where: str = "") -> list[str]:
    """Validate an object and every object embedded in it against its type's schema."""
    found: list[str] = []
    kind = obj.get("type", "")
    if not kind.startswith(PREFIX) or kind[len(PREFIX) :] not in VALIDATORS:
        return [f"{where or obj.get('id')}: unknown type {kind!r}"]
    for error in VALIDATORS[kind[len(PREFIX) :]].iter_errors(obj):
        found.append(f"{obj.get('id')}{where} {list(error.path)}: {error.message}")
    if obj.get("deleted"):
        return found
    for key, value in obj.items():
        nested = value if isinstance(value, list) else [value]
        for item in nested:
            if isinstance(item, dict) and "type" in item:
                found += problems(item, f" > {key}")
    return found


def links_in(value) -> list[str]:
    """Return every URL of this endpoint that a value holds, at any depth."""
    if isinstance(value, str):
        return [value] if value.startswith(ROOT) else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in links_in(v)]
    if isinstance(value, list):
        return [u for v in value for u in links_in(v)]
    return []


@pytest.fixture
def oparl_get(client):
    """Return a reader of an OParl URL that checks the status and the CORS header."""

    def get(url: str, status: int = 200) -> dict:
        response = client.get(url)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
        assert response.headers.get("Access-Control-Allow-Origin") == "*", url
        return response.get_json()

    return get


def publish_file(meeting: Meeting, name: str = "본회의 회의록.txt") -> Minutes:
    """Upload a text file as the meeting's minutes (a new version) and publish it, warnings accepted."""
    text = (
        f"{meeting.council_session.name}\n{meeting.body.name}회의록\n(10시00분 개의)\n"
        "○의장 김가상\u2003회의를 시작하겠습니다.\n○이가상 의원\u2003독산동 주차 문제를 묻겠습니다.\n"
        "(10시30분 산회)\n"
    )
    minutes = versions.upload(meeting, data=text.encode(), filename=name).minutes
    draft = minutes.draft_version
    codes = tuple(f.code for f in publication.findings(minutes, draft))
    publication.publish(minutes, PublishMinutes(reason="시험 공개", confirm=codes))
    db.session.commit()
    return minutes


@pytest.fixture
def demo_files(demo):
    """Give two held open demo meetings minutes published from a file, and one item an attachment."""
    with_lines = select(AgendaEntry.meeting_id)
    candidates = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.public.is_(True),
            Meeting.status == MeetingStatus.HELD,
            Meeting.id.in_(with_lines),
            Meeting.id.in_(select(Minutes.meeting_id)),
        )
        .order_by(Meeting.id)
        .limit(2)
    ).all()
    minutes = [publish_file(m) for m in candidates]
    entry = db.session.scalars(select(AgendaEntry).order_by(AgendaEntry.id).limit(1)).one()
    upload = FileStorage(
        stream=io.BytesIO("제안 이유: 주차난 해소\n".encode()),
        filename="제안설명서.txt",
    )
    attachment = agenda_services.attach_file(entry.item, upload)
    db.session.commit()
    return minutes, attachment
