"""A segment's common terms as plain arrays, matched by set operations done in C.

Whoosh keeps a posting list as pickled, compressed blocks of 128 postings. Decoding one
takes some 30 µs of Python, and at a million utterances a phrase of common bigrams
(19대, 의사진행발언) reads thousands of blocks: most of a search's time. Beside each
segment it writes, the index keeps a ``.keys`` file with every term held by at least
``KEYS_FROM`` of the segment's documents, as arrays read with one copy:

* the documents holding the term (``array('I')``, ascending) and the term's weight in each
  (``array('f')``, the same float32 Whoosh stores);
* for fields with positions, one 64-bit key per occurrence, ``document << 32 | position``,
  ascending. A phrase is then a few ``bisect`` and set operations over whole lists: the
  keys of its rarest term, shifted by each other term's offset, are looked up among that
  term's keys, with no Python call per document.

The file is derived from the postings the segment writer gathered, written before the
segment enters the index's table of contents and removed with the segment (its name is
the segment's). A segment without one (written by Whoosh's own writer) is read from its
blocks, with the same results (``tests/search/test_matching.py`` compares both with
Whoosh's own query engine).
"""

import mmap
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from functools import partial
from itertools import chain, compress, repeat
from operator import add, and_, floordiv, lshift, rshift, sub

#: The file's extension beside the segment's own files.
EXTENSION = ".keys"
#: A term is written to the file once this many of the segment's documents hold it:
#: rarer terms are a few blocks, decoded as fast from Whoosh's postings.
KEYS_FROM = 1024
#: Bits of a key that hold the position.
SHIFT = 32
_LOW = (1 << SHIFT) - 1
#: Past every document number and key: lookups past the last one land on it.
_LAST_ID = (1 << 32) - 1
LAST_KEY = (1 << 63) - 1
#: The last 8 bytes of the file: where its directory of terms starts.
_TRAILER = 8


def write(file, postings: Mapping, positional: set[str]) -> None:
    """Write the common terms of a segment's gathered postings into an open file.

    ``postings``: per field, term bytes → [documents, weights, values, value ends], as
    the segment writer gathers them; values are the raw positions of ``ArrayPositions``
    for the fields in ``positional``.
    """
    directory: dict[tuple[str, bytes], tuple[int, int, int]] = {}
    written = 0
    for fieldname in sorted(postings):
        for tbytes, (docnums, weights, values, ends) in postings[fieldname].items():
            if len(docnums) < KEYS_FROM:
                continue
            parts = [docnums.tobytes(), weights.tobytes()]
            occurrences = 0
            if fieldname in positional:
                keys = _keys(docnums, values, ends)
                occurrences = len(keys)
                parts.append(keys.tobytes())
            directory[(fieldname, tbytes)] = (written, len(docnums), occurrences)
            for part in parts:
                file.write(part)
                written += len(part)
    start = written
    file.write(pickle.dumps(directory, pickle.HIGHEST_PROTOCOL))
    file.write(start.to_bytes(_TRAILER, "little"))


def _keys(docnums: array, values: bytearray, ends: array) -> array:
    """Return ``document << 32 | position`` of every occurrence, ascending."""
    # Each posting's count of positions: its bytes over 4.
    counts = map(floordiv, map(sub, ends, chain((0,), ends)), repeat(4))
    return occurrence_keys(docnums, values, counts)


def occurrence_keys(docnums, positions: bytes, counts) -> array:
    """Return the keys of documents' positions: ``positions`` holds ``counts[i]`` 32-bit
    positions of ``docnums[i]`` after one another, as ``ArrayPositions`` encodes them."""
    found = array("I")
    found.frombytes(positions)
    documents = chain.from_iterable(map(repeat, docnums, counts))
    return array("q", map(add, map(lshift, documents, repeat(SHIFT)), found))


class SegmentKeys:
    """The ``.keys`` file of one segment, mapped; its terms read as they are asked for."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            # Mapped, the file stays readable after a merge deletes it.
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        start = int.from_bytes(self._map[-_TRAILER:], "little")
        # The index's own file in its instance folder, written by ``write``.
        self._directory = pickle.loads(self._map[start:-_TRAILER])  # noqa: S301

    def postings(self, fieldname: str, tbytes: bytes) -> "KeyPostings | None":
        """Return a term's arrays; None if the term is not in the file (it is rarer)."""
        found = self._directory.get((fieldname, tbytes))
        if found is None:
            return None
        offset, count, occurrences = found
        ids = _read("I", self._map, offset, count)
        offset += count * 4
        weights = _read("f", self._map, offset, count)
        offset += count * 4
        keys = _read("q", self._map, offset, occurrences) if occurrences else None
        return KeyPostings(ids, weights, keys)

    def close(self) -> None:
        """Unmap the file."""
        self._map.close()


def _read(typecode: str, source, offset: int, count: int) -> array:
    found = array(typecode)
    found.frombytes(source[offset : offset + count * found.itemsize])
    return found


class KeyPostings:
    """One term's documents, weights and occurrence keys in one segment.

    Offers what ``matching.Postings`` offers, worked out in C over the arrays.
    """

    def __init__(self, ids: array, weights: array, keys: array | None):
        #: How many documents hold the term.
        self.frequency = len(ids)
        ids.append(_LAST_ID)
        weights.append(0.0)
        self._ids, self._weights = ids, weights
        self._find = partial(bisect_left, ids)
        if keys is not None:
            keys.append(LAST_KEY)
        #: ``document << 32 | position`` of each occurrence, then one past the last.
        self.keys = keys
        self._docs: set[int] | None = None
        #: The search's time; a read of whole arrays needs no look at it.
        self.budget = None

    @property
    def docs(self) -> set[int]:
        """Return every document holding the term."""
        if self._docs is None:
            self._docs = set(self._ids)
            self._docs.discard(_LAST_ID)
        return self._docs

    def narrow(self, candidates: set[int]) -> set[int]:
        """Return the candidates that hold the term."""
        if self._docs is not None or len(candidates) * 8 > self.frequency:
            return candidates & self.docs
        # Where each candidate would be: the documents found there that are candidates.
        return candidates.intersection(map(self._ids.__getitem__, map(self._find, candidates)))

    def weights(self, docs: list[int]) -> list[float]:
        """Return the term's weight in each of docs, which all hold it (as nodes score)."""
        return list(map(self._weights.__getitem__, map(self._find, docs)))

    def positions(self, docnum: int) -> list[int] | None:
        """Return the positions of the term in a document; None if it does not hold it."""
        keys = self.keys
        first = bisect_left(keys, docnum << SHIFT)
        last = bisect_left(keys, (docnum + 1) << SHIFT, first)
        if first == last:
            return None
        return list(map(and_, keys[first:last], repeat(_LOW)))


def phrase_starts(terms: list[tuple[int, "KeyPostings"]], candidates: set[int]) -> set[int]:
    """Return the candidates where the terms (offset, postings) follow one another.

    The rarest term comes first. Its occurrences in the candidates, moved back by its
    offset, are where the phrase would start; each other term keeps the starts where it
    sits at its own offset. A start before the text's first position never survives the
    term at offset 0: moved back past position 0, a key lands on a position no text has.
    """
    (offset, rarest), others = terms[0], terms[1:]
    keys = rarest.keys
    occurrences = len(keys) - 1
    if len(candidates) * 16 < occurrences:
        # Few candidates: read their stretches of the keys alone.
        find = partial(bisect_left, keys)
        firsts = map(find, map(lshift, candidates, repeat(SHIFT)))
        lasts = map(find, map(lshift, map(add, candidates, repeat(1)), repeat(SHIFT)))
        found = chain.from_iterable(map(keys.__getitem__, map(slice, firsts, lasts)))
    else:
        documents = map(rshift, keys, repeat(SHIFT))
        found = compress(keys, map(candidates.__contains__, documents))
    starts = list(map(sub, found, repeat(offset)))
    for offset, postings in others:
        if not starts:
            break
        wanted = list(map(add, starts, repeat(offset)))
        keys = postings.keys
        there = set(map(keys.__getitem__, map(partial(bisect_left, keys), wanted)))
        starts = list(compress(starts, map(there.__contains__, wanted)))
    return set(map(rshift, starts, repeat(SHIFT)))
