"""Find, count and rank utterances by reading Whoosh's posting lists a block at a time.

Whoosh's matchers take a Python call per posting (``skip_to`` scans a block linearly).
Here a posting list is decoded a block at a time into lists (``whoosh_private``),
candidates come from set operations done in C, positions are checked only for them,
and only the documents that match are scored (BM25F with Whoosh's defaults, ``nodes``).
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
- ``ColumnCache`` stays: only a search past ``COLUMN_CACHE_FROM`` matches uses it, and
  there it halves the time (90 against 185 ms); below it both columns run the same code.
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
"""

import heapq
from bisect import bisect_left
from collections import Counter
from datetime import timedelta
from itertools import repeat
from math import log
from operator import neg

from council_app.core.time import now

from .ranking import K1, PROCEDURAL, B
from .whoosh_private import LENGTHS, PostingBlocks, deleted_docs, field_lengths, posting_blocks

#: Beyond this many matches, facet and sort values are read from a whole cached column
#: rather than document by document.
COLUMN_CACHE_FROM = 2_000
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

    Checking a few candidates against a long list decodes only the blocks they fall in.
    """

    def __init__(self, blocks: PostingBlocks):
        self._blocks = blocks
        self._last_ids = blocks.last_ids
        self._decoded: dict[int, tuple] = {}
        self._found: dict[int, tuple | None] = {}
        self._docs: set[int] | None = None
        self._weights: dict[int, float] | None = None
        self._values: dict[int, object] | None = None
        #: How many documents hold the term.
        self.frequency = blocks.frequency
        #: The search's time, looked at while a long list is decoded.
        self.budget: Budget | None = None

    @property
    def docs(self) -> set[int]:
        """Return every document holding the term."""
        if self._docs is None:
            docs = set()
            for n in range(len(self._blocks)):
                if self.budget is not None and n % CHECK_EVERY == CHECK_EVERY - 1:
                    self.budget.check()
                docs.update(self._block(n)[0])
            self._docs = docs
        return self._docs

    def narrow(self, candidates: set[int]) -> set[int]:
        """Return the candidates that hold the term."""
        if self._docs is not None or len(candidates) * 4 > self.frequency:
            return candidates & self.docs
        return {docnum for docnum in candidates if self.find(docnum) is not None}

    def weights(self, docs: list[int]) -> list[float]:
        """Return the term's weight in each of docs, 0 where it is absent."""
        if self._weights is None and len(docs) * 4 > self.frequency:
            # Most of the list is wanted: one dict of it, built in C, a block at a time.
            weights: dict[int, float] = {}
            for n in range(len(self._blocks)):
                ids, block_weights, _ = self._block(n)
                weights.update(zip(ids, block_weights, strict=True))
            self._weights = weights
        if self._weights is not None:
            return list(map(self._weights.get, docs, repeat(0.0)))
        return [found[0] if (found := self.find(docnum)) else 0.0 for docnum in docs]

    def value(self, docnum: int):
        """Return the value (positions) of a document known to hold the term."""
        if self._docs is not None:
            # The whole list is decoded: one dict of values, built in C, a block at a time.
            if self._values is None:
                self._values = {}
                for n in range(len(self._blocks)):
                    ids, _, values = self._block(n)
                    self._values.update(zip(ids, values, strict=True))
            return self._values[docnum]
        return self.find(docnum)[1]

    def find(self, docnum: int) -> tuple[float, object] | None:
        """Return a document's (weight, value), or None if it does not hold the term."""
        try:
            return self._found[docnum]
        except KeyError:
            pass
        found = None
        n = bisect_left(self._last_ids, docnum)
        if n < len(self._blocks):
            ids, weights, values = self._block(n)
            i = bisect_left(ids, docnum)
            if i < len(ids) and ids[i] == docnum:
                found = (weights[i], values[i] if values is not None else None)
        # Scoring asks again for the documents that matching found.
        self._found[docnum] = found
        return found

    def _block(self, n: int) -> tuple:
        if n not in self._decoded:
            self._decoded[n] = self._blocks.decode(n)
        return self._decoded[n]


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
        #: Per node (the query's nodes live as long as the search): all it matches here,
        #: or the candidates it was last asked about and those of them it matched.
        self._matched: dict[int, set[int]] = {}
        self._narrowed: dict[int, tuple[set[int], set[int]]] = {}

    def postings(self, fieldname: str, text) -> Postings | None:
        """Return a term's posting list here, read once per search."""
        key = (fieldname, text)
        if key not in self._postings:
            postings = read_postings(self.reader, fieldname, text)
            if postings is not None:
                postings.budget = self.budget
            self._postings[key] = postings
        return self._postings[key]

    def docs(self, node) -> set[int]:
        """Return the documents a node matches here, worked out once per search."""
        if id(node) not in self._matched:
            self._matched[id(node)] = node.docs(self)
        return self._matched[id(node)]

    def narrow(self, node, candidates: set[int]) -> set[int]:
        """Return the candidates a node matches, reusing what it matched before."""
        matched = self._matched.get(id(node))
        if matched is not None:
            return matched & candidates
        known = self._narrowed.get(id(node))
        if known is not None and candidates <= known[0]:
            return known[1] & candidates
        matched = node.narrow(self, candidates)
        self._narrowed[id(node)] = (set(candidates), matched)
        return matched

    def all_docs(self) -> set[int]:
        """Return every document of the segment, deleted ones included."""
        return set(range(self.reader.doc_count_all()))

    def length(self, fieldname: str) -> bytes:
        """Return the field's length byte per document."""
        if fieldname not in self._lengths:
            if self.columns is None:
                self._lengths[fieldname] = field_lengths(self.reader, fieldname)
            else:
                self._lengths[fieldname] = self.columns.lengths(self.reader, fieldname)
        return self._lengths[fieldname]

    def lengths_of(self, fieldname: str, docs: list[int]):
        """Return an iterator of the field's length byte in each of docs."""
        return map(self.length(fieldname).__getitem__, docs)

    def norms(self, fieldname: str) -> list[float]:
        """Return BM25F's length normalisation by length byte (see ``LENGTHS``)."""
        if fieldname not in self._norms:
            average = self.stats.average_length(fieldname)
            self._norms[fieldname] = [K1 * ((1 - B) + B * length / average) for length in LENGTHS]
        return self._norms[fieldname]

    def values(self, fieldname: str, docs) -> list:
        """Return a column's value for each of docs, in their order."""
        if len(docs) >= COLUMN_CACHE_FROM:
            column = self.columns.load(self.reader, fieldname)
        elif self.columns is not None:
            column = self.columns.reader(self.reader, fieldname)
        else:
            column = self.reader.column_reader(fieldname)
        return list(map(column.__getitem__, docs))


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
    """Whole columns of segments, kept while the segments are in the index.

    Also the searcher's column readers and field lengths: opening a column reader reads
    its whole table of offsets, and a field's lengths are a byte per document, which at a
    million utterances cost a search that matched nothing some 20 ms each time.
    """

    def __init__(self):
        self._columns: dict = {}
        self._lengths: dict = {}
        self._readers: dict = {}

    def reader(self, reader, fieldname: str):
        """Return the segment reader's column reader, opened once per searcher."""
        key = (id(reader), fieldname)
        found = self._readers.get(key)
        # The reader is kept with its column, so its id cannot pass to another reader.
        if found is None or found[0] is not reader:
            found = self._readers[key] = (reader, reader.column_reader(fieldname))
        return found[1]

    def lengths(self, reader, fieldname: str) -> bytes:
        """Return the field's length byte per document of one segment."""
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._lengths:
            self._lengths[key] = field_lengths(reader, fieldname)
        return self._lengths[key]

    def load(self, reader, fieldname: str) -> list:
        """Return every document's value of a column in one segment."""
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._columns:
            self._columns[key] = list(reader.column_reader(fieldname))
        return self._columns[key]

    def keep_only(self, segment_ids: set[str]) -> None:
        """Forget the columns of segments that left the index, and the old searcher's readers."""
        for cache in (self._columns, self._lengths):
            for key in [key for key in cache if key[0] not in segment_ids]:
                del cache[key]
        self._readers.clear()


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
            facet_counts[name].update(leaf.values(name, docs))
        total += len(docs)
        ranked += entries
    best = heapq.nsmallest(first + count, ranked, key=lambda entry: entry[:-2])[first:]
    page = [
        (entry[-2].reader.stored_fields(entry[-1]), -entry[1] if sort == "relevance" else 0.0)
        for entry in best
    ]
    facets = {name: dict(c) for name, c in facet_counts.items()}
    return Found(total, page, facets, partial=budget.cut)


def _match(
    leaf: Leaf, query, filters, sort: str, keep: int, demote: bool = False
) -> tuple[list[int], list] | None:
    """Return one segment's matching documents and the ranking entries of its best ``keep``.

    The best of the whole index are among the best of each segment.
    """
    reader, offset = leaf.reader, leaf.offset
    if filters is not None and filters.estimate(leaf) < query.estimate(leaf):
        docs = leaf.narrow(query, leaf.docs(filters))
    else:
        docs = leaf.docs(query)
        if filters is not None and docs:
            docs = leaf.narrow(filters, docs)
    deleted = deleted_docs(reader)
    if deleted:
        docs = docs - deleted
    if not docs:
        return None
    docs = sorted(docs)
    if sort == "relevance":
        scores = query.scores(leaf, docs)
        tiers = (
            [kind == PROCEDURAL for kind in leaf.values("kind", docs)]
            if demote
            else repeat(False, len(docs))
        )
        dates = map(_Descending, leaf.values("date", docs))
        # Discussion first (``ranking``); best score first; among equals the newest
        # meeting, then the earlier document.
        best = heapq.nsmallest(keep, zip(tiers, map(neg, scores), dates, docs, strict=True))
        return docs, [(tier, score, date, offset + d, leaf, d) for tier, score, date, d in best]
    dates = leaf.values("date", docs)
    orders = leaf.values("order", docs)
    # Newest first, then in spoken order, then the earlier document: the greatest of
    # (date, -order, -document).
    best = heapq.nlargest(keep, zip(dates, map(neg, orders), map(neg, docs), strict=True))
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
