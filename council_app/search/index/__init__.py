"""Full-text index of minutes utterances; the only package that imports Whoosh.

The rest of the app sees :class:`SearchIndex`, :class:`SearchFilters`,
:class:`SearchResult` and :class:`Hit`, so the engine can be replaced behind them.
``schema`` says what is indexed and how; ``segments`` writes new segments fast and
``batch`` commits them with deletions; ``compile`` turns queries and filters into the
``nodes`` that ``matching`` runs. What they need of Whoosh's private formats is in
``whoosh_private``, which refuses to load with a Whoosh it was not tested with.
"""

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from whoosh import index as whoosh_index
from whoosh.index import LockError

from council_app.core.time import now
from council_app.search import analysis, spelling
from council_app.search.query import parse_query
from council_app.search.snippets import match_pattern, snippet

from . import cursor as cursor_file
from . import matching
from .batch import IndexBatch
from .compile import filter_node, needles, query_node
from .merge import merge_plan, merged_segments
from .ranking import SPEECH, names_procedure
from .schema import build_schema, document, same_schema
from .segments import build_segments
from .whoosh_private import folder_lock, hold_files

WRITE_LOCK_TIMEOUT = 30.0
MAX_PER_PAGE = 100
FACET_FIELDS = ("body", "speaker", "kind")
#: Columns a search reads for every document it matches: facets, ranking ties, date sort.
MATCH_COLUMNS = (*FACET_FIELDS, "date", "order")
SORTS = ("relevance", "date")
#: Tries of a search, or of opening a searcher, while writers replace segments under it.
SEARCH_ATTEMPTS = 3
#: Seconds a suggestion may spend counting where one typed word occurs, and words counted
#: per query at most.
SUGGEST_BUDGET = 0.1
SUGGEST_MAX_COUNTS = 4
#: Up to this many utterances, a search builds the missing speller itself (a few ms).
SPELLER_IN_REQUEST_DOCS = 1_000
#: A file in the index's folder while its content is not yet built from the database.
REBUILD_MARK = "REBUILD_NEEDED"


class IndexBusy(RuntimeError):
    """Another process held the write lock for longer than the timeout."""


class IndexMissing(RuntimeError):
    """The index's files went away under an open index: it has to be created again."""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrictions on a search; None means no restriction."""

    body: str | None = None
    speaker: str | None = None
    member_id: int | None = None
    session: int | None = None
    term: int | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None
    agenda_item_id: int | None = None
    minutes_status: str | None = None
    #: One minutes only (mail alerts look at what was just published).
    minutes_id: int | None = None
    #: Only turns of one kind (``ranking.KINDS``): speech, or procedural.
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching utterance; ``snippet`` is safe HTML."""

    minutes_id: int
    meeting_id: int | None
    order: int
    anchor: str
    speaker: str
    date: str
    body: str
    score: float
    snippet: str
    #: The minutes version the utterance was indexed from.
    version: int | None = None
    #: ``speech``, or ``procedural`` for the chair's formulas, time marks and roll calls.
    kind: str = SPEECH


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits with the total count and body/speaker facet counts."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The search ran out of time: hits, total and facets cover part of the index only.
    partial: bool = False
    #: The index is being rebuilt from the database: some minutes may be missing.
    rebuilding: bool = False
    #: Queries as they were probably meant (``spelling.Suggestion``), for few or no hits.
    suggestions: list = field(default_factory=list)


class SearchIndex:
    """A Whoosh index of utterances in one directory."""

    def __init__(self, path: str | os.PathLike, *, morphemes: bool = True, variants=None):
        self.path = os.fspath(path)
        self.morphemes = morphemes
        #: Other spellings searched beside each query word (``search.variants.Variants``).
        self.variants = variants
        #: Whether a Hangul word also finds Hanja read as it (off: to measure what it adds).
        self.readings = True
        #: The speller of the words of one generation of the index: (generation, speller,
        #: when it was built).
        self._speller: tuple[int, spelling.Speller, datetime] | None = None
        self._speller_lock = threading.Lock()
        self._ix = None
        # One searcher per process, refreshed when a writer commits: opening one reads
        # every segment's metadata, too slow to repeat per query.
        self._searcher = None
        self._searcher_lock = threading.Lock()
        #: Facet and sort columns of the searcher's segments, for searches matching many.
        self._columns = matching.ColumnCache()

    def create(self) -> "SearchIndex":
        """Create an empty index, replacing any index at the path, marked for a rebuild."""
        os.makedirs(self.path, exist_ok=True)
        self._ix = whoosh_index.create_in(self.path, build_schema(self.morphemes))
        with open(os.path.join(self.path, REBUILD_MARK), "w"):
            pass
        return self

    def needs_rebuild(self) -> bool:
        """Tell whether the index was created and not yet filled by ``rebuild``."""
        return os.path.exists(os.path.join(self.path, REBUILD_MARK))

    def open(self) -> "SearchIndex":
        """Open the existing index at the path."""
        for attempt in range(1, SEARCH_ATTEMPTS + 1):
            try:
                self._ix = whoosh_index.open_dir(self.path)
                break
            except FileNotFoundError:
                # A writer deleted the generation found newest a moment ago: read again.
                if attempt == SEARCH_ATTEMPTS:
                    raise
        self.morphemes = "morphs" in self._ix.schema
        return self

    @property
    def is_open(self) -> bool:
        """Tell whether ``create`` or ``open`` was called."""
        return self._ix is not None

    def exists(self) -> bool:
        """Return True if a readable index is present at the path."""
        try:
            return whoosh_index.exists_in(self.path)
        except Exception:
            # An unreadable table of contents: a corrupt index, as good as none.
            return False

    def add_utterances(self, utterances: Iterable[Mapping], *, procs: int = 1) -> int:
        """Add or replace utterances (keyed by uid); return how many were written."""
        with self.batch() as batch:
            return batch.add_utterances(utterances, procs=procs)

    def delete_minutes(self, minutes_id: int) -> int:
        """Remove every utterance of one minutes; return how many were removed."""
        with self.batch() as batch:
            return batch.delete_minutes(minutes_id)

    @contextmanager
    def batch(self, *, wait: bool = True) -> Iterator["IndexBatch"]:
        """Hold the write lock for several changes, committed together at the end.

        Readers see all of the changes or none. Without ``wait``, raise IndexBusy at once
        when another process is writing.
        """
        writer = self._writer(timeout=WRITE_LOCK_TIMEOUT if wait else 0.0)
        batch = IndexBatch(self._ix, writer, self.morphemes, self._commit)
        try:
            yield batch
        except BaseException:
            writer.cancel()
            raise
        batch.commit()

    def open_or_create(self) -> bool:
        """Open the index, creating an empty one if there is none, or none of this version's
        schema; return True if created.

        Processes starting together agree on one creator: a second ``create`` would delete
        the files the first one's writer is filling.
        """
        os.makedirs(self.path, exist_ok=True)
        lock = folder_lock(self.path, "CREATE_LOCK")
        lock.acquire(blocking=True)
        try:
            if self.is_current():
                self.open()
                return False
            self.create()
            return True
        finally:
            lock.release()

    def is_current(self) -> bool:
        """Tell whether an index exists at the path, made with this version's schema.

        An index made with other analysis would miss words its queries now look for.
        """
        if not self.exists():
            return False
        return same_schema(whoosh_index.open_dir(self.path).schema, build_schema(self.morphemes))

    def rebuild(self, utterances: Iterable[Mapping], *, procs: int = 1, cursor: int = 0) -> int:
        """Replace the whole content with utterances in one commit; return how many.

        Searchers keep the old content until the commit, so a rebuild never shows an
        empty or half-filled index. With ``procs`` > 1 that many processes analyse.
        ``cursor`` is the last outbox row the utterances were read after.
        """
        if self.is_current():
            self.open()
        else:
            self.create()
        writer = self._writer()
        try:
            docs = (document(utterance, self.morphemes) for utterance in utterances)
            segments = build_segments(self._ix, docs, procs)
        except BaseException:
            writer.cancel()
            raise
        # The new segments replace every old one.
        self._commit(writer, cursor=cursor, mergetype=lambda _writer, _old: segments)
        with suppress(FileNotFoundError):
            os.remove(os.path.join(self.path, REBUILD_MARK))
        return sum(segment.doc_count_all() for segment in segments)

    def merge_segments(self, *, wait: bool = True) -> int:
        """Merge small segments by tiers (see ``merge``); return how many were merged.

        Slow with a large index: for a background step, never a request. Without
        ``wait``, raise IndexBusy at once when another process is writing.
        """
        writer = self._writer(timeout=WRITE_LOCK_TIMEOUT if wait else 0.0)
        try:
            plan = merge_plan(writer.segments)
            replaced = {segment.segment_id() for group in plan for segment in group}
            merged = [
                new for group in plan for new in merged_segments(self._ix, group, self.morphemes)
            ]
        except BaseException:
            writer.cancel()
            raise
        if not plan:
            writer.cancel()
            return 0
        self._commit(
            writer,
            mergetype=lambda _writer, existing: (
                [s for s in existing if s.segment_id() not in replaced] + merged
            ),
        )
        return len(replaced)

    def segment_count(self) -> int:
        """Return how many segments the index has: each one costs every search a little."""
        with self._unless_gone(), self._ix.reader() as reader:
            # An empty index's reader is a leaf without a segment.
            return sum(1 for leaf, _ in reader.leaf_readers() if leaf.segment() is not None)

    def optimize(self) -> None:
        """Merge all segments into one, for faster searches."""
        self._commit(self._writer(), optimize=True)

    def cursor(self) -> int:
        """Return the last outbox row whose change the index holds (0: none, or unknown)."""
        with self._unless_gone():
            return cursor_file.read(self.path, self._ix.latest_generation)

    def doc_count(self) -> int:
        """Return the number of utterances in the index."""
        with self._unless_gone():
            return self._ix.doc_count()

    def ids(self) -> set[str]:
        """Return the uid of every utterance, to compare with the database."""
        return set(self.fingerprints())

    def fingerprints(self) -> dict[str, tuple[int | None, str]]:
        """Return each utterance's minutes version and status by uid, to find stale ones."""
        found = {}
        with self._unless_gone(), self._ix.reader() as reader:
            # Segment by segment: Whoosh's column across segments misreads documents when
            # a segment without the column comes first (no document had a version).
            for leaf, _ in reader.leaf_readers():
                if not leaf.doc_count_all():
                    continue
                uids, versions, statuses = (
                    leaf.column_reader(name) for name in ("uid", "version", "minutes_status")
                )
                found |= {uids[n]: (versions[n] or None, statuses[n]) for n in leaf.all_doc_ids()}
        return found

    def search(
        self,
        q: str = "",
        filters: SearchFilters | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        time_budget: float | None = None,
    ) -> SearchResult:
        """Run a query string; raise QueryError for input that cannot be searched.

        By relevance, procedural turns come after discussion unless the query is about
        procedure or the filters ask for one kind (see ``ranking``).

        After ``time_budget`` seconds the search stops and answers with what it found so
        far, marked ``partial``; IndexMissing when the index's files are gone.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {SORTS}")
        parsed = parse_query(q)
        plain = query_node(parsed, self.morphemes, self.variants)
        if plain is None:
            return SearchResult(0, [], {})
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        with self._unless_gone(), self._searcher_lock:
            for attempt in range(SEARCH_ATTEMPTS):
                searcher = self._current_searcher()
                try:
                    # Hanja readings are searched only where some text had Hanja: elsewhere
                    # the exact-hit bonus would only change the scores.
                    query = plain
                    if self.readings and searcher.field_length("readings") > 0:
                        query = query_node(parsed, self.morphemes, self.variants, readings=True)
                    found = matching.run(
                        searcher,
                        query,
                        filter_node(searcher.schema, filters),
                        sort=sort,
                        first=(max(page, 1) - 1) * per_page,
                        count=per_page,
                        facets=FACET_FIELDS,
                        columns=self._columns,
                        budget=matching.Budget(time_budget),
                        demote=(filters is None or filters.kind is None) and not names_procedure(q),
                    )
                    break
                except Exception:
                    # A writer that merged segments away deleted their files; whatever
                    # broke on the way, the next generation of the index is whole.
                    if searcher.up_to_date() or attempt == SEARCH_ATTEMPTS - 1:
                        raise
        pattern = match_pattern(needles(parsed, self.variants))
        hits = [_hit(fields, score, pattern) for fields, score in found.page]
        return SearchResult(found.total, hits, found.facets, partial=found.partial)

    def suggest(self, q: str, limit: int = 3) -> list[spelling.Suggestion] | None:
        """Return the query as it was probably meant, from the index's own words.

        None while this process has no speller yet (``prepare_speller`` builds it, outside
        requests, but for an index of at most ``SPELLER_IN_REQUEST_DOCS`` utterances); a
        speller of an older generation serves until the new one is ready.
        Only queries of plain words are corrected. Work is bounded by the query's words.
        """
        built = self._speller
        if built is None and self.doc_count() <= SPELLER_IN_REQUEST_DOCS:
            # A small index's words are read in a few milliseconds: no need to wait.
            self.prepare_speller()
            built = self._speller
        if built is None:
            return None
        parsed = parse_query(q)
        terms = [term for clause in parsed.clauses for term in clause.terms]
        plain = all(len(c.terms) == 1 and not c.negated for c in parsed.clauses) and not any(
            term.phrase or term.prefix for term in terms
        )
        if not terms or not plain:
            return []
        counted: dict[str, int] = {}
        with self._unless_gone(), self._searcher_lock:
            searcher = self._current_searcher()

            def occurrences(word: str) -> int:
                # Each count is a phrase search: a few per query, then a word is taken
                # as known, so a long query's suggestions never cost many searches.
                if word not in counted:
                    if len(counted) >= SUGGEST_MAX_COUNTS:
                        return spelling.MIN_FREQUENCY
                    counted[word] = self._occurrences(searcher, word)
                return counted[word]

            fields = self._vocabulary_fields()
            return spelling.suggest(
                [term.text for term in terms],
                built[1],
                lambda word: max(searcher.doc_frequency(name, word) for name in fields),
                analysis.strip_suffix,
                limit,
                occurrences=occurrences,
            )

    def _vocabulary_fields(self) -> tuple[str, ...]:
        """Return the fields whose terms are words: the words as written, and morphemes
        (예산 of 예산결산특별위원회), which mecab finds inside compounds."""
        return ("words", "morphs") if self.morphemes else ("words",)

    def _occurrences(self, searcher, word: str) -> int:
        """Return how many utterances hold a word as typed, inside longer words too."""
        query = query_node(parse_query(f'"{word}"'), morphemes=False)
        if query is None:
            return 0
        found = matching.run(
            searcher,
            query,
            None,
            sort="relevance",
            first=0,
            count=0,
            facets=(),
            columns=self._columns,
            budget=matching.Budget(SUGGEST_BUDGET),
        )
        return found.total

    def prepare_speller(self, *, every: float = 0.0) -> bool:
        """Build the speller from the words of the index's latest generation; True if built.

        Reads the whole vocabulary: for the catch-up thread, never a request (but for a
        small index). A speller younger than ``every`` seconds is kept: the vocabulary of
        a large council barely changes with one publication, and reading it takes seconds.
        """
        with self._speller_lock, self._unless_gone():
            generation = self._ix.latest_generation()
            if self._speller is not None:
                built_generation, _speller, built_at = self._speller
                fresh = now() - built_at < timedelta(seconds=every)
                if built_generation == generation or fresh:
                    return False
            frequencies: dict[str, int] = {}
            with self._ix.reader() as reader:
                for fieldname in self._vocabulary_fields():
                    # Segment by segment: each reads its terms in order, where the whole
                    # index's reader looks every term up in every segment (8 s against
                    # about 2 at 200,000 utterances). A word's count is their sum.
                    counts: dict[bytes, int] = {}
                    for segment, _offset in reader.leaf_readers():
                        for term, info in segment.iter_field(fieldname):
                            counts[term] = counts.get(term, 0) + info.doc_frequency()
                    for term, count in counts.items():
                        word = term.decode()
                        frequencies[word] = max(frequencies.get(word, 0), count)
            speller = spelling.Speller(frequencies.items())
            self._speller = (generation, speller, now())
            return True

    def prepare_columns(self) -> int:
        """Read whole the columns searches read, and the directories of the segments'
        ``.keys`` files, for segments not read yet, then bring those files into memory;
        return how many columns were read.

        For the catch-up thread: at a million utterances the columns take about two
        seconds and the files some more, which the first searches after a start or a
        merge would otherwise pay.
        """
        with self._unless_gone(), self._searcher_lock:
            read = self._columns.warm(self._current_searcher(), MATCH_COLUMNS)
        # Outside the searcher's lock: searches go on while the files are read.
        self._columns.preload_keys()
        return read

    @contextmanager
    def _unless_gone(self) -> Iterator[None]:
        """Raise IndexMissing for whatever the engine raises once the index's folder is gone."""
        try:
            yield
        except IndexMissing:
            raise
        except Exception as error:
            if not self.exists():
                raise IndexMissing(f"index at {self.path} is gone") from error
            raise

    def close(self) -> None:
        """Release the open files; ``open`` or ``create`` must come before the next use."""
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self._ix = None

    def _current_searcher(self):
        """Return this process's searcher, reopened if a writer committed since."""
        if self._searcher is None:
            self._searcher = self._open_searcher()
        elif not self._searcher.up_to_date():
            old, self._searcher = self._searcher, self._open_searcher()
            old.close()
            leaves = self._searcher.reader().leaf_readers()
            # An empty index's reader has no segment.
            segments = (reader.segment() for reader, _ in leaves)
            self._columns.keep_only({s.segment_id() for s in segments if s is not None})
        return self._searcher

    def _open_searcher(self):
        """Open a searcher with every file a search reads, retried if a writer was cleaning."""
        attempts = 1
        while True:
            searcher = None
            try:
                # The table of contents too: a writer may delete the generation this
                # process just found to be the newest.
                searcher = self._ix.searcher()
                hold_files(searcher, FACET_FIELDS)
                return searcher
            except FileNotFoundError:
                if searcher is not None:
                    searcher.close()
                if attempts == SEARCH_ATTEMPTS:
                    raise
                attempts += 1

    def _commit(self, writer, *, cursor: int | None = None, **options) -> None:
        """Commit the writer's generation with its cursor: ``cursor``, or the one it follows.

        Under the write lock the next generation is the writer's; its cursor file is
        written first, so the generation and its cursor appear together (see ``cursor``).
        """
        generation = self._ix.latest_generation() + 1
        if cursor is None:
            cursor = self.cursor()
        cursor_file.write(self.path, generation, cursor)
        writer.commit(**options)
        cursor_file.remove_old(self.path, generation)

    def _writer(self, timeout: float = WRITE_LOCK_TIMEOUT):
        """Take the write lock; the writer deletes, merges small segments and commits."""
        try:
            # Not compound: whoosh-reloaded copies a mapped compound segment into a
            # BytesIO, so every searcher would hold the whole index in memory.
            return self._ix.writer(timeout=timeout, delay=0.05, compound=False)
        except LockError as exc:
            raise IndexBusy(f"index at {self.path} is locked by another writer") from exc


def _hit(fields: Mapping, score: float, pattern) -> Hit:
    order = fields["order"]
    return Hit(
        minutes_id=fields["minutes_id"],
        meeting_id=fields.get("meeting_id"),
        order=order,
        anchor=f"u-{order}",
        # The label as the minutes print it (in Hanja, say); the facet shows its reading.
        speaker=fields.get("speaker_label") or fields["speaker"],
        date=fields["date"],
        body=fields["body"],
        score=score,
        snippet=snippet(fields["text"], pattern),
        version=fields.get("version"),
        kind=fields.get("kind") or SPEECH,
    )
