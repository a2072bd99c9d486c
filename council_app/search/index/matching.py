"""Find, count and rank utterances by reading Whoosh's posting lists a block at a time.

Whoosh's matchers take a Python call per posting (``skip_to`` scans a block linearly), so
a phrase of common bigrams took 100 ms at 200,000 utterances and a word in every other
utterance much longer. Here a posting list is decoded a block at a time into lists,
candidates come from set operations done in C, positions are checked only for them,
and only the documents that match are scored (BM25F with Whoosh's defaults). A search has
a time budget: once it is spent, the search answers with what it surely found so far.
"""

import heapq
import io
import pickle
import zlib
from bisect import bisect_left
from collections import Counter
from datetime import timedelta
from itertools import accumulate, islice
from math import log

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from council_app.core.time import now

#: Whoosh's BM25F defaults.
B, K1 = 0.75, 1.2
#: Terms a prefix may stand for; a one-letter prefix would otherwise read half the index.
MAX_EXPANSIONS = 100
#: Beyond this many matches, facet and sort values are read from a whole cached column
#: rather than document by document.
COLUMN_CACHE_FROM = 2_000
#: Documents checked (or scored) between two looks at the clock.
CHECK_EVERY = 128
_LENGTHS = [byte_to_length(n) for n in range(256)]


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

    def __init__(self, buffer: bytes, blocks: list, fixed_size, frequency: int):
        self._buffer, self._fixed_size = buffer, fixed_size
        #: Per block: (last document number, postings, data start, data end, compressed).
        self._blocks = blocks
        self._last_ids = [block[0] for block in blocks]
        self._decoded: dict[int, tuple] = {}
        self._found: dict[int, tuple | None] = {}
        self._docs: set[int] | None = None
        #: How many documents hold the term.
        self.frequency = frequency
        #: The search's time, looked at while a long list is decoded.
        self.budget: Budget | None = None

    @classmethod
    def inlined(cls, ids, weights, values, fixed_size) -> "Postings":
        """Return the postings Whoosh kept in the term's own record."""
        postings = cls(b"", [(ids[-1], len(ids), 0, 0, 0)], fixed_size, len(ids))
        postings._decoded[0] = (list(ids), list(weights), _values(values, fixed_size, len(ids)))
        return postings

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
            _, count, start, end, compression = self._blocks[n]
            data = self._buffer[start:end]
            deltas, weights, values = pickle.loads(  # noqa: S301  (see read_postings)
                zlib.decompress(data) if compression else data
            )
            if weights is None or isinstance(weights, float):
                weights = [1.0 if weights is None else weights] * count
            # Each block's first delta is its first document number itself.
            self._decoded[n] = (
                list(accumulate(deltas)),
                weights,
                _values(values, self._fixed_size, count),
            )
        return self._decoded[n]


def read_postings(reader, fieldname: str, text) -> Postings | None:
    """Open a term's posting list in one segment; None if the term is not there."""
    try:
        info = reader.term_info(fieldname, text)
    except TermNotFound:
        return None
    fixed_size = reader.schema[fieldname].format.fixed_value_size()
    if info.is_inlined():
        return Postings.inlined(*info.inlined_postings(), fixed_size)
    offset, length = info.extent()
    # whoosh-reloaded reads the extent's length back as a 1-tuple.
    length = length[0] if isinstance(length, tuple) else length
    # The terms reader's postings file: Whoosh offers its bytes only a posting at a time.
    buffer = reader._terms._postfile.get(offset, length)
    stream = io.BytesIO(buffer)
    position = 4  # after the codec's block-list tag
    blocks = []
    while True:
        size = int.from_bytes(buffer[position : position + 4], "big", signed=True)
        position += 4
        end = position + abs(size)
        stream.seek(position)
        # The index is the app's own file in its instance folder; Whoosh unpickles it too.
        count, last_id, _, compression, _, _ = pickle.load(stream)  # noqa: S301
        blocks.append((last_id, count, stream.tell(), end, compression))
        if size < 0:  # a negative size marks the last block
            break
        position = end
    return Postings(buffer, blocks, fixed_size, info.doc_frequency())


def _values(values, fixed_size, count):
    """Undo the codec's packing of a block's values."""
    if fixed_size is None or fixed_size < 0:
        return list(values)
    if fixed_size == 0:
        return None
    return [values[i : i + fixed_size] for i in range(0, count * fixed_size, fixed_size)]


def hold_files(searcher, columns) -> None:
    """Open every file of the searcher's segments that a search reads.

    A writer merging small segments deletes their files. Files this process holds open
    stay readable until it closes them; one opened lazily, mid-search, could be gone.
    """
    schema = searcher.schema
    scorable = [name for name, field in schema.items() if field.scorable]
    for reader, _ in searcher.reader().leaf_readers():
        if reader.segment() is None or not reader.doc_count_all():
            continue  # an empty index
        perdoc = reader._perdoc
        if not perdoc.has_column("_stored"):
            raise FileNotFoundError(f"segment {reader.segment().segment_id()} is gone")
        reader.stored_fields(0)
        wanted = [(_lenfield(name), LENGTHS_COLUMN) for name in scorable]
        wanted += [(name, schema[name].column_type) for name in (*columns, "date", "order")]
        for name, column in wanted:
            if perdoc.has_column(name):
                perdoc.column_reader(name, column)


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
            perdoc, name = self.reader._perdoc, _lenfield(fieldname)
            raw = b""
            # A segment whose documents all left the field empty has no length column.
            if perdoc.has_column(name):
                column = perdoc.column_reader(name, LENGTHS_COLUMN)
                # A fixed-width column of a byte per document: read whole, not per document.
                raw = column._dbfile.get(column._basepos, column._count)
            self._lengths[fieldname] = raw + bytes(self.reader.doc_count_all() - len(raw))
        return self._lengths[fieldname]

    def values(self, fieldname: str, docs) -> list:
        """Return a column's value for each of docs, in their order."""
        if len(docs) >= COLUMN_CACHE_FROM:
            column = self.columns.load(self.reader, fieldname)
        else:
            column = self.reader.column_reader(fieldname)
        return [column[docnum] for docnum in docs]


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
    """Whole columns of segments, kept while the segments are in the index."""

    def __init__(self):
        self._columns: dict = {}

    def load(self, reader, fieldname: str) -> list:
        """Return every document's value of a column in one segment."""
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._columns:
            self._columns[key] = list(reader.column_reader(fieldname))
        return self._columns[key]

    def keep_only(self, segment_ids: set[str]) -> None:
        """Forget the columns of segments that left the index."""
        for key in [key for key in self._columns if key[0] not in segment_ids]:
            del self._columns[key]


# --- query nodes ----------------------------------------------------------------------
#
# Each node tells, for one segment, about how many documents it may match (``estimate``),
# which ones (``docs``), which of some candidates (``narrow``: cheap when they are few)
# and how well each matched document scores. Intersections start from the rarest node.


class Term:
    """Documents holding one term."""

    def __init__(self, fieldname: str, text):
        self.fieldname, self.text = fieldname, text

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents hold the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return postings.frequency if postings else 0

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents holding the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return set(postings.docs) if postings else set()

    def narrow(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        """Return the candidates holding the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return postings.narrow(candidates) if postings else set()

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """Return the BM25F score of the term in each of docs (which all hold it)."""
        postings = leaf.postings(self.fieldname, self.text)
        if not postings or not docs:
            return {}
        idf = leaf.stats.idf(self.fieldname, self.text)
        average = leaf.stats.average_length(self.fieldname)
        lengths = leaf.length(self.fieldname)
        scores = {}
        for n, docnum in enumerate(docs):
            # Out of time, the documents left unscored still match: they rank last.
            if n % CHECK_EVERY == CHECK_EVERY - 1 and leaf.budget.spent():
                break
            weight = postings.find(docnum)[0]
            norm = K1 * ((1 - B) + B * _LENGTHS[lengths[docnum]] / average)
            scores[docnum] = idf * (weight * (K1 + 1)) / (weight + norm)
        return scores


class Phrase:
    """Documents holding terms at consecutive positions; scored as their terms."""

    def __init__(self, fieldname: str, texts):
        self.fieldname = fieldname
        self.terms = [Term(fieldname, text) for text in texts]

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents hold the rarest term."""
        return min(term.estimate(leaf) for term in self.terms)

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents where the terms follow one another."""
        rarest = min(self.terms, key=lambda term: term.estimate(leaf))
        return self.narrow(leaf, rarest.docs(leaf))

    def narrow(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        """Return the candidates where the terms follow one another."""
        postings = [leaf.postings(self.fieldname, term.text) for term in self.terms]
        if not all(postings):
            return set()
        # Rarest first: most candidates fall at the first terms that look them up.
        terms = sorted(enumerate(postings), key=lambda item: item[1].frequency)
        candidates = terms[0][1].narrow(candidates)
        decode = leaf.reader.schema[self.fieldname].format.decode_positions
        found = set()
        for n, docnum in enumerate(candidates):
            # Checking positions is what makes a long phrase of common bigrams slow. What
            # was found so far all matches: a part of the answer, unless it is to exclude.
            if n % CHECK_EVERY == CHECK_EVERY - 1 and leaf.budget.spent():
                if leaf.excluding:
                    raise OutOfTime
                break
            starts = None
            for offset, term_postings in terms:
                posting = term_postings.find(docnum)
                if posting is None:
                    break
                shifted = [p - offset for p in decode(posting[1])]
                starts = set(shifted) if starts is None else starts.intersection(shifted)
                if not starts:
                    break
            else:
                found.add(docnum)
        return found

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """Return the sum of the terms' scores in each of docs."""
        return _sum_scores(term.scores(leaf, docs) for term in self.terms)


class AnyOf:
    """Documents any node matches; the scores of the nodes that match add up."""

    def __init__(self, nodes):
        self.nodes = list(nodes)

    def estimate(self, leaf: Leaf) -> int:
        """Return at most how many documents the nodes match together."""
        return sum(node.estimate(leaf) for node in self.nodes)

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents some node matches."""
        return set().union(*(leaf.docs(node) for node in self.nodes))

    def narrow(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        """Return the candidates some node matches."""
        return set().union(*(leaf.narrow(node, candidates) for node in self.nodes))

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """Return, for each of docs, the sum of the scores of the nodes it matches."""
        docs = set(docs)
        return _sum_scores(node.scores(leaf, leaf.narrow(node, docs)) for node in self.nodes)


class Prefix:
    """Documents holding any term that starts with a prefix (at most MAX_EXPANSIONS).

    The terms differ from segment to segment: in each, the prefix is an ``AnyOf`` of them.
    """

    def __init__(self, fieldname: str, prefix: str):
        self.fieldname, self.prefix = fieldname, prefix
        self._expanded: dict[int, AnyOf] = {}

    def expanded(self, leaf: Leaf) -> "AnyOf":
        """Return the segment's terms that start with the prefix, as one node."""
        key = id(leaf)
        if key not in self._expanded:
            words = leaf.reader.expand_prefix(self.fieldname, self.prefix)
            terms = [Term(self.fieldname, word) for word in islice(words, MAX_EXPANSIONS)]
            self._expanded[key] = AnyOf(terms)
        return self._expanded[key]

    def estimate(self, leaf: Leaf) -> int:
        """Return at most how many documents the terms match together."""
        return self.expanded(leaf).estimate(leaf)

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents holding any of the terms."""
        return self.expanded(leaf).docs(leaf)

    def narrow(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        """Return the candidates holding any of the terms."""
        return self.expanded(leaf).narrow(leaf, candidates)

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """Return the sum of the scores of the terms each of docs holds."""
        return self.expanded(leaf).scores(leaf, docs)


class Range:
    """Documents whose (text) term in a field lies between two bounds; a filter, unscored."""

    def __init__(self, fieldname: str, start: str | None, end: str | None):
        self.fieldname, self.start, self.end = fieldname, start or "", end

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents are in the range."""
        return len(leaf.docs(self))

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents with a term in the range."""
        end = self.end.encode() if self.end is not None else None
        docs: set[int] = set()
        for n, (fieldname, text) in enumerate(leaf.reader.terms_from(self.fieldname, self.start)):
            if fieldname != self.fieldname or (end is not None and text > end):
                break
            if n % CHECK_EVERY == CHECK_EVERY - 1:
                leaf.budget.check()
            docs |= Term(self.fieldname, text).docs(leaf)
        return docs

    def narrow(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        """Return the candidates in the range."""
        return candidates & leaf.docs(self)

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """A filter adds nothing to a score."""
        return dict.fromkeys(docs, 0.0)


class AllOf:
    """Documents every node matches and no excluded node does; scores add up."""

    def __init__(self, nodes, excluded=()):
        self.nodes, self.excluded = list(nodes), list(excluded)

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents the rarest node may match."""
        if not self.nodes:
            return leaf.reader.doc_count_all()
        return min(node.estimate(leaf) for node in self.nodes)

    def docs(self, leaf: Leaf) -> set[int]:
        """Return the documents all nodes match and no excluded node does."""
        if not self.nodes:
            return self._without_excluded(leaf, leaf.all_docs())
        nodes = sorted(self.nodes, key=lambda node: node.estimate(leaf))
        return self.narrow(leaf, leaf.docs(nodes[0]), nodes[1:])

    def narrow(self, leaf: Leaf, candidates: set[int], nodes=None) -> set[int]:
        """Return the candidates all nodes match and no excluded node does."""
        if nodes is None:
            nodes = sorted(self.nodes, key=lambda node: node.estimate(leaf))
        for node in nodes:
            if not candidates:
                break
            candidates = leaf.narrow(node, candidates)
        return self._without_excluded(leaf, candidates)

    def _without_excluded(self, leaf: Leaf, candidates: set[int]) -> set[int]:
        leaf.excluding += 1
        try:
            for node in self.excluded:
                if candidates:
                    candidates = candidates - leaf.narrow(node, candidates)
        finally:
            leaf.excluding -= 1
        return candidates

    def scores(self, leaf: Leaf, docs) -> dict[int, float]:
        """Return the sum of the nodes' scores in each of docs."""
        if not self.nodes:
            return dict.fromkeys(docs, 0.0)
        return _sum_scores(node.scores(leaf, docs) for node in self.nodes)


def _sum_scores(parts) -> dict[int, float]:
    total: dict[int, float] = {}
    for part in parts:
        for docnum, score in part.items():
            total[docnum] = total.get(docnum, 0.0) + score
    return total


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
):
    """Match query (and filters) in every segment; rank, page and count what matched.

    Once the budget is spent, segments not yet searched are left out, and so is the one
    being searched unless what it matched so far is sure to match.
    """
    budget = budget or Budget()
    stats = Stats(searcher)
    facet_counts = {name: Counter() for name in facets}
    ranked = []
    for n, (reader, offset) in enumerate(searcher.reader().leaf_readers()):
        # The first segment is always searched, so a search that runs out of time has
        # something to show.
        if n and budget.spent():
            break
        leaf = Leaf(reader, offset, stats, columns, budget)
        try:
            found = _match(leaf, query, filters, sort)
        except OutOfTime:
            break
        if found is None:
            continue
        docs, entries = found
        for name in facets:
            facet_counts[name].update(leaf.values(name, docs))
        ranked += entries
    best = heapq.nsmallest(first + count, ranked, key=lambda entry: entry[:-2])[first:]
    page = [
        (entry[-2].reader.stored_fields(entry[-1]), -entry[0] if sort == "relevance" else 0.0)
        for entry in best
    ]
    facets = {name: dict(c) for name, c in facet_counts.items()}
    return Found(len(ranked), page, facets, partial=budget.cut)


def _match(leaf: Leaf, query, filters, sort: str) -> tuple[list[int], list] | None:
    """Return one segment's matching documents and their ranking entries; None if none."""
    reader, offset = leaf.reader, leaf.offset
    if filters is not None and filters.estimate(leaf) < query.estimate(leaf):
        docs = leaf.narrow(query, leaf.docs(filters))
    else:
        docs = leaf.docs(query)
        if filters is not None and docs:
            docs = leaf.narrow(filters, docs)
    if reader.has_deletions():
        docs = docs - reader.deleted_docs_set
    if not docs:
        return None
    docs = sorted(docs)
    if sort == "relevance":
        scores = query.scores(leaf, docs)
        # Best first; among equals, the earlier document, as Whoosh orders them.
        return docs, [(-scores.get(d, 0.0), offset + d, leaf, d) for d in docs]
    dates = leaf.values("date", docs)
    orders = leaf.values("order", docs)
    return docs, [
        (_Descending(date), order, offset + d, leaf, d)
        for date, order, d in zip(dates, orders, docs, strict=True)
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
