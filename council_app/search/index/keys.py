"""A segment's common terms as plain arrays, and the array work of a search done in C.

Whoosh keeps a posting list as pickled, compressed blocks of 128 postings. Decoding one
takes some 30 µs of Python, and at a million utterances a phrase of common bigrams
(19대, 의사진행발언) reads thousands of blocks: most of a search's time. Beside each
segment it writes, the index keeps a ``.keys`` file with every term held by at least
``KEYS_FROM`` of the segment's documents, as arrays read with one copy:

* the documents holding the term (``array('I')``, ascending) and the term's weight in each
  (``array('f')``, the same float32 Whoosh stores);
* for fields with positions, one 64-bit key per occurrence, ``document << 32 | position``,
  ascending. A phrase is then a few sorted-array searches over whole lists: the keys of
  its rarest term, shifted by each other term's offset, are looked up among that term's
  keys, with no Python call per document.

The arrays are numpy's, read in place from the mapped file (the one module that imports
numpy): a sorted search over them costs a few nanoseconds an element, where Python's
``bisect`` over ``array`` boxes every probe. The rest of a search's array work is here
too, as a common phrase at a million utterances measured it:

* the documents a node matches are document arrays (``documents``), intersected and
  joined by sorted searches: Python sets of a common word's documents took a third of
  such a search to build and to free;
* a term's BM25F scores (``bm25``): a Python operation per document and term took a
  quarter of it;
* facet counts over a dictionary-coded column (``count_codes``), and the few documents
  that may make a page (``contenders``), the only ones whose dates are read to rank them.

The file is derived from the postings the segment writer gathered, written before the
segment enters the index's table of contents and removed with the segment (its name is
the segment's). A segment without one (written by Whoosh's own writer) is read from its
blocks, with the same results (``tests/search/test_matching.py`` compares both with
Whoosh's own query engine).
"""

import mmap
import os
import pickle
from collections.abc import Mapping

import numpy as np

from .ranking import K1

#: The file's extension beside the segment's own files.
EXTENSION = ".keys"
#: A term is written to the file once this many of the segment's documents hold it: a
#: rarer one is a single block of Whoosh's postings (128), decoded at once. At 1,024 a
#: small segment's terms came from blocks, and cost a phrase twice as much per document
#: as the large segments' (``matching``).
KEYS_FROM = 128
#: Bits of a key that hold the position.
SHIFT = 32
_LOW = (1 << SHIFT) - 1
#: The last 8 bytes of the file: where its directory of terms starts.
_TRAILER = 8
_IDS, _WEIGHTS, _KEYS = np.dtype("<u4"), np.dtype("<f4"), np.dtype("<i8")


def write(file, postings: Mapping, positional: set[str]) -> None:
    """Write the common terms of a segment's gathered postings into an open file.

    ``postings``: per field, term bytes → [documents, weights, values, value ends], as
    the segment writer gathers them (``array`` of 32-bit documents and float32 weights);
    values are the raw positions of ``ArrayPositions`` for the fields in ``positional``.
    """
    directory: dict[tuple[str, bytes], tuple[int, int, int]] = {}
    written = 0
    for fieldname in sorted(postings):
        for tbytes, (docnums, weights, values, ends) in postings[fieldname].items():
            if len(docnums) < KEYS_FROM:
                continue
            parts = [
                np.asarray(docnums, dtype=_IDS).tobytes(),
                np.asarray(weights, dtype=_WEIGHTS).tobytes(),
            ]
            occurrences = 0
            if fieldname in positional:
                # Each posting's count of positions: its bytes over 4.
                counts = np.diff(np.asarray(ends, dtype=np.int64), prepend=0) // 4
                keys = occurrence_keys(docnums, bytes(values), counts)
                occurrences = len(keys)
                parts.append(keys.tobytes())
            directory[(fieldname, tbytes)] = (written, len(docnums), occurrences)
            for part in parts:
                file.write(part)
                written += len(part)
    start = written
    file.write(pickle.dumps(directory, pickle.HIGHEST_PROTOCOL))
    file.write(start.to_bytes(_TRAILER, "little"))


def occurrence_keys(docnums, positions: bytes, counts) -> np.ndarray:
    """Return ``document << 32 | position`` of documents' positions, ascending.

    ``positions`` holds ``counts[i]`` 32-bit positions of ``docnums[i]`` one after another,
    as ``ArrayPositions`` encodes them (in machine order).
    """
    documents = np.repeat(np.asarray(docnums, dtype=np.int64), np.asarray(counts, dtype=np.int64))
    found = np.frombuffer(positions, dtype=np.uint32).astype(np.int64)
    return (documents << SHIFT) | found


class SegmentKeys:
    """The ``.keys`` file of one segment, mapped; its terms read as they are asked for."""

    def __init__(self, path: str):
        self._path = path
        with open(path, "rb") as f:
            # Mapped, the file stays readable after a merge deletes it.
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        #: The kernel was asked to read the whole file ahead (``preload``).
        self.preloaded = False
        start = int.from_bytes(self._map[-_TRAILER:], "little")
        # The index's own file in its instance folder, written by ``write``.
        self._directory = pickle.loads(self._map[start:-_TRAILER])  # noqa: S301

    def preload(self) -> None:
        """Have the kernel read the whole file into memory ahead of the searches.

        A page a search reads first waits for the disk, some milliseconds each on a cold
        cache: the first searches after a start were twice as slow as the same ones later.
        The kernel reads ahead on its own (``POSIX_FADV_WILLNEED``), with the interpreter
        free: touching each page from Python held it while the disk answered, and the pages
        a worker served beside a cold start waited. The pages are the kernel's page cache,
        shared by every process mapping the file.
        """
        try:
            descriptor = os.open(self._path, os.O_RDONLY)
        except FileNotFoundError:
            return  # merged away since it was mapped: no search will read it for long
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(descriptor)
        self.preloaded = True

    def postings(self, fieldname: str, tbytes: bytes) -> "KeyPostings | None":
        """Return a term's arrays; None if the term is not in the file (it is rarer)."""
        found = self._directory.get((fieldname, tbytes))
        if found is None:
            return None
        offset, count, occurrences = found
        # Views of the mapped file: nothing is copied.
        ids = np.frombuffer(self._map, _IDS, count, offset)
        weights = np.frombuffer(self._map, _WEIGHTS, count, offset + count * 4)
        keys = None
        if occurrences:
            keys = np.frombuffer(self._map, _KEYS, occurrences, offset + count * 8)
        return KeyPostings(ids, weights, keys)


class KeyPostings:
    """One term's documents, weights and occurrence keys in one segment.

    Offers what ``matching.Postings`` offers, worked out over the arrays.
    """

    def __init__(self, ids: np.ndarray, weights: np.ndarray, keys: np.ndarray | None):
        #: How many documents hold the term.
        self.frequency = len(ids)
        self._ids, self._weights = ids, weights
        #: ``document << 32 | position`` of each occurrence, ascending (positional fields).
        self.keys = keys
        #: The search's time; a read of whole arrays needs no look at it.
        self.budget = None

    @property
    def docs(self) -> np.ndarray:
        """Return every document holding the term, as a document array."""
        return self._ids.astype(np.int64)

    def narrow(self, candidates: np.ndarray) -> np.ndarray:
        """Return the candidates (a document array) that hold the term."""
        return intersection(candidates, self._ids)

    def weights(self, docs: np.ndarray) -> np.ndarray:
        """Return the term's weight in each of docs, which all hold it (as nodes score)."""
        return self._weights[np.searchsorted(self._ids, docs.astype(self._ids.dtype))]

    def positions(self, docnum: int) -> list[int] | None:
        """Return the positions of the term in a document; None if it does not hold it."""
        first, last = np.searchsorted(self.keys, [docnum << SHIFT, (docnum + 1) << SHIFT])
        if first == last:
            return None
        return (self.keys[first:last] & _LOW).tolist()


def bm25(idf: float, weights, norms: np.ndarray) -> np.ndarray:
    """Return a term's BM25F score in documents from its weight and length norm in each.

    ``idf * (weight * (K1 + 1)) / (weight + norm)``, in Whoosh's order of operations on
    the same doubles (float32 weights widen exactly): the very scores Whoosh works out.
    """
    weight = np.asarray(weights, dtype=np.float64)
    return idf * (weight * (K1 + 1)) / (weight + norms)


def no_scores(count: int) -> np.ndarray:
    """Return the scores of documents a node adds nothing to."""
    return np.zeros(count)


def spread(docs: np.ndarray, matched: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Return the scores of matched (some of docs) over docs, 0 where a document is not."""
    found = np.zeros(len(docs))
    found[np.searchsorted(docs, matched)] = scores
    return found


def norms_by_length(norms: list[float], lengths: bytes, docs: np.ndarray) -> np.ndarray:
    """Return each document's length norm: ``norms`` by length byte, ``lengths`` by document."""
    return np.asarray(norms)[np.frombuffer(lengths, np.uint8)[docs]]


def coded(codes, docs: np.ndarray, code: int) -> np.ndarray:
    """Return, for each of docs, whether it has the code in a dictionary-coded column."""
    return np.frombuffer(codes, codes.typecode)[docs] == code


# --- document arrays ----------------------------------------------------------------------
# The documents a query node matches in a segment: ascending numbers without repeats, in an
# ``int64`` array. Sets of Python ints cost a common word's search more to build and to
# free than all its set operations.


def documents(numbers=(), *, ascending: bool = False) -> np.ndarray:
    """Return a document array of numbers (in any order, repeats allowed, unless
    ``ascending``: already ascending without repeats)."""
    found = np.fromiter(numbers, np.int64)
    if ascending:
        return found
    found.sort()
    return _distinct(found)


def every_document(count: int) -> np.ndarray:
    """Return the document array of a segment's every document."""
    return np.arange(count, dtype=np.int64)


def intersection(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return the documents in both arrays."""
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return small[_found(large, small)].astype(np.int64, copy=False)


def union(arrays) -> np.ndarray:
    """Return the documents in any of the arrays."""
    arrays = [docs for docs in arrays if len(docs)]
    if len(arrays) <= 1:
        return arrays[0] if arrays else documents()
    joined = np.concatenate(arrays)
    joined.sort()
    return _distinct(joined)


def difference(docs: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Return the documents of docs not in excluded."""
    return docs[~_found(excluded, docs)]


def within(docs: np.ndarray, known: np.ndarray) -> bool:
    """Tell whether known holds every document of docs."""
    return bool(_found(known, docs).all())


def contenders(keep: int, scores: np.ndarray, demoted: np.ndarray | None) -> list[int]:
    """Return the positions of the documents that may rank among the best ``keep``.

    Ranked by (demoted, -score): every document as good as the ``keep``-th best, ties
    included, so ranking these alone ranks as all of them would. Ties are then broken
    by date, which is read for these only.
    """
    score = np.asarray(scores, dtype=np.float64)
    if len(score) <= keep:
        return list(range(len(score)))
    first = np.ones(len(score), dtype=bool) if demoted is None else ~np.asarray(demoted, bool)
    ahead = int(first.sum())
    if ahead >= keep:  # the keep-th best is in the first tier
        tier, chosen, wanted = first, np.zeros(len(score), dtype=bool), keep
    else:  # every first-tier document, and the best of the demoted
        tier, chosen, wanted = ~first, first, keep - ahead
    in_tier = score[tier]
    cut = np.partition(in_tier, len(in_tier) - wanted)[len(in_tier) - wanted]
    chosen |= tier & (score >= cut)
    return np.flatnonzero(chosen).tolist()


def count_codes(codes, docs: np.ndarray) -> dict[int, int]:
    """Return how many of docs have each code of a dictionary-coded column (``array``)."""
    counted = np.bincount(np.frombuffer(codes, codes.typecode)[docs])
    held = np.flatnonzero(counted)
    return dict(zip(held.tolist(), counted[held].tolist(), strict=True))


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """Return an ascending array without its repeats (``np.unique`` sorts it again)."""
    if len(ascending) < 2:
        return ascending
    return ascending[np.concatenate(([True], ascending[1:] != ascending[:-1]))]


def _found(ordered: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return, for each of wanted, whether the ascending array holds it."""
    if not len(ordered):
        return np.zeros(len(wanted), dtype=bool)
    # In the array's own type: numpy would otherwise copy the whole array to a common one.
    wanted = wanted.astype(ordered.dtype, copy=False)
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    return ordered[at] == wanted


def phrase_starts(terms: list[tuple[int, np.ndarray]], candidates: np.ndarray) -> np.ndarray:
    """Return the candidates (a document array) where the terms follow one another.

    ``terms``: (offset in the phrase, keys of its occurrences), the rarest first. Its
    occurrences in the candidates, moved back by its offset, are where the phrase would
    start; each other term keeps the starts where it sits at its own offset. A start
    before the text's first position never survives the term at offset 0: moved back past
    position 0, a key lands on a position no text has.
    """
    (offset, keys), others = terms[0], terms[1:]
    starts = keys[_found(candidates, keys >> SHIFT)] - offset
    for offset, keys in others:
        if not len(starts):
            break
        starts = starts[_found(keys, starts + offset)]
    return _distinct(starts >> SHIFT)
