"""Full-text index of minutes utterances; the only module that imports Whoosh.

The rest of the app sees :class:`SearchIndex`, :class:`SearchFilters`,
:class:`SearchResult` and :class:`Hit`, so the engine can be replaced behind them.
"""

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh import writing as whoosh_writing
from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from council_app.search import analysis
from council_app.search.query import ParsedQuery, Term, parse_query
from council_app.search.snippets import match_pattern, snippet

WRITE_LOCK_TIMEOUT = 30.0
#: Postings a writer (and each of its sub-processes) keeps in memory before spilling
#: sorted runs to disk; spilling pickles every posting twice, a quarter of indexing time.
WRITER_POOL_MB = 256
MAX_PER_PAGE = 100
FACET_FIELDS = ("body", "speaker")
_NUMBER_FIELDS = (
    "minutes_id",
    "meeting_id",
    "order",
    "member_id",
    "session",
    "term",
    "agenda_item_id",
    "version",
)


class IndexBusy(RuntimeError):
    """Another process held the write lock for longer than the timeout."""


class _AnalysisTokenizer(Tokenizer):
    """Feed tokens of an ``analysis`` function to Whoosh."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield one reused Whoosh token per analysed token, as Whoosh expects."""
        out = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for token in self.analyse(value, mode == "query"):
            out.text, out.boost, out.stopped = token.text, 1.0, False
            out.pos = start_pos + token.pos
            out.startchar, out.endchar = start_char + token.start, start_char + token.end
            yield out


class BigramTokenizer(_AnalysisTokenizer):
    """Hangul bigrams with consecutive positions; see ``analysis.bigram_tokens``."""

    @staticmethod
    def analyse(value, for_query):
        """Return the bigram tokens of value."""
        return analysis.bigram_tokens(value, for_query=for_query)


class MorphemeTokenizer(_AnalysisTokenizer):
    """Content morphemes; see ``analysis.morpheme_tokens``."""

    @staticmethod
    def analyse(value, for_query):
        """Return the morpheme tokens of value."""
        return analysis.morpheme_tokens(value)


def build_schema(morphemes: bool = True) -> Schema:
    """Return the utterance schema; ``morphemes=False`` leaves out the morpheme field."""
    fields = {
        "uid": ID(unique=True, stored=True, sortable=True),
        "text": TEXT(analyzer=BigramTokenizer(), stored=True),
        "speaker": ID(stored=True, sortable=True),
        "speaker_words": KEYWORD(lowercase=True),
        "title": STORED(),
        "body": ID(stored=True, sortable=True),
        "date": ID(stored=True, sortable=True),
        # Sortable fields are kept in columns, which ``fingerprints`` reads without
        # decompressing every stored document.
        "minutes_status": ID(stored=True, sortable=True),
        **{
            name: NUMERIC(int, bits=64, stored=True, sortable=name in ("order", "version"))
            for name in _NUMBER_FIELDS
        },
    }
    if morphemes:
        # Boosted: a whole-word hit outranks bigrams that merely straddle two words. No
        # positions: phrases are the bigram field's job, and positions cost indexing time.
        fields["morphs"] = TEXT(analyzer=MorphemeTokenizer(), phrase=False, field_boost=2.0)
    return Schema(**fields)


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


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits with the total count and body/speaker facet counts."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchIndex:
    """A Whoosh index of utterances in one directory."""

    def __init__(self, path: str | os.PathLike, *, morphemes: bool = True):
        self.path = os.fspath(path)
        self.morphemes = morphemes
        self._ix = None
        # One searcher per process, refreshed when a writer commits: opening one reads
        # every segment's metadata, too slow to repeat per query.
        self._searcher = None
        self._searcher_lock = threading.Lock()

    def create(self) -> "SearchIndex":
        """Create an empty index, replacing any index at the path."""
        os.makedirs(self.path, exist_ok=True)
        self._ix = whoosh_index.create_in(self.path, build_schema(self.morphemes))
        return self

    def open(self) -> "SearchIndex":
        """Open the existing index at the path."""
        self._ix = whoosh_index.open_dir(self.path)
        self.morphemes = "morphs" in self._ix.schema
        return self

    @property
    def is_open(self) -> bool:
        """Tell whether ``create`` or ``open`` was called."""
        return self._ix is not None

    def exists(self) -> bool:
        """Return True if an index is present at the path."""
        return whoosh_index.exists_in(self.path)

    def add_utterances(self, utterances: Iterable[Mapping], *, procs: int = 1) -> int:
        """Add or replace utterances (keyed by uid); return how many were written."""
        count = 0
        with self._writer(procs) as writer:
            # An empty index has nothing to replace: skip the per-document uid lookup.
            write = writer.update_document if self._ix.doc_count() else writer.add_document
            for utterance in utterances:
                write(**_document(utterance, self.morphemes))
                count += 1
        return count

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
        batch = IndexBatch(writer, self.morphemes)
        try:
            yield batch
        except BaseException:
            writer.cancel()
            raise
        # A commit without changes would still start a new generation, and every
        # process's searcher would reopen for nothing.
        if batch.changed:
            writer.commit()
        else:
            writer.cancel()

    def open_or_create(self) -> bool:
        """Open the index, creating an empty one if there is none; return True if created.

        Processes starting together agree on one creator: a second ``create`` would delete
        the files the first one's writer is filling.
        """
        os.makedirs(self.path, exist_ok=True)
        lock = FileStorage(self.path).lock("CREATE_LOCK")
        lock.acquire(blocking=True)
        try:
            if self.exists():
                self.open()
                return False
            self.create()
            return True
        finally:
            lock.release()

    def rebuild(self, utterances: Iterable[Mapping], *, procs: int = 1) -> int:
        """Replace the whole content with utterances in one commit; return how many.

        Searchers keep the old content until the commit, so a rebuild never shows an
        empty or half-filled index.
        """
        wanted = build_schema(self.morphemes)
        if self.exists() and whoosh_index.open_dir(self.path).schema == wanted:
            self.open()
        else:
            self.create()
        count = 0
        writer = self._writer(procs)
        try:
            for utterance in utterances:
                writer.add_document(**_document(utterance, self.morphemes))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=whoosh_writing.CLEAR)
        return count

    def optimize(self) -> None:
        """Merge all segments into one, for faster searches."""
        self._writer().commit(optimize=True)

    def doc_count(self) -> int:
        """Return the number of utterances in the index."""
        return self._ix.doc_count()

    def ids(self) -> set[str]:
        """Return the uid of every utterance, to compare with the database."""
        return set(self.fingerprints())

    def fingerprints(self) -> dict[str, tuple[int | None, str]]:
        """Return each utterance's minutes version and status by uid, to find stale ones."""
        with self._ix.reader() as reader:
            if not reader.doc_count_all():
                return {}
            uids, versions, statuses = (
                reader.column_reader(name) for name in ("uid", "version", "minutes_status")
            )
            return {uids[n]: (versions[n] or None, statuses[n]) for n in reader.all_doc_ids()}

    def search(
        self,
        q: str = "",
        filters: SearchFilters | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchResult:
        """Run a query string; raise QueryError for input that cannot be searched."""
        parsed = parse_query(q)
        query = self._compile(parsed)
        if query is wq.NullQuery:
            return SearchResult(0, [], {})
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        with self._searcher_lock:
            searcher = self._current_searcher()
            results = searcher.search_page(
                query,
                max(page, 1),
                pagelen=per_page,
                filter=_filter_query(filters),
                sortedby=_sort_facet(sort),
                groupedby={
                    name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACET_FIELDS
                },
            )
            pattern = match_pattern(self._needles(parsed))
            hits = [_hit(hit, pattern, sort == "relevance") for hit in results]
            facets = {name: results.results.groups(name) for name in FACET_FIELDS}
            return SearchResult(results.total, hits, facets)

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
            self._searcher = self._ix.searcher()
        elif not self._searcher.up_to_date():
            old, self._searcher = self._searcher, self._ix.searcher()
            old.close()
        return self._searcher

    def _writer(self, procs: int = 1, timeout: float = WRITE_LOCK_TIMEOUT):
        # Sub-writers of a multiprocess writer keep their own segments: merging them at
        # commit would redo in one process the work just shared between several.
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        # Not compound: whoosh-reloaded copies a mapped compound segment into a BytesIO,
        # so every searcher held the whole index in memory (about 1 GB at 200,000 turns).
        options["compound"] = False
        try:
            return self._ix.writer(timeout=timeout, delay=0.05, limitmb=WRITER_POOL_MB, **options)
        except LockError as exc:
            raise IndexBusy(f"index at {self.path} is locked by another writer") from exc

    def _compile(self, parsed: ParsedQuery):
        """Translate parsed clauses into a Whoosh query; NullQuery if nothing is searchable."""
        if not parsed.clauses:
            return wq.Every()
        required, excluded = [], []
        for clause in parsed.clauses:
            terms = [q for q in map(self._term_query, clause.terms) if q is not None]
            if terms:
                (excluded if clause.negated else required).append(wq.Or(terms))
        if not required:
            return wq.NullQuery
        return wq.And(required + [wq.Not(q) for q in excluded])

    def _term_query(self, term: Term):
        form = analysis.query_form(
            term.text, phrase=term.phrase or term.prefix, morphemes=self.morphemes
        )
        if term.prefix and len(form.bigram_seqs) == 1 and _is_latin_word(form.bigram_seqs[0]):
            return wq.Prefix("text", form.bigram_seqs[0][0])
        alternatives = [_sequence("text", seq) for seq in form.bigram_seqs]
        # The morpheme field has no positions, so it cannot tell a quoted phrase's order.
        if form.morphemes and not term.phrase:
            alternatives.append(wq.And([wq.Term("morphs", m) for m in form.morphemes]))
        return wq.Or(alternatives) if alternatives else None

    def _needles(self, parsed: ParsedQuery) -> list[str]:
        return [
            needle
            for term in parsed.positive_terms
            for needle in analysis.query_form(
                term.text, phrase=term.phrase, morphemes=False
            ).needles
        ]


class IndexBatch:
    """Changes made under one write lock; see :meth:`SearchIndex.batch`."""

    def __init__(self, writer, morphemes: bool):
        self._writer = writer
        self._morphemes = morphemes
        #: Whether anything was asked of the writer, so that there is something to commit.
        self.changed = False

    def delete_minutes(self, minutes_id: int) -> int:
        """Remove every utterance of one minutes; return how many were removed."""
        self.changed = True
        return self._writer.delete_by_query(wq.NumericRange("minutes_id", minutes_id, minutes_id))

    def replace_minutes(self, minutes_id: int, utterances: Iterable[Mapping]) -> int:
        """Put utterances in place of everything indexed for one minutes; return how many."""
        self.delete_minutes(minutes_id)
        count = 0
        for utterance in utterances:
            self._writer.add_document(**_document(utterance, self._morphemes))
            count += 1
        return count


def _is_latin_word(seq: tuple[str, ...]) -> bool:
    return len(seq) == 1 and not any(analysis.is_cjk(ch) for ch in seq[0])


def _sequence(fieldname: str, words: tuple[str, ...]):
    if len(words) == 1:
        return wq.Term(fieldname, words[0])
    return wq.Phrase(fieldname, list(words))


def _document(utterance: Mapping, morphemes: bool) -> dict:
    """Map an utterance dict onto index fields, leaving out missing numbers."""
    text = utterance.get("text") or ""
    speaker = utterance.get("speaker") or ""
    doc = {
        "uid": utterance.get("uid") or f"{utterance['minutes_id']}:{utterance['order']}",
        "text": text,
        "speaker": speaker,
        "speaker_words": speaker,
        "title": utterance.get("title") or "",
        "body": utterance.get("body") or "",
        "date": _iso(utterance.get("date")),
        "minutes_status": utterance.get("minutes_status") or "",
    }
    doc.update(
        {name: int(utterance[name]) for name in _NUMBER_FIELDS if utterance.get(name) is not None}
    )
    if morphemes:
        doc["morphs"] = text
    return doc


def _iso(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _filter_query(filters: SearchFilters | None):
    """Return the Whoosh query of the filters, or None when nothing is filtered."""
    if filters is None:
        return None
    parts = [
        wq.Term(name, value)
        for name in ("body", "minutes_status")
        if (value := getattr(filters, name))
    ]
    parts += [
        wq.NumericRange(name, value, value)
        for name in ("member_id", "session", "term", "agenda_item_id")
        if (value := getattr(filters, name)) is not None
    ]
    if filters.speaker:
        parts += [wq.Term("speaker_words", word) for word in filters.speaker.lower().split()]
    if filters.date_from or filters.date_to:
        parts.append(
            wq.TermRange("date", _iso(filters.date_from) or None, _iso(filters.date_to) or None)
        )
    return wq.And(parts) if parts else None


def _sort_facet(sort: str):
    if sort == "relevance":
        return None
    if sort == "date":
        # Newest meeting first, then the utterances of a meeting in spoken order.
        return sorting.MultiFacet(
            [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("order")]
        )
    raise ValueError(f"unknown sort {sort!r}; use 'relevance' or 'date'")


def _hit(hit, pattern, scored: bool) -> Hit:
    order = hit["order"]
    return Hit(
        minutes_id=hit["minutes_id"],
        meeting_id=hit.get("meeting_id"),
        order=order,
        anchor=f"u-{order}",
        speaker=hit["speaker"],
        date=hit["date"],
        body=hit["body"],
        # Sorted results carry sort keys where scores would be.
        score=float(hit.score) if scored else 0.0,
        snippet=snippet(hit["text"], pattern),
    )
