"""Searching the minutes: read a request, run it on a caught-up index, group what it found."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from ..agenda.models import AgendaEntry, AgendaItem
from ..core import caching
from ..core.commands import read_command, spec
from ..core.errors import RuleViolation
from ..council.models import Body, Council, Member
from ..council.roster import person_of
from ..extensions import db
from ..i18n import N_, date_filter
from ..meetings.models import Meeting
from ..minutes.models import Minutes, MinutesStatus, MinutesVersion, UtteranceKind
from ..sessions.models import CouncilSession
from . import sync
from .index import MAX_PER_PAGE, Hit, IndexMissing, SearchFilters, SearchResult, names_procedure
from .index.compile import needles
from .query import MAX_QUERY_CHARS, QueryError, parse_query
from .snippets import match_pattern

PER_PAGE = 20
#: Items offered in the search form's list when no session is chosen: the newest.
AGENDA_CHOICES = 100
#: Values listed under each facet, the most frequent first; the form's fields reach the rest.
FACET_VALUES = 10
#: Deep pages cost the engine as much as all the pages before them; nobody reads page 500.
MAX_PAGE = 200
MAX_SPEAKER_CHARS = 50
SORTS = {"relevance": N_("관련도순"), "date": N_("최신순")}
#: Which turns a search shows: all (procedural ones after discussion, the default, so
#: nothing is hidden), discussion only (the "절차 발언 포함" box unticked), procedure only.
ALL_KINDS = "all"
KINDS = {ALL_KINDS: N_("모든 발언"), **{kind.value: kind.label for kind in UtteranceKind}}
BAD_KIND = "발언 종류는 all, speech(발언) 또는 procedural(절차 발언)입니다."
BAD_DATE = "날짜는 2024-03-05처럼 입력해 주세요."
BAD_SORT = "정렬은 relevance(관련도순) 또는 date(최신순)입니다."
NO_SUCH_BODY = "그런 위원회가 없습니다. 목록에서 골라 주세요."
SPEAKER_TOO_LONG = f"발언자는 {MAX_SPEAKER_CHARS}자 이하로 입력해 주세요."
QUERY_TOO_LONG = f"검색어는 {MAX_QUERY_CHARS}자 이하로 입력해 주세요."


@dataclass(frozen=True)
class SearchRequest:
    """A search as the page and the API receive it, checked."""

    q: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def has_filters(self) -> bool:
        """Tell whether any filter narrows the search."""
        return self.filters != SearchFilters()

    @property
    def has_folded_filters(self) -> bool:
        """Tell whether a filter of the page's "조건 더하기" fold is set (the kind box is not)."""
        return replace(self.filters, kind=None) != SearchFilters()

    @property
    def is_blank(self) -> bool:
        """Tell whether neither words nor filters were given: nothing to search yet."""
        return not self.q.strip() and not self.has_filters

    def filtered(self, **changes) -> SearchRequest:
        """Return this search with filters changed, from its first page."""
        return replace(self, filters=replace(self.filters, **changes), page=1)

    def as_args(self, **changes) -> dict[str, str | int]:
        """Return the request as query-string arguments, e.g. for the next page's link."""
        request = replace(self, **changes) if changes else self
        f = request.filters
        args = {
            "q": request.q,
            "term": f.term,
            "session": f.session,
            "body": f.body,
            "speaker": f.speaker,
            "member": f.member_id,
            "agenda": f.agenda_item_id,
            "kind": f.kind,
            "from": f.date_from and f.date_from.isoformat(),
            "to": f.date_to and f.date_to.isoformat(),
            "sort": request.sort if request.sort != "relevance" else None,
            "page": request.page if request.page != 1 else None,
            "per_page": request.per_page if request.per_page != PER_PAGE else None,
        }
        return {name: value for name, value in args.items() if value not in (None, "")}


@dataclass(frozen=True)
class SearchArgs:
    """A query string's search arguments as typed; :func:`read_request` checks them together.

    Each field keeps the message the search page has always shown for it.
    """

    # The query parser bounds the words (MAX_QUERY_CHARS after cleaning); this only caps input.
    q: str = spec("검색어", default="", max_length=20 * MAX_QUERY_CHARS, invalid=QUERY_TOO_LONG)
    term: int | None = spec(
        "대수", default=None, minimum=0, invalid="대수에는 숫자를 입력해 주세요."
    )
    session: int | None = spec(
        "회기", default=None, minimum=0, invalid="회기에는 숫자를 입력해 주세요."
    )
    member: int | None = spec(
        "의원", default=None, minimum=0, invalid="의원에는 숫자를 입력해 주세요."
    )
    agenda: int | None = spec(
        "안건", default=None, minimum=0, invalid="안건에는 숫자를 입력해 주세요."
    )
    date_from: date | None = spec("시작 날짜", default=None, invalid=BAD_DATE)
    date_to: date | None = spec("끝 날짜", default=None, invalid=BAD_DATE)
    speaker: str = spec("발언자", default="", max_length=1000, invalid=SPEAKER_TOO_LONG)
    body: str = spec("위원회", default="", max_length=100, invalid=NO_SUCH_BODY)
    sort: str = spec("정렬", default="relevance", max_length=20, invalid=BAD_SORT)
    kind: str = spec("발언 종류", default=ALL_KINDS, max_length=20, invalid=BAD_KIND)
    page: int | None = spec("쪽", default=None, minimum=0, invalid="쪽에는 숫자를 입력해 주세요.")
    per_page: int | None = spec(
        "쪽당 결과 수", default=None, minimum=0, invalid="쪽당 결과 수에는 숫자를 입력해 주세요."
    )


#: ``from`` and ``to`` are Python words, so the fields carry other names.
SEARCH_KEYS = {"date_from": "from", "date_to": "to"}


def read_request(args: Mapping[str, str]) -> SearchRequest:
    """Check a query string's search arguments; raise RuleViolation naming each bad one."""
    given = read_command(SearchArgs, args, keys=SEARCH_KEYS)
    errors: list[tuple[str, str]] = []
    if given.date_from and given.date_to and given.date_from > given.date_to:
        errors.append(("to", "끝 날짜가 시작 날짜보다 앞섭니다."))
    speaker = _clean(given.speaker)
    if len(speaker) > MAX_SPEAKER_CHARS:
        errors.append(("speaker", SPEAKER_TOO_LONG))
    body = _clean(given.body)
    if body and not db.session.scalar(select(Body.id).where(Body.slug == body).limit(1)):
        errors.append(("body", NO_SUCH_BODY))
    if given.sort not in SORTS:
        errors.append(("sort", BAD_SORT))
    if given.kind not in KINDS:
        errors.append(("kind", BAD_KIND))
    page = given.page or 1
    if not 1 <= page <= MAX_PAGE:
        errors.append(("page", f"쪽 번호는 1부터 {MAX_PAGE}까지입니다."))
    per_page = given.per_page or PER_PAGE
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append(("per_page", f"쪽당 결과 수는 1부터 {MAX_PER_PAGE}까지입니다."))
    if errors:
        raise RuleViolation(errors)
    filters = SearchFilters(
        body=body or None,
        speaker=speaker or None,
        member_id=given.member,
        session=given.session,
        term=given.term,
        date_from=given.date_from,
        date_to=given.date_to,
        agenda_item_id=given.agenda,
        kind=None if given.kind == ALL_KINDS else given.kind,
    )
    return SearchRequest(given.q, filters, given.sort, page, per_page)


def page_search(args: Mapping[str, str]) -> tuple[SearchRequest, SearchResult | None]:
    """Read and run the search page's search, with the page's default: discussion only.

    The page's "절차 발언 포함" box is off by default when the query is a topic (issue 21):
    the chair's formulas are left out unless the query asks for procedure or names an
    agenda item (``names_procedure``) or the reader ticks the box. Words only the formulas
    hold show the formulas rather than nothing. The API and the feeds keep every kind unless
    asked (``kind``); they rank the formulas last instead. Raises RuleViolation.
    """
    q = args.get("q", "")
    defaulted = "kind" not in args and bool(q.strip()) and not names_procedure(q)
    if defaulted:
        with_default = MultiDict(args)
        with_default["kind"] = UtteranceKind.SPEECH.value
        search_request = read_request(with_default)
    else:
        search_request = read_request(args)
    if search_request.is_blank:
        return search_request, None
    result = search(search_request)
    if defaulted and not result.total:
        search_request = replace(search_request, filters=replace(search_request.filters, kind=None))
        result = search(search_request)
    return search_request, result


def _clean(value: str) -> str:
    # Control characters would reach the index as part of a name; they name nobody.
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()


def search(request: SearchRequest) -> SearchResult:
    """Run a search on the index as it is, showing only hits of what is public now.

    The search only reads: an index that is behind the database is brought up to date by
    the process's catch-up thread, after this answer. A missing index is created and
    rebuilt there too (meanwhile the answer is empty, marked ``rebuilding``), not here:
    rebuilding a council's whole history takes minutes, far longer than anyone waits for
    a page or a worker is given.
    """
    budget = current_app.config["SEARCH_TIME_BUDGET_SECONDS"]
    index = sync.readable_index()
    try:
        try:
            result = _run(index, request, budget) if index else None
        except IndexMissing:
            sync.recover()
            result = None
        if result is None:
            parse_query(request.q)  # a query that cannot be searched is still refused
    except QueryError as error:
        raise RuleViolation(str(error), "q") from error
    if result is None:
        caching.dont_store()
        return SearchResult(0, [], {}, rebuilding=True)
    rebuilding = index.needs_rebuild()
    # Pending rows: published minutes the index does not hold yet. An answer stored now
    # would miss them until the next change of data, since the catch-up changes none.
    behind = rebuilding or bool(sync.lag(index.cursor()).pending)
    if behind:
        sync.catch_up_later()
    if behind or result.partial:
        caching.dont_store()
    facets = dict(result.facets)
    if facets.get("speaker"):
        facets["speaker"] = one_entry_per_member(facets["speaker"], member_names())
    suggestions = _suggestions(index, request, result)
    return replace(
        result,
        hits=still_public(result.hits),
        facets=facets,
        rebuilding=rebuilding,
        suggestions=suggestions,
    )


def member_names() -> set[str]:
    """Return the names of the council's members (tens of rows)."""
    return set(db.session.scalars(select(Member.name)))


def one_entry_per_member(counts: dict[str, int], names: set[str]) -> dict[str, int]:
    """Count each member once in the speaker facet, whatever title they spoke under.

    ``위원장 김가상`` and ``의장 김가상`` become one ``김가상``, whose link filters by the
    name, so it finds the turns under every title; other speakers stay as labelled.
    """
    merged: Counter[str] = Counter()
    for label, count in counts.items():
        merged[person_of(label, names) or label] += count
    return dict(merged)


def _suggestions(index, request: SearchRequest, result: SearchResult) -> list:
    """Return corrections of the query's words that the minutes hardly hold as typed.

    Few hits of a word as typed is what tells a slip, not few hits of the query: 교육쳥
    finds 129 utterances about 교육 through its morphemes, and none that say 교육쳥.
    """
    if request.page != 1 or not request.q.strip():
        return []
    try:
        suggestions = index.suggest(request.q)
    except IndexMissing:
        # Gone since the search ran: the hits stand, the next search finds it rebuilt.
        sync.recover()
        return []
    if suggestions is None:
        # This process has no speller of the index's words yet: its thread builds one.
        sync.catch_up_later()
        caching.dont_store()
    return suggestions or []


def _run(index, request: SearchRequest, budget: float | None) -> SearchResult:
    return index.search(
        request.q,
        request.filters,
        request.sort,
        request.page,
        request.per_page,
        time_budget=budget,
    )


def still_public(hits: list[Hit]) -> list[Hit]:
    """Keep the hits of minutes that are public now, indexed from the version citizens read.

    The index follows the database through the outbox, but may lag behind it (another
    process holding the index, a crash before the catch-up). Closed material must never
    show meanwhile, so the page's hits are checked against the database; the total and
    facets may then count a few hits that are no longer shown.
    """
    ids = {hit.minutes_id for hit in hits}
    if not ids:
        return hits
    published = MinutesStatus.published()
    current = dict(
        db.session.execute(
            select(MinutesVersion.minutes_id, func.max(MinutesVersion.number))
            .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
            .join(Minutes.meeting)
            .where(
                Minutes.id.in_(ids),
                Minutes.status.in_(published),
                Meeting.public.is_(True),
                # A draft awaiting publication is newer, but citizens read the published one.
                MinutesVersion.published_at.is_not(None),
            )
            .group_by(MinutesVersion.minutes_id)
        ).all()
    )
    return [hit for hit in hits if current.get(hit.minutes_id) == hit.version]


@dataclass
class MeetingHits:
    """The hits of one meeting's minutes, in the order the search ranked them."""

    meeting: Meeting
    minutes_id: int
    hits: list[Hit]


def group_by_meeting(hits: list[Hit]) -> list[MeetingHits]:
    """Group hits by meeting, each group where its first hit ranked."""
    meeting_ids = {hit.meeting_id for hit in hits}
    meetings = {
        m.id: m
        for m in db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(meeting_ids))
            # Each group is headed by the meeting's name: its session's and body's.
            .options(joinedload(Meeting.council_session), joinedload(Meeting.body))
        )
    }
    groups: dict[int, MeetingHits] = {}
    for hit in hits:
        meeting = meetings.get(hit.meeting_id)
        if meeting is not None:
            groups.setdefault(hit.minutes_id, MeetingHits(meeting, hit.minutes_id, [])).hits.append(
                hit
            )
    return list(groups.values())


@dataclass
class Facet:
    """One facet as the page lists it: the most frequent values, and how many are left out."""

    values: list[tuple[str, int]]
    more: int


def top_facets(facets: dict[str, dict[str, int]], filters: SearchFilters) -> dict[str, Facet]:
    """Keep each facet's :data:`FACET_VALUES` most frequent values, and the chosen one.

    A common word is said by hundreds of speakers; listing each with its own link made the
    page several times larger and slower, and nobody reads past the first few.
    """
    chosen = {"body": filters.body, "speaker": filters.speaker, "kind": filters.kind}
    shown = {}
    for name, counts in facets.items():
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        values = ranked[:FACET_VALUES]
        values += [pair for pair in ranked[FACET_VALUES:] if pair[0] == chosen.get(name)]
        shown[name] = Facet(values, len(ranked) - len(values))
    return shown


def body_names(council: Council | None) -> dict[str, str]:
    """Return the bodies' names by slug, for facets and hits."""
    return {b.slug: b.name for b in council.bodies} if council else {}


def filter_choices(
    council: Council | None, filters: SearchFilters | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Return each filter's (value, label) choices: terms, sessions, bodies, members, items.

    The items are those of the chosen session, else the newest :data:`AGENDA_CHOICES`, and
    always the chosen item: ten years hold thousands, which made the page 300 KB of
    options. An older item is searched from its own page's link.
    """
    if council is None:
        return {name: [] for name in ("term", "session", "body", "member", "agenda")}
    filters = filters or SearchFilters()
    published = MinutesStatus.published()
    # Only items that some public, published minutes can speak about; EXISTS rather than a
    # join, so the newest are read off the date index and the reading stops at the limit.
    public_minutes = (
        select(AgendaEntry.id)
        .join(Minutes, Minutes.meeting_id == AgendaEntry.meeting_id)
        .join(Minutes.meeting)
        .where(
            AgendaEntry.item_id == AgendaItem.id,
            Minutes.status.in_(published),
            Meeting.public.is_(True),
        )
    )
    newest = select(AgendaItem.id, AgendaItem.title, AgendaItem.submitted_on).order_by(
        AgendaItem.submitted_on.desc(), AgendaItem.id.desc()
    )
    spoken_of = newest.where(public_minutes.exists())
    if filters.session is not None:
        in_session = select(CouncilSession.id).where(
            CouncilSession.council_id == council.id, CouncilSession.number == filters.session
        )
        items = db.session.execute(
            newest.where(public_minutes.where(Meeting.session_id.in_(in_session)).exists())
        ).all()
    else:
        items = db.session.execute(spoken_of.limit(AGENDA_CHOICES)).all()
    chosen = filters.agenda_item_id
    if chosen is not None and all(row.id != chosen for row in items):
        items += db.session.execute(spoken_of.where(AgendaItem.id == chosen)).all()
    sessions = db.session.scalars(
        select(CouncilSession)
        .where(CouncilSession.council_id == council.id)
        .order_by(CouncilSession.number.desc())
    )
    members = db.session.execute(
        select(Member.id, Member.name).where(Member.council_id == council.id).order_by(Member.name)
    )
    return {
        "term": [(str(t.number), t.label) for t in reversed(council.terms)],
        "session": [(str(s.number), s.name) for s in sessions],
        "body": [(b.slug, b.name) for b in council.bodies],
        "member": [(str(member_id), name) for member_id, name in members],
        "agenda": item_choices(items),
    }


def item_choices(items) -> list[tuple[str, str]]:
    """Label each item by its title and the session that first dealt with it, each item once.

    구정질문 comes every session: the session tells them apart, and the day where one
    session has two items of one title.
    """
    sessions = first_sessions([row.id for row in items])
    labels = {}
    for row in items:
        session_name = sessions.get(row.id)
        labels[row.id] = f"{row.title} ({session_name})" if session_name else row.title
    repeated = Counter(labels.values())
    choices, seen = [], set()
    for row in items:
        if row.id in seen:
            continue
        seen.add(row.id)
        label = labels[row.id]
        if repeated[label] > 1:
            label = f"{label} {date_filter(row.submitted_on)}"
        choices.append((str(row.id), label))
    return choices


def first_sessions(item_ids: list[int]) -> dict[int, str]:
    """Return the name of the session of each item's first public meeting, in one query."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(AgendaEntry.item_id, CouncilSession.number, CouncilSession.kind)
        .join(Meeting, Meeting.id == AgendaEntry.meeting_id)
        .join(CouncilSession, CouncilSession.id == Meeting.session_id)
        .where(AgendaEntry.item_id.in_(item_ids), Meeting.public.is_(True))
        .order_by(AgendaEntry.item_id, Meeting.date, Meeting.id)
    )
    names: dict[int, str] = {}
    for item_id, number, kind in rows:
        names.setdefault(item_id, f"제{number}회 {kind.label}")
    return names


#: The longest search a minutes page reached from the results remembers for the way back.
MAX_BACK_CHARS = 2000


def words_pattern(q: str) -> re.Pattern[str] | None:
    """Return the pattern of a query's words, to mark them on a page reached from a search."""
    try:
        parsed = parse_query(q[: 20 * MAX_QUERY_CHARS])
    except QueryError:
        return None
    return match_pattern(needles(parsed))


def back_args(raw: str) -> dict[str, str] | None:
    """Return the search arguments a link back to the results carries, or None if unusable.

    Only the search page's own arguments pass, checked as the page checks them, so the
    way back can lead nowhere but to a search.
    """
    if not raw or len(raw) > MAX_BACK_CHARS:
        return None
    args = MultiDict(parse_qsl(raw, keep_blank_values=False))
    known = {name: value for name, value in args.items() if name in _BACK_KEYS}
    try:
        return read_request(known).as_args() or None
    except RuleViolation:
        return None


_BACK_KEYS = frozenset(
    {"q", "term", "session", "body", "speaker", "member", "agenda", "from", "to", "sort", "page"}
    | {"per_page", "kind"}
)
