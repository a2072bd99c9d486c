"""What else a search box query names besides words spoken: members, items, sessions, meetings.

``제244회`` names a session, ``제2차 본회의`` a meeting, ``제11호`` or ``의안번호 11`` a bill,
``김가상``, ``김가상 의원`` or ``위원장 김가상`` a member. Reading the query is pure
(:func:`read_query`); :func:`lookup` asks the database, a few rows per block, and lists
no closed meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..agenda.models import AgendaItem
from ..agenda.queries import title_or_number
from ..council.models import Body, Council, Member
from ..extensions import db
from ..meetings.models import Meeting
from ..sessions.models import CouncilSession, SessionKind

#: Rows shown per block: the box is a way in, the pages list the rest.
BLOCK_SIZE = 5
#: Longer input names no member, item or session; the speech search still gets it whole.
MAX_LOOKUP_CHARS = 100
#: Words that go with a member's name and are no part of it.
MEMBER_TITLES = ("부위원장", "위원장", "부의장", "의장", "의원", "위원", "님")
_SESSION = re.compile(r"^제?(\d{1,4})회(정례회|임시회)?$")
_SITTING = re.compile(r"^제?(\d{1,3})차(.*)$")
_BILL = re.compile(r"^(?:의안번호제?(\d{1,6})호?|제?(\d{1,6})호)$")
_NUMBER = re.compile(r"^\d{1,6}$")
_KINDS = {"정례회": SessionKind.REGULAR, "임시회": SessionKind.EXTRAORDINARY}
_NOT_TITLE_WORDS = {"의안번호", "의안", "번호", "안건"}


@dataclass(frozen=True)
class LookupQuery:
    """What a query names, as read from its words."""

    #: Words that may be (part of) a member's name, titles removed.
    names: tuple[str, ...] = ()
    #: Whether a member's title was written (then a name alone is asked for).
    titled: bool = False
    session_number: int | None = None
    session_kind: SessionKind | None = None
    sitting: int | None = None
    #: A body named in the query (본회의, 행정재경위원회, 행재위 …), as written.
    body_words: tuple[str, ...] = ()
    bill_number: int | None = None
    #: Words to find in agenda item titles (the whole query less what named other things).
    title_words: tuple[str, ...] = ()


def read_query(q: str) -> LookupQuery:
    """Read what a query names; nothing for one longer than MAX_LOOKUP_CHARS."""
    q = " ".join(q.split())
    if not q or len(q) > MAX_LOOKUP_CHARS:
        return LookupQuery()
    names: list[str] = []
    titled = False
    session_number = sitting = bill_number = None
    session_kind = None
    body_words: list[str] = []
    title_words: list[str] = []
    words = q.replace('"', " ").split()
    for index, word in enumerate(words):
        if word in _NOT_TITLE_WORDS:
            continue
        if _NUMBER.match(word) and index and words[index - 1] == "의안번호":
            bill_number = int(word)
            continue
        if match := _BILL.match(word):
            bill_number = int(match[1] or match[2])
            continue
        if match := _SESSION.match(word):
            session_number = int(match[1])
            session_kind = _KINDS.get(match[2] or "")
            continue
        if word in _KINDS:
            session_kind = _KINDS[word]
            continue
        if match := _SITTING.match(word):
            sitting = int(match[1])
            if match[2]:
                body_words.append(match[2])
            continue
        if word == "본회의" or word.endswith(("위원회", "특위", "위")) and len(word) >= 2:
            body_words.append(word)
            title_words.append(word)
            continue
        bare = _without_title(word)
        if bare != word:
            titled = True
        if bare:
            names.append(bare)
            title_words.append(word)
    return LookupQuery(
        names=tuple(names),
        titled=titled,
        session_number=session_number,
        session_kind=session_kind,
        sitting=sitting,
        body_words=tuple(body_words),
        bill_number=bill_number,
        # A number names the item, session or meeting; its other words are no title's.
        title_words=()
        if bill_number is not None or session_number is not None or sitting is not None
        else tuple(title_words),
    )


def _without_title(word: str) -> str:
    """Return the word without a member's title before or after the name (의원, 위원장 …)."""
    for title in MEMBER_TITLES:
        if word == title:
            return ""
        if word.endswith(title) and len(word) > len(title) + 1:
            return word[: -len(title)]
        if word.startswith(title) and len(word) > len(title) + 1:
            return word[len(title) :]
    return word


@dataclass
class Lookup:
    """The members, items, sessions and meetings a query names, a few of each."""

    members: list[Member] = field(default_factory=list)
    agenda_items: list[AgendaItem] = field(default_factory=list)
    sessions: list[CouncilSession] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.members or self.agenda_items or self.sessions or self.meetings)


def lookup(council: Council | None, q: str) -> Lookup:
    """Return what the query names in the council, BLOCK_SIZE rows per block at most."""
    wanted = read_query(q)
    found = Lookup()
    if council is None:
        return found
    found.members = _members(council, wanted)
    found.agenda_items = _items(council, wanted)
    found.sessions = _sessions(council, wanted)
    found.meetings = _meetings(council, wanted)
    return found


def _members(council: Council, wanted: LookupQuery) -> list[Member]:
    """Members named whole (김가상), or by the start of the name (김가) when none is whole.

    One query reads both: the box's answer costs a fixed few statements per search.
    """
    names = [n for n in wanted.names if len(n) >= 2][:4]
    if not names:
        return []
    prefix = names[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    candidates = db.session.scalars(
        select(Member)
        .where(
            Member.council_id == council.id,
            or_(Member.name.in_(names), Member.name.like(f"{prefix}%", escape="\\")),
        )
        .order_by(Member.name, Member.id)
        .limit(BLOCK_SIZE * 2)
    ).all()
    exact = [m for m in candidates if m.name in names]
    if exact or len(names) > 1:
        return exact[:BLOCK_SIZE]
    return list(candidates[:BLOCK_SIZE])


def _items(council: Council, wanted: LookupQuery) -> list[AgendaItem]:
    """Items by bill number, else by title words (all of them)."""
    if wanted.bill_number is not None:
        conditions = [AgendaItem.bill_number == wanted.bill_number]
    else:
        words = [w for w in wanted.title_words if len(w) >= 2]
        if not words:
            return []
        conditions = title_or_number(" ".join(words))
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(*conditions)
            .order_by(AgendaItem.submitted_on.desc(), AgendaItem.id.desc())
            .limit(BLOCK_SIZE)
            .options(joinedload(AgendaItem.term))
        )
    )


def _sessions(council: Council, wanted: LookupQuery) -> list[CouncilSession]:
    """The numbered session, if the query names one and names no meeting of it."""
    if wanted.session_number is None or wanted.sitting is not None:
        return []
    stmt = select(CouncilSession).where(
        CouncilSession.council_id == council.id, CouncilSession.number == wanted.session_number
    )
    if wanted.session_kind is not None:
        stmt = stmt.where(CouncilSession.kind == wanted.session_kind)
    return list(db.session.scalars(stmt.limit(BLOCK_SIZE)))


def _meetings(council: Council, wanted: LookupQuery) -> list[Meeting]:
    """Open meetings by sitting number and body, in the named session if any, newest first."""
    if wanted.sitting is None:
        return []
    stmt = (
        select(Meeting)
        .join(CouncilSession, CouncilSession.id == Meeting.session_id)
        .join(Body, Body.id == Meeting.body_id)
        .where(
            CouncilSession.council_id == council.id,
            Meeting.sitting == wanted.sitting,
            Meeting.public.is_(True),
        )
    )
    if wanted.session_number is not None:
        stmt = stmt.where(CouncilSession.number == wanted.session_number)
    bodies = [w for w in wanted.body_words if w]
    if bodies:
        stmt = stmt.where(or_(*(_body_named(word) for word in bodies)))
    return list(
        db.session.scalars(
            stmt.order_by(Meeting.date.desc(), Meeting.id.desc())
            .limit(BLOCK_SIZE)
            .options(joinedload(Meeting.council_session), joinedload(Meeting.body))
        )
    )


def _body_named(word: str):
    """Return the condition that a meeting's body is the one ``word`` names."""
    short = word.removesuffix("위원회").removesuffix("위")
    return or_(Body.name == word, Body.short_name == word, Body.short_name == short)
