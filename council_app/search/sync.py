"""Keep the search index in step with the database, its source of truth.

Only published minutes of public meetings are indexed, one document per utterance, never
a closed passage. Changes reach the index through the outbox rows the services write in
their own transaction, never inside a request: a thread of the process (``catch_up_later``,
woken after each commit by ``minutes_changed``) applies them and then merges small segments,
as do ``flask search sync`` and a full ``flask search reindex``. A search never writes the
index either: it answers from the index as it is and, if the index is behind, asks the
thread to catch up. A row is marked processed only once the index has committed its
change, so a process killed half-way leaves the row for the next one.

The module runs past 400 lines because the outbox rules and the thread that applies them
change together; per-node cursors (several app servers, issue 17) will split the two.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, object_session, selectinload

from ..core.time import now
from ..extensions import db
from ..meetings import order
from ..meetings.models import Meeting
from ..minutes.events import minutes_changed
from ..minutes.headings import item_for_heading
from ..minutes.models import IndexOutbox, Minutes, MinutesStatus, MinutesVersion
from ..sessions.models import CouncilSession
from .index import IndexBusy, IndexMissing, SearchIndex

_EXTENSION = "council_search_index"
_WORKER = "council_search_catch_up"


def init_app(app: Flask) -> None:
    """Apply minutes changes to the index as soon as they are committed."""
    app.extensions[_EXTENSION] = SearchIndex(app.config["SEARCH_INDEX_PATH"])
    app.extensions[_WORKER] = CatchUpThread(app)
    minutes_changed.connect(_on_minutes_changed)


def search_index() -> SearchIndex:
    """Return this process's index of the current app, opened, for writing it.

    A missing or unreadable index is created empty and marked for a rebuild, which
    ``bring_up_to_date`` does; it is derived data, never a reason to fail. Requests
    read through ``readable_index``, which creates nothing.
    """
    index: SearchIndex = current_app.extensions[_EXTENSION]
    if not index.is_open:
        index.open_or_create()
    return index


def readable_index() -> SearchIndex | None:
    """Return this process's index opened for a search; None while there is none to read.

    A request never creates the index: a missing or unreadable one (or one of another
    schema) is created and rebuilt by the catch-up thread, woken here.
    """
    index: SearchIndex = current_app.extensions[_EXTENSION]
    if not index.is_open:
        try:
            current = index.is_current()
            if current:
                index.open()
        except Exception:
            # Files changing under the check (another process creating the index): not yet.
            current = False
        if not current:
            catch_up_later()
            return None
    return index


def recover() -> None:
    """Let go of an index whose files went away; the catch-up thread creates it again."""
    index: SearchIndex = current_app.extensions[_EXTENSION]
    current_app.logger.warning("search index at %s is gone: rebuilding it", index.path)
    index.close()
    catch_up_later()


def state() -> dict:
    """Report the index for the health check: present, documents, outbox rows pending."""
    index = readable_index()
    try:
        documents = index.doc_count() if index else 0
        rebuilding = index is None or index.needs_rebuild()
    except IndexMissing:
        recover()
        index, documents, rebuilding = None, 0, True
    pending = pending_count()
    if rebuilding or pending:
        catch_up_later()
    return {
        "exists": index is not None,
        "documents": documents,
        "pending": pending,
        "rebuilding": rebuilding,
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
    """Rebuild the index if it is marked for it, then apply the outbox; True if in step.

    Without ``wait``, return False at once if another process is writing the index.
    Slow with a large index or change: for the catch-up thread and commands, not requests.
    """
    index = search_index()
    try:
        if index.needs_rebuild():
            reindex()
        catch_up(wait=wait)
    except IndexBusy:
        if wait:
            raise
        return False
    # Without ``wait``, a busy index leaves the rows where they were.
    with Session(db.engine) as session:
        return not pending_count(session)


def merge_segments() -> int:
    """Merge the small segments catch-ups leave behind; return how many were merged.

    Never in a request: it rewrites old segments. A busy index is left for the next time.
    """
    try:
        return search_index().merge_segments(wait=False)
    except IndexBusy:
        return 0


def catch_up_later() -> None:
    """Have this process's thread bring the index up to date, outside any request."""
    current_app.extensions[_WORKER].wake()


def wait_for_catch_up(timeout: float) -> bool:
    """Wait until this process's thread has nothing left to do; False on timeout."""
    return current_app.extensions[_WORKER].wait(timeout)


class CatchUpThread:
    """A thread per process that brings the index up to date, started when there is work.

    It runs while changes keep coming and then ends, so an idle process holds no thread.
    Processes do not step on each other: the index's write lock orders them.
    """

    #: After a failure, the next try waits this long, however often a search asks.
    RETRY_AFTER = timedelta(seconds=60)

    def __init__(self, app: Flask):
        self._app = app
        self._lock = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._failed_at: datetime | None = None

    def wake(self) -> None:
        """Ask for a catch-up; start the thread if it is not running in this process."""
        with self._lock:
            if self._failed_at is not None and now() - self._failed_at < self.RETRY_AFTER:
                return
            self._wanted = True
            # A thread does not survive a fork: a forked worker starts its own.
            if self._thread is None or not self._thread.is_alive():
                self._idle.clear()
                self._thread = threading.Thread(
                    target=self._run, name="search-catch-up", daemon=True
                )
                self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Wait until the thread has ended; False on timeout."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    self._idle.set()
                    return
                self._wanted = False
            with self._app.app_context():
                try:
                    bring_up_to_date()
                    # After the changes are searchable, not before them.
                    merge_segments()
                    self._failed_at = None
                except Exception:
                    self._failed_at = now()
                    self._app.logger.exception("search index: catching up failed")


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


_pending = select(IndexOutbox).where(IndexOutbox.processed_at.is_(None))


def pending_count(session: Session | None = None) -> int:
    """Count outbox rows the index has not applied yet."""
    return (session or db.session).scalar(_pending.with_only_columns(func.count()))


def catch_up(*, wait: bool = True) -> int:
    """Apply every unprocessed outbox row to the index; return how many were applied.

    Without ``wait``, return 0 at once if another process is writing the index.
    """
    index = search_index()
    # A session of its own: the caller's may be mid-commit (after_commit) or hold
    # changes of its own that must not be committed here.
    with Session(db.engine) as session:
        # Checked before taking the write lock, which every search would contend for.
        if not session.scalar(_pending.with_only_columns(func.count())):
            return 0
        try:
            with index.batch(wait=wait) as batch:
                # Read under the write lock, so no other process applies the same rows
                # with older data; a change committed after this read has a later row.
                rows = session.scalars(_pending.order_by(IndexOutbox.id)).all()
                # The row says that something changed; what the index holds follows
                # the minutes as they are now, so one update per minutes is enough.
                for minutes_id in dict.fromkeys(row.minutes_id for row in rows):
                    minutes = session.get(Minutes, minutes_id)
                    batch.replace_minutes(minutes_id, documents(minutes) if minutes else ())
        except IndexBusy:
            if wait:
                raise
            return 0
        _mark_processed(session, [row.id for row in rows])
    return len(rows)


def _mark_processed(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(IndexOutbox).where(IndexOutbox.id.in_(ids)).values(processed_at=now())
        )
        session.commit()


def reindex(progress: Callable[[int], None] | None = None, *, procs: int = 1) -> int:
    """Rebuild the whole index from the database; return how many utterances it holds.

    ``progress`` is called with 1 after each minutes. Outbox rows written before the
    rebuild started are marked processed; later ones are applied by the next catch-up.
    """
    index: SearchIndex = current_app.extensions[_EXTENSION]
    with Session(db.engine) as session:
        last_row = session.scalar(select(func.max(IndexOutbox.id))) or 0

        def all_documents() -> Iterator[dict]:
            for minutes in _indexed_minutes(session):
                yield from documents(minutes)
                if progress:
                    progress(1)

        count = index.rebuild(all_documents(), procs=procs)
        pending = select(IndexOutbox.id).where(
            IndexOutbox.processed_at.is_(None), IndexOutbox.id <= last_row
        )
        _mark_processed(session, list(session.scalars(pending)))
    return count


def indexed_minutes_count() -> int:
    """Count the minutes a reindex goes through, for its progress bar."""
    return db.session.scalar(_indexed_select(func.count(Minutes.id)))


def _indexed_select(*columns):
    """Select among the minutes ``is_indexed`` accepts, in SQL."""
    published = [s for s in MinutesStatus if s.is_published]
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
    pending: int = 0

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
    actual = search_index().fingerprints()
    return Drift(
        missing=sorted(expected.keys() - actual.keys(), key=_uid_key),
        extra=sorted(actual.keys() - expected.keys(), key=_uid_key),
        stale=sorted(
            (uid for uid in expected.keys() & actual.keys() if expected[uid] != actual[uid]),
            key=_uid_key,
        ),
        pending=pending_count(),
    )


def _uid_key(uid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in uid.split(":"))
