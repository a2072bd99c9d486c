"""Find, count and rank utterances by reading Whoosh's posting lists a block at a time.

Whoosh's matchers take a Python call per posting (``skip_to`` scans a block linearly).
Here a posting list is decoded a block at a time into lists (``whoosh_private``) or read
as arrays (``keys``), candidates come from sorted-array operations done in C, positions
are checked only for them, and only the documents that match are scored (BM25F with
Whoosh's defaults, ``nodes``).
A search has a time budget: once it is spent, it answers with what it surely found.

Measured against Whoosh's own matchers (``searcher.search`` with the same query tree,
filter and scoring, a page of 10, the total and the body/speaker facet counts) at
200,000 utterances of the scaled corpus in 2 segments, best of 7, milliseconds::

    python bench/matching.py --scale 200000 --workdir /tmp/bench-200k --repeats 7

    query               hits   stock   ours  ratio  no column cache  public lengths
    회의록을              606     80.2   30.4    2.6             24.4            46.5
    추가경정예산             69     26.9   11.6    2.3              8.1            13.6
    의사진행 발언          1432    249.6  113.8    2.2            152.8           156.3
    경청                432     27.1    6.9    3.9             11.1            15.8
    누리                911     60.6   16.5    3.7             20.0            29.3
    2016년도             543     95.2   55.6    1.7             25.2            71.0
    OECD               154     24.5   10.2    2.4             10.4            19.2
    oecd 국가             76     20.9   10.6    2.0             11.5             8.3
    "존경하는 국민 여러분"     380    221.7   83.1    2.7             89.0           125.1
    "의석을 정돈해"         504    104.0   37.1    2.8             37.7            45.6
    의사일정 @정의화          75    139.3   34.6    4.0             12.0            20.1
    의원              13088   1039.1   90.9   11.4            185.3           352.8

The machine's 2 cores were shared with three other test runs, so one figure varies by up
to half between runs; over five runs the median ratio stayed 2.1–3.1. Only one query
(의원) matched more than 2,000 utterances. What the figures decided:

- The block-wise matching stays. Stock Whoosh is 1.7–11× slower and over the search
  page's 50 ms (issue 16) on 8 of 12 queries here, at a fifth of the 1,000,000-utterance
  target; ours on 4, the compounds, phrases and common words that issue 16 still has
  to bring down.
- ``ColumnCache`` stays: past 2,000 matches it halved the time (90 against 185 ms). It
  now serves every search (see below).
- Reading a field's lengths whole from Whoosh's length column (``field_lengths``, a
  private read) stays: one document at a time through the public reader costs up to
  four times as much where many documents are scored.

No part measured here failed to pay, so none was deleted.

At a million utterances (issue 16, ``bench/search_speed.py --scale 1000000 --index DIR``)
three costs grew with the index rather than with what a search found, and went:

- every search opened each segment's speaker and body column readers again, and Whoosh
  reads a column's whole offset table when it opens one; ``ColumnCache`` now keeps the
  readers (and the field lengths) of the searcher's segments;
- scoring took a Python loop per matched document and term; scores are now lists
  aligned with the segment's documents, worked out by ``map`` over ``operator``
  functions to the same bits;
- every match became a ranking entry sorted with a Python key; each segment now hands
  over only its best ``first + count``.

That left the median at 53 ms and p95 at 268 ms (with other spellings, ranking tiers and
suggestions), and three more costs went (``python bench/search_speed.py --scale 1000000
--index DIR --engines whoosh``, median / p95 of 68 judged queries run 3 times):

- a column read a document at a time (facets, ranking ties): 4–5 µs a read, hundreds
  of milliseconds for a common word. Columns are now read whole and dictionary-coded
  (``ColumnCache``, warmed by the catch-up thread): 53 / 268 → 33 / 180 ms;
- a candidate looked up in a long list by a Python call each; now a candidate's block is
  found by ``bisect`` in ``map`` and the list narrowed by set operations;
- decoding Whoosh's pickled blocks, some 30 µs each, thousands for a phrase of common
  bigrams (19대, 의사진행발언). Each segment now keeps its common terms as plain arrays
  (``keys``), and a phrase is matched over them by sorted-array searches: 33 / 180 →
  18–19 / 51–56 ms with Python's ``bisect`` over ``array``, → 16–19 / 38–78 ms (six runs;
  the machine's speed varies that much) with numpy's ``searchsorted`` over the mapped
  file, at the cost of the index's size (1.8 → 3.2 GB at a million utterances).

What was left was Python objects per document, and the disk (16–19 / 38–78 → 12–21 /
26–39 ms over four runs, index 3.8 GB):

- a node's documents as Python sets, its scores as lists: building and freeing them
  took about a third of a common phrase's search, and converting them to and from
  arrays tripled a common word's (의원). Documents, scores, norms and facet counts are
  now arrays (``keys``), and only a page's contenders are ranked by date;
- a small segment's mid-common terms decoded from blocks: ``.keys`` now holds every
  term past one block (128 documents), not 1,024;
- a fresh process's first searches waiting for the disk, a few ms a page of ``.keys``:
  the kernel reads the files ahead when an index is prepared (``SegmentKeys.preload``).
"""

import heapq
import threading
from bisect import bisect_left
from collections import Counter
from datetime import timedelta
from functools import partial
from itertools import repeat
from math import log
from operator import neg

from council_app.core.time import now

from .keys import (
    EXTENSION,
    SegmentKeys,
    coded,
    contenders,
    count_codes,
    difference,
    documents,
    every_document,
    intersection,
    norms_by_length,
    occurrence_keys,
    within,
)
from .ranking import K1, PROCEDURAL, B
from .whoosh_private import (
    LENGTHS,
    PostingBlocks,
    column_codes,
    deleted_docs,
    field_lengths,
    posting_blocks,
    segment_file_path,
)

#: A term of fewer documents, not in its segment's ``.keys`` file (rarer than ``KEYS_FROM``,
#: or the segment has none), has its occurrences read whole into keys when a phrase asks
#: for them: up to 8 blocks cost less than checking positions candidate by candidate.
KEYS_READ_BELOW = 1024
#: Documents checked (or scored) between two looks at the clock.
CHECK_EVERY = 128


class OutOfTime(Exception):
    """The search's time is up and what the segment matched so far cannot be trusted."""


class Budget:
    """The time a search may take; once spent, the search answers with what it has."""

    def __init__(self, seconds: float | None = None):
        self._end = now() + timedelta(seconds=seconds) if seconds is not None else None
        #: Set once the time is spent; the answer then covers part of the index.
        self.cut = False

    def spent(self) -> bool:
        """Tell whether the time is up, noting that the answer will be partial."""
        if not self.cut and self._end is not None and now() >= self._end:
            self.cut = True
        return self.cut

    def check(self) -> None:
        """Raise OutOfTime once the time is up."""
        if self.spent():
            raise OutOfTime


class Postings:
    """One term's posting list in one segment, its blocks decoded as they are needed.

    Checking a few candidates against a long list decodes only the blocks they fall in;
    which block a document falls in, and whether it is there, are worked out in C (bisect
    by ``map``, set operations), never by a Python call per document. Documents come and
    go as document arrays (``keys.documents``), as nodes match them.
    """

    def __init__(self, blocks: PostingBlocks):
        self._blocks = blocks
        self._block_of = partial(bisect_left, blocks.last_ids)
        #: Decoded blocks by number: (document numbers, weights, values).
        self._decoded: dict[int, tuple] = {}
        #: The documents of the decoded blocks.
        self._ids: set[int] = set()
        #: Every document holding the term, once the whole list is decoded.
        self._every = None
        # Weights and values by document, filled from the decoded blocks when first asked.
        self._weights: dict[int, float] = {}
        self._values: dict[int, object] = {}
        self._weighed: set[int] = set()
        self._valued: set[int] = set()
        self._keys = None
        #: How many documents hold the term.
        self.frequency = blocks.frequency
        #: The search's time, looked at while a long list is decoded.
        self.budget: Budget | None = None

    @property
    def docs(self):
        """Return every document holding the term, as a document array."""
        if self._every is None:
            self._decode(range(len(self._blocks)))
            self._every = documents(self._ids)
        return self._every

    def narrow(self, candidates):
        """Return the candidates (a document array) that hold the term."""
        if self._every is not None or len(candidates) * 4 > self.frequency:
            return intersection(candidates, self.docs)
        # A candidate holding the term is in the block it falls in, which is decoded.
        wanted = candidates.tolist()
        self._decode(set(map(self._block_of, wanted)))
        return documents(self._ids.intersection(wanted))

    def weights(self, docs) -> list[float]:
        """Return the term's weight in each of docs, which all hold it (as nodes score)."""
        docs = docs.tolist()
        if len(docs) * 4 > self.frequency:
            self.docs  # noqa: B018  (most of the list is wanted: decode it whole)
            blocks = self._decoded.keys()
        else:
            blocks = set(map(self._block_of, docs))
            self._decode(blocks)
        self._fill(self._weights, self._weighed, 1, blocks)
        return list(map(self._weights.get, docs, repeat(0.0)))

    @property
    def keys(self):
        """Return the occurrences as ``keys`` does (for a phrase), if the term is rare here.

        A term held by fewer than ``KEYS_READ_BELOW`` documents is a few blocks, read whole
        at once; a common one (in a segment without a ``.keys`` file) is None: its positions
        are read for the phrase's candidates only.
        """
        if self._keys is None and self.frequency < KEYS_READ_BELOW:
            self.docs  # noqa: B018  (decode every block)
            blocks = [self._decoded[n] for n in range(len(self._blocks))]
            values = [value for block in blocks for value in block[2]]
            self._keys = occurrence_keys(
                [docnum for block in blocks for docnum in block[0]],
                b"".join(values),
                [len(value) // 4 for value in values],  # 4 bytes a position
            )
        return self._keys

    def positions(self, docnum: int) -> list[int] | None:
        """Return the term's positions in a document; None if it does not hold the term."""
        value = self._value(docnum)
        return self._blocks.decode_positions(value) if value is not None else None

    def _value(self, docnum: int):
        found = self._values.get(docnum)
        if found is None:
            block = (self._block_of(docnum),)
            self._decode(block)
            self._fill(self._values, self._valued, 2, block)
            found = self._values.get(docnum)
        return found

    def _decode(self, numbers) -> None:
        count = len(self._blocks)
        for checked, n in enumerate(numbers):
            if n >= count or n in self._decoded:
                continue
            if self.budget is not None and checked % CHECK_EVERY == CHECK_EVERY - 1:
                self.budget.check()
            block = self._decoded[n] = self._blocks.decode(n)
            self._ids.update(block[0])

    def _fill(self, by_doc: dict, filled: set[int], part: int, numbers) -> None:
        # A dict of the blocks' weights or values, built in C a block at a time.
        for n in numbers:
            block = self._decoded.get(n)
            if block is None or n in filled:
                continue
            if block[part] is not None:
                by_doc.update(zip(block[0], block[part], strict=True))
            filled.add(n)


def read_postings(reader, fieldname: str, text) -> Postings | None:
    """Open a term's posting list in one segment; None if the term is not there."""
    blocks = posting_blocks(reader, fieldname, text)
    return Postings(blocks) if blocks is not None else None


class Leaf:
    """One segment while a search runs: its reader, and what was read from it."""

    def __init__(self, reader, offset: int, stats: "Stats", columns: "ColumnCache", budget: Budget):
        self.reader, self.offset, self.stats, self.columns = reader, offset, stats, columns
        self.budget = budget
        #: Above zero while excluded nodes are matched: a part of what they match would
        #: let through documents they should have excluded, so they never stop half-way.
        self.excluding = 0
        self._postings: dict = {}
        self._lengths: dict = {}
        self._norms: dict = {}
        self._last_norms: dict = {}
        #: Per node (the query's nodes live as long as the search): all it matches here,
        #: or the candidates it was last asked about and those of them it matched
        #: (document arrays, never changed: kept as they are).
        self._matched: dict[int, object] = {}
        self._narrowed: dict[int, tuple] = {}

    def postings(self, fieldname: str, text) -> Postings | None:
        """Return a term's posting list here, read once per search."""
        key = (fieldname, text)
        if key not in self._postings:
            segment_keys = self.columns.segment_keys(self.reader)
            postings = None
            if segment_keys is not None:
                tbytes = (
                    text
                    if isinstance(text, bytes)
                    else self.reader.schema[fieldname].to_bytes(text)
                )
                postings = segment_keys.postings(fieldname, tbytes)
            if postings is None:
                postings = read_postings(self.reader, fieldname, text)
            if postings is not None:
                postings.budget = self.budget
            self._postings[key] = postings
        return self._postings[key]

    def docs(self, node):
        """Return the documents a node matches here, worked out once per search."""
        if id(node) not in self._matched:
            self._matched[id(node)] = node.docs(self)
        return self._matched[id(node)]

    def narrow(self, node, candidates):
        """Return the candidates a node matches, reusing what it matched before."""
        matched = self._matched.get(id(node))
        if matched is not None:
            return intersection(matched, candidates)
        known = self._narrowed.get(id(node))
        if known is not None and (candidates is known[0] or within(candidates, known[0])):
            return intersection(known[1], candidates)
        matched = node.narrow(self, candidates)
        self._narrowed[id(node)] = (candidates, matched)
        return matched

    def all_docs(self):
        """Return every document of the segment, deleted ones included."""
        return every_document(self.reader.doc_count_all())

    def length(self, fieldname: str) -> bytes:
        """Return the field's length byte per document."""
        if fieldname not in self._lengths:
            self._lengths[fieldname] = self.columns.lengths(self.reader, fieldname)
        return self._lengths[fieldname]

    def norms_of(self, fieldname: str, docs):
        """Return BM25F's length normalisation of the field in each of docs.

        Every term of a phrase scores the same documents: worked out once for them.
        """
        last = self._last_norms.get(fieldname)
        if last is None or last[0] is not docs:
            norms = norms_by_length(self.norms(fieldname), self.length(fieldname), docs)
            # The array is kept with its norms, so its id cannot pass to another array.
            last = self._last_norms[fieldname] = (docs, norms)
        return last[1]

    def norms(self, fieldname: str) -> list[float]:
        """Return BM25F's length normalisation by length byte (see ``LENGTHS``)."""
        if fieldname not in self._norms:
            average = self.stats.average_length(fieldname)
            self._norms[fieldname] = [K1 * ((1 - B) + B * length / average) for length in LENGTHS]
        return self._norms[fieldname]

    def values(self, fieldname: str, docs) -> list:
        """Return a column's value for each of docs, in their order."""
        codes, table = self.columns.load(self.reader, fieldname)
        found = map(codes.__getitem__, docs)
        return list(map(table.__getitem__, found) if table is not None else found)

    def counts(self, fieldname: str, docs) -> dict:
        """Return how many of docs (a document array) hold each value of a column."""
        codes, table = self.columns.load(self.reader, fieldname)
        if table is None:
            return Counter(map(codes.__getitem__, docs.tolist()))
        return {table[code]: n for code, n in count_codes(codes, docs).items()}

    def having(self, fieldname: str, docs, value):
        """Return, for each of docs (a document array), whether a text column holds value."""
        codes, table = self.columns.load(self.reader, fieldname)
        return coded(codes, docs, table.index(value) if value in table else -1)


class Stats:
    """Whole-index figures for scoring: document count, average lengths, term rarity."""

    def __init__(self, searcher):
        self._searcher = searcher
        self._count = searcher.doc_count_all()
        self._idf: dict = {}
        self._average: dict = {}

    def idf(self, fieldname: str, text) -> float:
        """Return the term's inverse document frequency over the whole index."""
        key = (fieldname, text)
        if key not in self._idf:
            frequency = self._searcher.doc_frequency(fieldname, text)
            self._idf[key] = log(self._count / (frequency + 1)) + 1
        return self._idf[key]

    def average_length(self, fieldname: str) -> float:
        """Return the field's average length."""
        if fieldname not in self._average:
            self._average[fieldname] = self._searcher.avg_field_length(fieldname, 1.0) or 1.0
        return self._average[fieldname]


class ColumnCache:
    """Whole columns and field lengths of segments, kept while the segments are in the index.

    A search reads the body, speaker, kind and date of every document it matches (facets,
    ranking ties). Whoosh's column reader takes a file read per document, which at a
    million utterances cost a common word's search a few hundred milliseconds; a column
    read whole is a code per document (``column_codes``), a few megabytes a column.
    """

    def __init__(self):
        self._columns: dict = {}
        self._lengths: dict = {}
        self._keys: dict = {}
        self._lock = threading.Lock()

    def lengths(self, reader, fieldname: str) -> bytes:
        """Return the field's length byte per document of one segment."""
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._lengths:
            self._lengths[key] = field_lengths(reader, fieldname)
        return self._lengths[key]

    def load(self, reader, fieldname: str) -> tuple:
        """Return a column of one segment whole: (codes, values by code or None)."""
        key = (reader.segment().segment_id(), fieldname)
        found = self._columns.get(key)
        if found is None:
            # The catch-up thread warms the columns while searches may read them.
            with self._lock:
                found = self._columns.get(key)
                if found is None:
                    found = self._columns[key] = column_codes(reader, fieldname)
        return found

    def segment_keys(self, reader) -> SegmentKeys | None:
        """Return the segment's ``.keys`` file, opened once; None if it has none."""
        if reader.segment() is None:
            return None  # an empty index
        key = reader.segment().segment_id()
        if key not in self._keys:
            with self._lock:
                if key not in self._keys:
                    path = segment_file_path(reader, EXTENSION)
                    self._keys[key] = SegmentKeys(path) if path is not None else None
        return self._keys[key]

    def warm(self, searcher, fieldnames) -> int:
        """Read every segment's columns (and ``.keys`` directory) not read yet; return how
        many columns were read."""
        read = 0
        for reader, _ in searcher.reader().leaf_readers():
            if reader.segment() is None:
                continue  # an empty index
            self.segment_keys(reader)
            for fieldname in fieldnames:
                if (reader.segment().segment_id(), fieldname) not in self._columns:
                    self.load(reader, fieldname)
                    read += 1
        return read

    def preload_keys(self) -> int:
        """Have the kernel read ahead the ``.keys`` files opened so far; return how many."""
        with self._lock:
            waiting = [k for k in self._keys.values() if k is not None and not k.preloaded]
        for segment_keys in waiting:
            segment_keys.preload()
        return len(waiting)

    def keep_only(self, segment_ids: set[str]) -> None:
        """Forget the columns of segments that left the index."""
        with self._lock:
            for cache in (self._columns, self._lengths):
                for key in [key for key in cache if key[0] not in segment_ids]:
                    del cache[key]
            # A search still running may hold a mapped file: it is unmapped with its last use.
            for key in [key for key in self._keys if key not in segment_ids]:
                del self._keys[key]


# --- running a search ---------------------------------------------------------------------


class Found:
    """What a search found: the count, the page's documents and the facet counts."""

    def __init__(
        self, total: int, page: list, facets: dict[str, dict[str, int]], partial: bool = False
    ):
        #: Matching documents in all.
        self.total = total
        #: (stored fields, score) of the documents on the requested page, in order.
        self.page = page
        self.facets = facets
        #: The time ran out: the rest of the index was not searched.
        self.partial = partial


def run(
    searcher,
    query,
    filters,
    *,
    sort: str,
    first: int,
    count: int,
    facets,
    columns,
    budget: Budget | None = None,
    demote: bool = False,
):
    """Match query (and filters) in every segment; rank, page and count what matched.

    With ``demote``, procedural turns rank after every other match (``ranking``, signal 1).
    Once the budget is spent, segments not yet searched are left out, and so is the one
    being searched unless what it matched so far is sure to match.
    """
    budget = budget or Budget()
    columns = columns if columns is not None else ColumnCache()
    stats = Stats(searcher)
    facet_counts = {name: Counter() for name in facets}
    total, ranked = 0, []
    for n, (reader, offset) in enumerate(searcher.reader().leaf_readers()):
        # The first segment is always searched, so a search that runs out of time has
        # something to show.
        if n and budget.spent():
            break
        leaf = Leaf(reader, offset, stats, columns, budget)
        try:
            found = _match(leaf, query, filters, sort, first + count, demote)
        except OutOfTime:
            break
        if found is None:
            continue
        docs, entries = found
        for name in facets:
            facet_counts[name].update(leaf.counts(name, docs))
        total += len(docs)
        ranked += entries
    best = heapq.nsmallest(first + count, ranked, key=lambda entry: entry[:-2])[first:]
    page = [
        (entry[-2].reader.stored_fields(entry[-1]), -entry[1] if sort == "relevance" else 0.0)
        for entry in best
    ]
    facets = {name: dict(c) for name, c in facet_counts.items()}
    return Found(total, page, facets, partial=budget.cut)


def _match(leaf: Leaf, query, filters, sort: str, keep: int, demote: bool = False) -> tuple | None:
    """Return one segment's matching documents and the ranking entries of its best ``keep``.

    The best of the whole index are among the best of each segment.
    """
    reader, offset = leaf.reader, leaf.offset
    if filters is not None and filters.estimate(leaf) < query.estimate(leaf):
        docs = leaf.narrow(query, leaf.docs(filters))
    else:
        docs = leaf.docs(query)
        if filters is not None and len(docs):
            docs = leaf.narrow(filters, docs)
    deleted = deleted_docs(reader)
    if deleted:
        docs = difference(docs, documents(deleted))
    if not len(docs):
        return None
    if not keep:
        return docs, []  # only counted (a suggestion's check): nothing to rank
    if sort == "relevance":
        scores = query.scores(leaf, docs)
        demoted = leaf.having("kind", docs, PROCEDURAL) if demote else None
        chosen = contenders(keep, scores, demoted)
        tiers = map(bool, demoted[chosen]) if demote else repeat(False, len(chosen))
        scores, chosen_docs = scores[chosen].tolist(), docs[chosen].tolist()
        dates = map(_Descending, leaf.values("date", chosen_docs))
        # Discussion first (``ranking``); best score first; among equals the newest
        # meeting, then the earlier document.
        best = heapq.nsmallest(keep, zip(tiers, map(neg, scores), dates, chosen_docs, strict=True))
        return docs, [(tier, score, date, offset + d, leaf, d) for tier, score, date, d in best]
    docs_listed = docs.tolist()
    dates = leaf.values("date", docs_listed)
    orders = leaf.values("order", docs_listed)
    # Newest first, then in spoken order, then the earlier document: the greatest of
    # (date, -order, -document).
    best = heapq.nlargest(keep, zip(dates, map(neg, orders), map(neg, docs_listed), strict=True))
    return docs, [
        (_Descending(date), -minus_order, offset - minus_d, leaf, -minus_d)
        for date, minus_order, minus_d in best
    ]


class _Descending:
    """A sort key that orders its text newest (greatest) first."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other):
        return self.text > other.text

    def __eq__(self, other):
        return self.text == other.text
