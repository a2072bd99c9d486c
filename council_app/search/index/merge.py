"""Merge small segments into larger ones, outside any request.

Every catch-up commits its changes as a new small segment and merges nothing, so a
publication never waits for a merge. Searches slow down as segments pile up, so a
background step (the catch-up thread, ``flask search sync``) merges them by tiers: when
``MERGE_FACTOR`` segments of about the same size (the same power of ``MERGE_FACTOR`` in
documents) are there, they become one segment of the next tier. Each document is thus
rewritten about log(n) times, never once per commit as Whoosh's ``MERGE_SMALL`` does.

Every field of a document is stored, so a merged segment is rebuilt from the stored
fields through the app's own segment writer (``segments``), deleted documents left out.
"""

import math
from collections.abc import Iterator

from whoosh.reading import SegmentReader

from .schema import document
from .segments import build_segments

#: Segments of one tier merged together; also the size ratio between tiers.
MERGE_FACTOR = 10
#: Segments of more live documents are left alone: rewriting them would hold the write
#: lock for minutes. ``flask search reindex`` lays the index out again from scratch.
MAX_MERGED_DOCS = 100_000


def merge_plan(segments: list) -> list[list]:
    """Return groups of segments to merge, each into one; empty when none is due."""
    tiers: dict[int, list] = {}
    for segment in segments:
        live = segment.doc_count()
        if live <= MAX_MERGED_DOCS:
            tiers.setdefault(_tier(live), []).append(segment)
    return [group for group in tiers.values() if len(group) >= MERGE_FACTOR]


def _tier(live: int) -> int:
    return int(math.log(max(live, 1), MERGE_FACTOR))


def merged_segments(ix, group: list, morphemes: bool) -> list:
    """Write the live documents of a group of segments into new segments; return them."""
    return build_segments(ix, _live_documents(ix, group, morphemes))


def _live_documents(ix, group: list, morphemes: bool) -> Iterator[dict]:
    for segment in group:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            for docnum in reader.all_doc_ids():
                # Stored fields are the utterance as it was indexed: the same document again.
                yield document(reader.stored_fields(docnum), morphemes)
        finally:
            reader.close()
