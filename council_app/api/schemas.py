"""What the API's requests and answers look like, as JSON Schema for its OpenAPI document.

The one module that imports pydantic. Why pydantic v2 (and not apispec with marshmallow):
one library, whose ``model_json_schema`` writes JSON Schema 2020-12, the dialect OpenAPI 3.1
takes as it is; the answers are described by plain typed classes below, and the requests'
models are *built from the commands* (:func:`command_model`), so the document cannot drift
from what ``core.commands.read_command`` accepts. pydantic never reads a request: input is
checked by the commands alone, as everywhere else in the app.

Answer models forbid keys they do not name (``additionalProperties: false``), so a key a
view adds without documenting it fails tests/api/test_openapi.py.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime as DateTime
from datetime import time as Time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from ..agenda.models import ItemKind, ItemStatus, ProposerKind, Result
from ..core.commands import command_fields
from ..core.inputs import MAX_ID, MAX_NUMBER, MAX_PAGE, PLAN_YEARS
from ..council.models import BodyKind, MembershipRole
from ..meetings.models import MeetingStatus
from ..minutes.attendance import AttendanceStatus
from ..minutes.models import MinutesStatus, UtteranceKind
from ..search.index import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE
from ..search.services import KINDS, SEARCH_KEYS, SORTS, SearchArgs
from ..search.services import MAX_PAGE as SEARCH_MAX_PAGE
from ..sessions.models import SessionKind, SessionStatus

#: A wall-clock time as the API writes and reads it.
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(**constraints: Any) -> Any:
    """Declare a key an answer leaves out when it has nothing to say (never ``null``)."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)


class Answer(BaseModel):
    """An object the API answers with: exactly the keys named here."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """A query string; each field is one optional parameter."""


# --- errors -----------------------------------------------------------------------------------


class Problem(Answer):
    """One thing wrong with a request: the field (or none) and a Korean message."""

    field: str | None = Field(description="The query, body or header key at fault, or null.")
    message: str


class Errors(Answer):
    """Every 4xx answer: what was wrong, one entry a problem."""

    errors: list[Problem] = Field(min_length=1)


class UploadRefused(Answer):
    """An upload refused; when the file was kept but its text could not be read, ``id`` and
    ``file`` name it: send ``text`` with ``source_file`` next."""

    errors: list[Problem] = Field(min_length=1)
    id: int = absent(description="The minutes the file was kept for.")
    file: int = absent(description="The kept file's id, for ``source_file``.")


# --- lists ------------------------------------------------------------------------------------


class Links(Answer):
    """Where this page of a list is, and the pages next to it."""

    self: str
    next: str = absent()
    prev: str = absent()
    first: str = absent()
    last: str = absent()


@functools.cache
def list_of(model: type[BaseModel]) -> type[BaseModel]:
    """Return the list answer ``{"data": [model], "links", "total"}`` for ``model``."""
    return create_model(
        f"{model.__name__}List",
        __base__=Answer,
        __doc__=f"A page of {model.__name__} objects and the total across all pages.",
        data=(list[model], ...),
        links=(Links, ...),
        total=(int, Field(ge=0)),
    )


# --- council ----------------------------------------------------------------------------------


class Body(Answer):
    """The plenary or a committee (OParl Organization)."""

    id: int
    slug: str
    kind: BodyKind
    name: str
    short_name: str | None
    active_from: Date | None
    active_to: Date | None


# --- sessions ---------------------------------------------------------------------------------


class Session(Answer):
    """A session (회기), numbered across the council's history."""

    number: int
    name: str
    kind: SessionKind
    start: Date
    end: Date
    days: int
    status: SessionStatus
    term: int = Field(description="The council's term (대).")
    notice_date: Date | None
    urgent: bool
    convening_change_resolved: bool
    main_items: list[str]
    note: str
    modified: DateTime
    web: str
    meetings: str = Field(description="This session's meetings in the API.")


class SessionChanged(Session):
    """A session just created or changed, with the rules' warnings (nothing was refused)."""

    warnings: list[str]


class Tally(Answer):
    """How many sessions, and how many days they take."""

    count: int
    days: int


class Plan(Answer):
    """A year's sessions, their totals, the ordinance's limits and what is left of them."""

    year: int
    summary: str
    total: Tally
    regular: Tally
    extraordinary: Tally
    limits: dict[str, int]
    remaining: dict[str, int]
    sessions: list[Session]


# --- meetings ---------------------------------------------------------------------------------


class Meeting(Answer):
    """A meeting (회의): one body on one day. A closed meeting's place, note and videos are null."""

    id: int
    name: str
    session: int
    body: str = Field(description="The body's slug.")
    sitting: int | None = Field(description="차수.")
    date: Date
    start: str = Field(pattern=HHMM, description="KST wall-clock time.")
    end: str | None = Field(pattern=HHMM)
    place: str | None
    status: MeetingStatus
    public: bool
    video_url: str | None
    sign_language_video_url: str | None
    video_start: str | None = Field(
        pattern=HHMM, description="KST wall-clock time of the video's first frame."
    )
    note: str | None
    revision: int
    modified: DateTime
    web: str


class MeetingChanged(Meeting):
    """A meeting just scheduled or changed, with the rules' warnings."""

    warnings: list[str]


# --- agenda -----------------------------------------------------------------------------------


class MeetingRef(Answer):
    """A meeting as the agenda mentions it."""

    id: int
    name: str
    date: Date
    organization: str = Field(description="The body's slug.")


class ItemSummary(Answer):
    """An agenda item (OParl Paper) as lists show it."""

    id: int
    reference: str | None = Field(description="의안번호 as shown, e.g. 제11호.")
    bill_number: int | None
    name: str
    kind: ItemKind
    paper_type: str
    status: ItemStatus
    status_label: str
    date: Date = Field(description="접수일.")
    term: int
    modified: DateTime
    web: str


class Named(Answer):
    """A member or body by id and name."""

    id: int
    name: str


class NamedBody(Named):
    """A body by id, name and slug."""

    slug: str


class Proposer(Answer):
    """Who put the item before the council."""

    kind: ProposerKind
    label: str
    lead_member: Named | None
    co_sponsors: list[Named]
    organization: NamedBody | None


class Referral(Answer):
    """An item's referral (회부) to a committee."""

    organization: NamedBody
    referred_on: Date
    modified: DateTime


class Votes(Answer):
    """The vote, where it was counted."""

    yes: int | None
    no: int | None
    abstain: int | None


class Outcome(Answer):
    """What one meeting decided about an item."""

    meeting: MeetingRef
    result: Result
    result_label: str
    votes: Votes
    note: str
    modified: DateTime


class RecordedOutcome(Outcome):
    """An outcome just recorded, with the item it is about."""

    agenda_item: ItemSummary


class Attachment(Answer):
    """A file attached to an item (OParl File)."""

    id: int
    name: str
    mime_type: str
    size: int
    sha256_checksum: str
    modified: DateTime
    access_url: str


class Item(ItemSummary):
    """An agenda item with its proposer, referrals, outcomes and files."""

    summary: str
    proposer: Proposer
    under_direction_of: list[str] = Field(description="Slugs of the committees it went to.")
    referrals: list[Referral]
    outcomes: list[Outcome]
    auxiliary_file: list[Attachment]


class AgendaLine(Answer):
    """A line of a meeting's order of business (OParl AgendaItem)."""

    order: int
    number: str
    name: str
    agenda_item: ItemSummary
    result: Result | None
    result_label: str | None
    modified: DateTime


class KindCount(Answer):
    """Sessions and items of one kind of session."""

    sessions: int
    items: int


class YearCount(Answer):
    """A year's sessions and agenda items, by kind of session."""

    year: int
    sessions: int
    items: int
    regular: KindCount
    extraordinary: KindCount
    text: str


# --- members ----------------------------------------------------------------------------------


class Seat(Answer):
    """A member's seat in a body over a time (OParl Membership)."""

    organization: NamedBody
    role: MembershipRole
    role_label: str = Field(description="위원장, 의장, 위원 …")
    start_date: Date
    end_date: Date | None


class Member(Answer):
    """A council member (OParl Person): only what the council publishes."""

    id: int
    name: str
    party: str | None
    district: str | None
    web: str
    url: str = Field(description="This member in the API.")
    membership: list[Seat]


class MeetingBrief(Answer):
    """A meeting by id, name and day."""

    id: int
    name: str
    date: Date


class Speech(Answer):
    """One public turn the member spoke."""

    meeting: MeetingBrief
    minutes_id: int
    order: int
    anchor: str
    speaker: str = Field(description="The label as printed in the minutes.")
    agenda_heading: str | None
    snippet: str
    web: str


class Speeches(Answer):
    """A page of the member's turns, newest meeting first."""

    data: list[Speech]
    total: int = Field(ge=0)
    links: Links


class Bill(Answer):
    """An item the member proposed (lead) or co-sponsored."""

    id: int
    title: str
    reference: str | None
    role: Literal["lead", "co_sponsor"]
    submitted_on: Date
    status: ItemStatus
    status_label: str
    web: str


class AttendanceYear(Answer):
    """A year's attendance as read from the minutes' closing lists."""

    year: int
    counted: int = Field(ge=0, description="Meetings whose minutes list the member.")
    present: int = Field(ge=0)
    leave: int = Field(ge=0, description="청가.")
    absent: int = Field(ge=0, description="결석.")
    rate: float | None = Field(ge=0, le=1)


class AttendanceLine(Answer):
    """The member's attendance at one meeting."""

    meeting_id: int
    name: str
    date: Date
    status: AttendanceStatus


class Attendance(Answer):
    """Attendance per year and per meeting."""

    years: list[AttendanceYear]
    meetings: list[AttendanceLine]


class MemberDetail(Member):
    """A member with terms, bills, attendance and a page of public speeches."""

    terms: list[int]
    bills: list[Bill]
    attendance: Attendance
    speeches: Speeches


class FoundMember(Answer):
    """A member the query names."""

    id: int
    name: str
    web: str
    speeches: str = Field(description="The search page filtered to the member's turns.")
    url: str


class FoundItem(Answer):
    """An agenda item the query names by title words or number."""

    id: int
    title: str
    reference: str | None
    term: int
    status: ItemStatus
    web: str


class FoundSession(Answer):
    """A session the query names (제244회, 244회 정례회)."""

    id: int
    number: int
    name: str
    start: Date
    end: Date
    web: str


class FoundMeeting(MeetingBrief):
    """A public meeting the query names (제2차 본회의)."""

    web: str


class Lookup(Answer):
    """What a search query names besides words in speeches; closed meetings never."""

    query: str
    members: list[FoundMember]
    agenda_items: list[FoundItem]
    sessions: list[FoundSession]
    meetings: list[FoundMeeting]


# --- minutes ----------------------------------------------------------------------------------


class Finding(Answer):
    """A guard's warning about the draft; publish names its code in ``confirm``."""

    code: str
    message: str
    needs_reason: bool


class Minutes(Answer):
    """Minutes of one meeting, without their turns. Staff also see the draft awaiting publication."""

    id: int
    meeting: int
    status: MinutesStatus
    published_at: DateTime | None
    finalized_at: DateTime | None
    late: bool
    late_reason: str | None
    due: Date
    version: int | None = Field(description="The public version's number.")
    modified: DateTime
    web: str
    draft_version: int = absent(description="Staff only.")
    warnings: list[Finding] = absent(description="Staff only.")


class Utterance(Answer):
    """One speaker's turn."""

    order: int
    speaker: str
    member: int | None
    title: str | None
    text: str
    agenda_heading: str | None
    video_offset: int | None = Field(
        description="Seconds into the meeting's video where the turn starts, when known."
    )


class MinutesDetail(Minutes):
    """Minutes with one page of the current version's speaker turns."""

    total: int = Field(description="Turns in the whole version.")
    links: Links
    utterances: list[Utterance]


class MinutesUploaded(Minutes):
    """Minutes after an upload: the new draft's number of turns."""

    utterances: int


class MinutesRestored(Minutes):
    """Minutes after a restore: the number of the new draft."""

    restored_as: int


class Deadline(Answer):
    """A meeting's publication deadline."""

    meeting_id: int
    meeting_name: str
    body_kind: BodyKind
    meeting_date: Date
    due: Date
    days_left: int = Field(description="Negative: days published late.")
    minutes_id: int | None


# --- search -----------------------------------------------------------------------------------


class Hit(Answer):
    """One matching utterance."""

    minutes_id: int
    meeting_id: int
    order: int
    anchor: str
    speaker: str
    date: Date
    body: str
    snippet: str = Field(description="HTML: the text, escaped, with <mark> around matches.")
    score: float
    kind: UtteranceKind = Field(
        description="procedural: the chair's formulas, time marks, roll calls."
    )
    web: str


class Suggestion(Answer):
    """The query as it was probably meant (이것을 찾으셨나요?), from the words the minutes hold."""

    q: str = Field(examples=["예산"])
    links: Links


class SearchResult(Answer):
    """A page of hits, their total and facets."""

    data: list[Hit]
    facets: dict[str, dict[str, int]]
    total: int
    partial: bool = Field(description="The search ran out of time: the figures are partial.")
    rebuilding: bool = Field(description="The index is being rebuilt.")
    suggestions: list[Suggestion] = Field(
        description="For a query with few or no hits: the most likely correction first."
    )
    links: Links


class Document(BaseModel):
    """This OpenAPI document."""

    model_config = ConfigDict(extra="allow")

    openapi: Literal["3.1.0"]


# --- query strings not read by a command ------------------------------------------------------

Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="쪽 번호.")]


class PageQuery(Query):
    """``page`` of a list."""

    page: Page = absent()


@functools.cache
def paging(max_per_page: int) -> type[BaseModel]:
    """Return the query of a list paged by ``page`` and ``per_page`` up to ``max_per_page``."""
    return create_model(
        f"Paging{max_per_page}",
        __base__=PageQuery,
        per_page=(int, absent(ge=1, le=max_per_page, description="쪽당 개수.")),
    )


class ModifiedSinceQuery(Query):
    """What changed since a moment (``core.inputs.moment_arg``), for a client that syncs."""

    modified_since: DateTime = absent(description="시간대가 있는 ISO 8601 일시.")


class LookupQuery(Query):
    """The words the lookup reads."""

    q: str = absent(max_length=1000, description="검색어 (앞 100자를 읽습니다).")


class YearQuery(Query):
    """A plan year."""

    year: int = absent(ge=PLAN_YEARS[0], le=PLAN_YEARS[-1], description="연도 (기본: 올해).")


class MeetingsQuery(Query):
    """The meetings list's ``body`` (its other filters are the MeetingFilter command's)."""

    body: str = absent(max_length=40, description="회의체 slug.")


class MinutesQuery(Query):
    """The minutes list's filters."""

    meeting: int = absent(ge=0, le=MAX_ID, description="회의 번호.")
    status: MinutesStatus = absent()


class DeadlineStatus(enum.Enum):
    """Which deadlines to list."""

    OVERDUE = "overdue"
    DUE = "due"
    LATE = "late"


class DeadlinesQuery(Query):
    """The deadlines list's filter."""

    status: DeadlineStatus = absent()


# --- requests built from the commands ---------------------------------------------------------


@dataclass(frozen=True)
class BuiltFrom:
    """The commands a request model describes, read with these ``keys`` (and ``partial``)."""

    commands: tuple[type, ...]
    keys: dict[str, str]
    partial: bool


#: Each model :func:`command_model` built, with what it was built from (the tests read them
#: back through ``read_command`` to check the document against it).
BUILT_FROM: dict[type, BuiltFrom] = {}


def _file_part(schema: dict) -> None:
    schema.pop("default", None)
    schema.pop("format", None)
    schema.update(type="string", contentMediaType="application/octet-stream")


def _text_bound(bounds) -> dict:
    """Return a text field's length bound; a command that leaves it to its service (2**31 - 1)
    bounds nothing itself."""
    return {"max_length": bounds.max_length} if bounds.max_length < MAX_ID else {}


def _field_type(kind: Any, field) -> tuple[Any, dict]:
    """Return the annotation and constraints that describe how a command field is read."""
    bounds = field.spec
    if getattr(kind, "__origin__", None) is tuple:
        item_kind = kind.__args__[0]
        if item_kind is int:
            item = Annotated[int, Field(ge=1, le=MAX_ID)]
        else:
            item = Annotated[str, Field(**_text_bound(bounds))]
        return list[item], {"max_length": bounds.max_items}
    if kind is int:
        return int, {"ge": bounds.minimum, "le": MAX_NUMBER}
    if kind is str:
        return str, _text_bound(bounds)
    if kind is Date or kind is bool or isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind, {}
    if kind is Time:
        return str, {"pattern": HHMM}
    raise TypeError(f"no schema for a command field of type {kind!r}")


def command_model(
    *commands: type,
    keys: dict[str, str] | None = None,
    partial: bool = False,
    name: str | None = None,
    overrides: dict[str, Any] | None = None,
    with_file: str | None = None,
) -> type[BaseModel]:
    """Return a model of what ``read_command`` accepts for ``commands`` (one JSON object).

    ``keys`` are the sender's names (as passed to ``read_command``); with ``partial`` nothing
    is required. Each field's Korean label becomes its description. ``overrides`` give the
    type of a field the service checks further than its command; ``with_file`` adds a file
    part of that name (a multipart form).
    """
    keys, overrides = keys or {}, overrides or {}
    fields: dict[str, Any] = {}
    if with_file:
        fields[with_file] = (
            bytes,
            Field(None, json_schema_extra=_file_part, description="올릴 파일"),
        )
    for command in commands:
        for field in command_fields(command):
            annotation, constraints = _field_type(field.kind, field)
            if field.name in overrides:
                annotation, constraints = overrides[field.name], {}
            required = field.required and not partial
            if required and annotation is str:
                constraints["min_length"] = 1
            annotation = Annotated[annotation, Field(**constraints)]
            if field.optional:
                annotation = annotation | None
            info = Field(
                ... if required else None,
                alias=keys.get(field.name, field.name),
                description=field.spec.label,
                json_schema_extra=None if required else _drop_default,
            )
            fields[field.name] = (annotation, info)
    title = name or "".join(c.__name__ for c in commands) + ("Patch" if partial else "")
    model = create_model(title, __doc__=commands[0].__doc__, **fields)
    BUILT_FROM[model] = BuiltFrom(commands, keys, partial)
    return model


def json_schemas(models: list[type[BaseModel]], mode: str) -> tuple[dict, dict]:
    """Return each model's schema (by model) and the shared definitions, referenced under
    ``#/components/schemas/``.
    """
    keyed, definitions = models_json_schema(
        [(m, mode) for m in models], ref_template="#/components/schemas/{model}"
    )
    return {model: schema for (model, _), schema in keyed.items()}, definitions.get("$defs", {})


@functools.cache
def search_query() -> type[BaseModel]:
    """Return the search's query string: the SearchArgs command as ``read_request`` checks it."""
    return command_model(
        SearchArgs,
        keys=SEARCH_KEYS,
        name="SearchQuery",
        overrides={
            "sort": Literal[tuple(SORTS)],
            "kind": Literal[tuple(KINDS)],
            # 0 reads as "not given": the first page, the usual page size.
            "page": Annotated[int, Field(ge=0, le=SEARCH_MAX_PAGE)],
            "per_page": Annotated[int, Field(ge=0, le=SEARCH_MAX_PER_PAGE)],
        },
    )
