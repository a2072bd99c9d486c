"""Keep each node's search index in step with the database, its source of truth.

Only published minutes of public meetings are indexed, one document per utterance, never
a closed passage. Changes reach the index through the outbox rows the services write in
their own transaction, never inside a request: a thread of the process (``catch_up_later``,
woken after each commit by ``minutes_changed``, and every ``SEARCH_POLL_SECONDS`` for
changes made on other nodes) applies them and then merges small segments, as do
``flask search sync`` and a full ``flask search reindex``. A search never writes the index
either: it answers from the index as it is and, if the index is behind, wakes the thread.

Every node keeps its own index. The index records, in the commit of its segments, the id
of the last outbox row it applied (its cursor, ``index/cursor.py``); a node catches up from
there, so a process killed half-way leaves its cursor where its index is. Rows are never
marked done: they are pruned once every node seen lately has applied them, and an index
whose cursor fell behind the pruned rows rebuilds itself.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session, selectinload

from ..core.background import Worker
from ..core.time import now
from ..extensions import db
from ..meetings import order
from ..meetings.models import Meeting
from ..minutes.events import minutes_changed
from ..minutes.headings import item_for_heading
from ..minutes.models import IndexOutbox, Minutes, MinutesStatus, MinutesVersion
from ..sessions.models import CouncilSession
from . import variants
from .index import IndexBusy, IndexMissing, SearchIndex
from .models import IndexNode

#: Where the app keeps this process's index (``app.extensions``).
EXTENSION = "council_search_index"
_WORKER = "council_search_catch_up"


def init_app(app: Flask) -> None:
    """Apply minutes changes to the index as soon as they are committed."""
    app.extensions[EXTENSION] = SearchIndex(
        app.config["SEARCH_INDEX_PATH"],
        variants=variants.load(app.config["SEARCH_ABBREVIATIONS_FILE"]),
    )
    # Processes do not step on each other: the index's write lock orders them.
    app.extensions[_WORKER] = worker = Worker(
        app,
        "search-catch-up",
        _catch_up,
        poll=float(app.config["SEARCH_POLL_SECONDS"] or 0),
        look=_look_for_changes,
        retry_after=RETRY_AFTER,
        first=_open_for_searches,
    )
    minutes_changed.connect(_on_minutes_changed)
    # Started by the first request of each process: gunicorn forks its workers after
    # loading the app, and a thread does not survive a fork.
    app.before_request(worker.start)


def search_index() -> SearchIndex:
    """Return this process's index of the current app, opened, for writing it.

    A missing or unreadable index is created empty and marked for a rebuild, which
    ``bring_up_to_date`` does; it is derived data, never a reason to fail. Requests
    read through ``readable_index``, which creates nothing.
    """
    index: SearchIndex = current_app.extensions[EXTENSION]
    if not index.is_open:
        index.open_or_create()
    return index


def readable_index() -> SearchIndex | None:
    """Return this process's index opened for a search; None while there is none to read.

    A request never creates the index: a missing or unreadable one (or one of another
    schema) is created and rebuilt by the catch-up thread, woken here.
    """
    index: SearchIndex = current_app.extensions[EXTENSION]
    if not index.is_open:
        try:
            current = index.is_current()
            if current:
                index.open()
                # The thread reads the columns and words searches use, not the first search.
                catch_up_later()
        except Exception:
            # Files changing under the check (another process creating the index): not yet.
            current = False
        if not current:
            catch_up_later()
            return None
    return index


def _open_for_searches() -> SearchIndex | None:
    """Open the index, if there is one, so that the thread prepares it for searches.

    On a process's first request, whatever the page, when no server hook did it first
    (``prepare_for_searches``): until the speller is ready no search page can be stored,
    so each one would be searched again. A missing index is built when a search or a
    change first asks for it.
    """
    index: SearchIndex = current_app.extensions[EXTENSION]
    if not index.is_open and not index.exists():
        return None
    return readable_index()


def prepare_for_searches() -> bool:
    """Open the index and read what searches need, now; False if there is no index yet.

    For a server's hook that runs before a worker takes requests (``gunicorn.conf.py``):
    read beside the first pages, it slowed them for seconds. Changes made meanwhile are
    caught up with by the thread ``readable_index`` wakes, as after any start.
    """
    index = _open_for_searches()
    if index is None:
        return False
    _read_for_searches(index)
    return True


def _read_for_searches(index: SearchIndex) -> None:
    """Read what searches read of every match, then the words suggestions come from."""
    index.prepare_columns()
    prepare_speller()


def recover() -> None:
    """Let go of an index whose files went away; the catch-up thread creates it again."""
    index: SearchIndex = current_app.extensions[EXTENSION]
    current_app.logger.warning("search index at %s is gone: rebuilding it", index.path)
    index.close()
    catch_up_later()


def state() -> dict:
    """Report the index for the health check: present, documents, cursor and lag."""
    index = readable_index()
    try:
        documents = index.doc_count() if index else 0
        rebuilding = index is None or index.needs_rebuild()
        cursor = index.cursor() if index else 0
    except IndexMissing:
        recover()
        index, documents, rebuilding, cursor = None, 0, True, 0
    behind = lag(cursor)
    if rebuilding or behind.pending:
        catch_up_later()
    return {
        "exists": index is not None,
        "documents": documents,
        "rebuilding": rebuilding,
        # Not the node's name: it holds the host's name and a path, for no visitor's eyes.
        **behind.as_dict(),
    }


def _on_minutes_changed(minutes_id: int, action: str) -> None:
    if not has_app_context():
        return
    # Never in the request that changed the minutes: indexing them, and the merges a
    # growing index needs, would make publishing slower as the council's history grows.
    # The change is committed with its outbox row; searches check every hit against the
    # database meanwhile (``services.still_public``).
    catch_up_later()


def bring_up_to_date(*, wait: bool = True) -> bool:
    """Rebuild the index if it needs it, then apply the outbox; True if in step.

    The index needs a rebuild when it was created empty or when rows it still needed were
    pruned (it was away longer than ``SEARCH_OUTBOX_KEEP_DAYS``). Without ``wait``,
    return False at once if another process is writing the index. Slow with a large index
    or change: for the catch-up thread and commands, not requests.
    """
    index = search_index()
    try:
        if index.needs_rebuild() or fell_behind(index.cursor()):
            reindex()
        catch_up(wait=wait)
    except IndexBusy:
        if wait:
            raise
        return False
    cursor = index.cursor()
    report(cursor)
    return not lag(cursor).pending


def merge_segments() -> int:
    """Merge the small segments catch-ups leave behind; return how many were merged.

    Never in a request: it rewrites old segments. A busy index is left for the next time.
    """
    try:
        return search_index().merge_segments(wait=False)
    except IndexBusy:
        return 0


def prepare_speller() -> bool:
    """Build this process's spelling suggestions from the index's words, if they changed.

    Never in a request: it reads the whole vocabulary. Until it is done, searches suggest
    from the previous generation's words, or nothing.
    """
    every = current_app.config["SEARCH_SPELLER_REFRESH_SECONDS"]
    return search_index().prepare_speller(every=every)


def catch_up_later() -> None:
    """Have this process's thread bring the index up to date, outside any request."""
    current_app.extensions[_WORKER].submit(_CATCH_UP)


def wait_for_catch_up(timeout: float) -> bool:
    """Wait until this process's thread has nothing left to do; False on timeout."""
    return current_app.extensions[_WORKER].wait(timeout)


def stop_polling(timeout: float) -> bool:
    """Stop this process's thread looking for other nodes' changes; False on timeout."""
    return current_app.extensions[_WORKER].stop(timeout)


#: Asked for by every commit and every search that finds the index behind; one at a time.
_CATCH_UP = "catch up"
#: After a failed catch-up the next try waits this long, however often a search asks.
RETRY_AFTER = timedelta(seconds=60)


def _catch_up(_job: str) -> None:
    bring_up_to_date()
    # After the changes are searchable, not before them.
    merge_segments()
    _read_for_searches(search_index())


def _look_for_changes() -> str | None:
    """Return the catch-up job if the index needs one: other nodes wrote rows, or a rebuild."""
    index = search_index()
    if index.needs_rebuild() or lag(index.cursor()).pending:
        return _CATCH_UP
    return None


# --- documents ---------------------------------------------------------------------------


def is_indexed(minutes: Minutes) -> bool:
    """Tell whether the minutes belong in the index: published, of a public meeting."""
    return minutes.status.is_published and minutes.meeting.public


def documents(minutes: Minutes) -> Iterator[dict]:
    """Yield the index documents of the minutes' published version, closed passages left out."""
    version = minutes.published_version
    if version is None or not is_indexed(minutes):
        return
    meeting = minutes.meeting
    council_session = meeting.council_session
    # The meeting's own session: catch-up reads through one of its own.
    items = order.titles_in_order(meeting, object_session(meeting))
    for turn in version.utterances:
        if turn.closed:
            continue
        yield {
            "uid": f"{minutes.id}:{turn.order}",
            "minutes_id": minutes.id,
            "meeting_id": meeting.id,
            "order": turn.order,
            "version": version.number,
            "text": turn.text,
            "speaker": turn.speaker,
            "member_id": turn.member_id,
            "title": turn.title,
            "body": meeting.body.slug,
            "session": council_session.number,
            "term": council_session.term.number,
            "date": meeting.date,
            "agenda_item_id": item_for_heading(turn.agenda_heading, items),
            "minutes_status": minutes.status.value,
            "kind": turn.kind.value,
        }


def _indexed_minutes(session: Session) -> Iterator[Minutes]:
    """Yield every minutes that belongs in the index, oldest first."""
    stmt = (
        _indexed_select(Minutes)
        .order_by(Minutes.id)
        .options(
            selectinload(Minutes.versions).selectinload(MinutesVersion.utterances),
            selectinload(Minutes.meeting).selectinload(Meeting.body),
            selectinload(Minutes.meeting)
            .selectinload(Meeting.council_session)
            .selectinload(CouncilSession.term),
        )
    )
    # Partitioned, so a council's whole history never sits in memory at once.
    yield from session.scalars(stmt.execution_options(yield_per=20))


# --- the outbox --------------------------------------------------------------------------


def _after(cursor: int):
    return select(IndexOutbox).where(IndexOutbox.id > cursor)


@dataclass(frozen=True)
class Lag:
    """How far a node's index is behind the outbox."""

    cursor: int
    #: The newest outbox row (0: none).
    latest: int
    #: Rows after the cursor, and how old the oldest of them is.
    pending: int
    oldest_pending_at: datetime | None

    def as_dict(self) -> dict:
        """Return the figures for ``/healthz`` and ``search check``."""
        waited = now() - self.oldest_pending_at if self.oldest_pending_at else timedelta(0)
        return {
            "cursor": self.cursor,
            "latest": self.latest,
            "pending": self.pending,
            "lag_seconds": round(max(waited.total_seconds(), 0.0), 1),
        }


def lag(cursor: int, session: Session | None = None) -> Lag:
    """Measure how far ``cursor`` is behind the outbox, in one statement."""
    later = IndexOutbox.id > cursor
    latest, pending, oldest = (
        (session or db.session)
        .execute(
            select(
                func.max(IndexOutbox.id),
                func.count(IndexOutbox.id).filter(later),
                func.min(IndexOutbox.created_at).filter(later),
            )
        )
        .one()
    )
    return Lag(cursor, latest or 0, pending, oldest)


def pending_count(session: Session | None = None) -> int:
    """Count outbox rows this node's index has not applied yet."""
    return lag(search_index().cursor(), session).pending


def catch_up(*, wait: bool = True) -> int:
    """Apply the outbox rows after the index's cursor; return how many were applied.

    Without ``wait``, return 0 at once if another process is writing the index.
    """
    index = search_index()
    # A session of its own: the caller's may be mid-commit (after_commit) or hold
    # changes of its own that must not be committed here.
    with Session(db.engine) as session:
        # Checked before taking the write lock, which every search would contend for.
        if not lag(index.cursor(), session).pending:
            return 0
        try:
            with index.batch(wait=wait) as batch:
                # The cursor and the rows are read under the write lock, so no other
                # process applies the same rows with older data; a change committed after
                # this read has a later row (``minutes.outbox`` keeps ids in commit order).
                rows = session.scalars(_after(index.cursor()).order_by(IndexOutbox.id)).all()
                # The row says that something changed; what the index holds follows
                # the minutes as they are now, so one update per minutes is enough.
                for minutes_id in dict.fromkeys(row.minutes_id for row in rows):
                    minutes = session.get(Minutes, minutes_id)
                    batch.replace_minutes(minutes_id, documents(minutes) if minutes else ())
                if rows:
                    batch.applied_through(rows[-1].id)
        except IndexBusy:
            if wait:
                raise
            return 0
    return len(rows)


def node_name() -> str:
    """Name this node's index: ``SEARCH_NODE_NAME``, or the host and the index's folder."""
    configured = current_app.config.get("SEARCH_NODE_NAME")
    return configured or f"{socket.gethostname()}:{current_app.config['SEARCH_INDEX_PATH']}"


def report(cursor: int) -> None:
    """Record this node's cursor for pruning, then prune what every node has applied."""
    with Session(db.engine) as session:
        node = session.get(IndexNode, node_name())
        if node is None:
            session.add(IndexNode(name=node_name(), cursor=cursor, seen_at=now()))
        else:
            node.cursor, node.seen_at = cursor, now()
        try:
            session.commit()
        except IntegrityError:
            # Another process of this node reported first; its figure is as good.
            session.rollback()
        prune_outbox(session)


#: Rows younger than this stay even when every node applied them: the last day of changes
#: remains to be read when something looks wrong.
PRUNE_AFTER = timedelta(days=1)


def prune_outbox(session: Session) -> int:
    """Delete the rows every node seen lately has applied, older than a day; return how many.

    The row at the lowest cursor stays: the oldest remaining row is how an index finds it
    fell behind the pruned ones (``fell_behind``). A node not seen for
    ``SEARCH_OUTBOX_KEEP_DAYS`` no longer holds rows back; it rebuilds when it returns.
    """
    keep = timedelta(days=current_app.config["SEARCH_OUTBOX_KEEP_DAYS"])
    floor = session.scalar(
        select(func.min(IndexNode.cursor)).where(IndexNode.seen_at >= now() - keep)
    )
    if not floor:
        return 0
    deleted = session.execute(
        delete(IndexOutbox).where(
            IndexOutbox.id < floor, IndexOutbox.created_at < now() - PRUNE_AFTER
        )
    ).rowcount
    session.commit()
    return deleted


def fell_behind(cursor: int, session: Session | None = None) -> bool:
    """Tell whether rows after ``cursor`` were pruned: the index must be rebuilt.

    A row id never used (a rolled-back write) just below the oldest row can make this
    say yes for an index that missed nothing: a rebuild too many, never a change lost.
    """
    oldest = (session or db.session).scalar(select(func.min(IndexOutbox.id)))
    return oldest is not None and cursor < oldest - 1


def reindex(progress: Callable[[int], None] | None = None, *, procs: int = 1) -> int:
    """Rebuild the whole index from the database; return how many utterances it holds.

    ``progress`` is called with 1 after each minutes. The new index's cursor is the last
    outbox row written before the rebuild read the minutes; later rows are applied by the
    next catch-up.
    """
    index: SearchIndex = current_app.extensions[EXTENSION]
    with Session(db.engine) as session:
        last_row = session.scalar(select(func.max(IndexOutbox.id))) or 0

        def all_documents() -> Iterator[dict]:
            for minutes in _indexed_minutes(session):
                yield from documents(minutes)
                if progress:
                    progress(1)

        return index.rebuild(all_documents(), procs=procs, cursor=last_row)


def indexed_minutes_count() -> int:
    """Count the minutes a reindex goes through, for its progress bar."""
    return db.session.scalar(_indexed_select(func.count(Minutes.id)))


def _indexed_select(*columns):
    """Select among the minutes ``is_indexed`` accepts, in SQL."""
    published = MinutesStatus.published()
    return (
        select(*columns)
        .join(Minutes.meeting)
        .where(Minutes.status.in_(published), Meeting.public.is_(True))
    )


# --- drift -------------------------------------------------------------------------------


@dataclass
class Drift:
    """How the index differs from the database, by utterance uid (``<minutes>:<order>``)."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    lag: Lag = field(default_factory=lambda: Lag(0, 0, 0, None))

    @property
    def pending(self) -> int:
        """Outbox rows the index has not applied yet."""
        return self.lag.pending

    @property
    def in_step(self) -> bool:
        """Tell whether the index holds exactly what the database says it should."""
        return not (self.missing or self.extra or self.stale)


def check() -> Drift:
    """Compare the index with the database, utterance by utterance."""
    with Session(db.engine) as session:
        expected = {
            doc["uid"]: (doc["version"], doc["minutes_status"])
            for minutes in _indexed_minutes(session)
            for doc in documents(minutes)
        }
    index = search_index()
    actual = index.fingerprints()
    return Drift(
        missing=sorted(expected.keys() - actual.keys(), key=_uid_key),
        extra=sorted(actual.keys() - expected.keys(), key=_uid_key),
        stale=sorted(
            (uid for uid in expected.keys() & actual.keys() if expected[uid] != actual[uid]),
            key=_uid_key,
        ),
        lag=lag(index.cursor()),
    )


def _uid_key(uid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in uid.split(":"))
