"""Several changes to the index under one write lock, committed together."""

from collections.abc import Callable, Iterable, Mapping

from .schema import document
from .segments import SegmentBuilder, build_segments


class IndexBatch:
    """Changes made under one write lock; see :meth:`SearchIndex.batch`.

    Deletions go through Whoosh's writer; new documents into segments of their own
    (``segments``), added to the index's list when the batch commits, merging nothing.
    """

    def __init__(self, ix, writer, morphemes: bool, commit: Callable):
        self._ix = ix
        self._writer = writer
        self._morphemes = morphemes
        #: Commits the writer with the index's cursor (``SearchIndex._commit``).
        self._commit = commit
        self._builder: SegmentBuilder | None = None
        self._segments: list = []
        self._deleted = False
        self._cursor: int | None = None

    def applied_through(self, outbox_id: int) -> None:
        """Record that the batch holds every outbox row up to ``outbox_id``, for its commit."""
        self._cursor = outbox_id

    def delete_minutes(self, minutes_id: int) -> int:
        """Remove every utterance of one minutes; return how many were removed."""
        self._deleted = True
        return self._writer.delete_by_term("minutes_id", minutes_id)

    def replace_minutes(self, minutes_id: int, utterances: Iterable[Mapping]) -> int:
        """Put utterances in place of everything indexed for one minutes; return how many."""
        self.delete_minutes(minutes_id)
        return self._add(utterances, replace=False)

    def add_utterances(self, utterances: Iterable[Mapping], *, procs: int = 1) -> int:
        """Add or replace utterances (keyed by uid); return how many were written."""
        if self._ix.doc_count_all() or self._builder:
            return self._add(utterances, replace=True)
        # An empty index has nothing to replace, and may be filled by several processes.
        docs = (document(utterance, self._morphemes) for utterance in utterances)
        segments = build_segments(self._ix, docs, procs)
        self._segments += segments
        return sum(segment.doc_count_all() for segment in segments)

    def _add(self, utterances: Iterable[Mapping], *, replace: bool) -> int:
        if self._builder is None:
            self._builder = SegmentBuilder(self._ix)
        count = 0
        for utterance in utterances:
            doc = document(utterance, self._morphemes)
            if replace:
                self._deleted = True
                self._writer.delete_by_term("uid", doc["uid"])
            self._builder.add(doc)
            count += 1
        return count

    def commit(self) -> None:
        """Commit every change at once; cancel if there was none."""
        if self._builder is not None and self._builder.doc_count:
            self._segments.append(self._builder.finish())
        # A commit without changes would still start a new generation, and every
        # process's searcher would reopen for nothing.
        if not (self._segments or self._deleted or self._cursor is not None):
            self._writer.cancel()
            return
        segments = self._segments

        def add_without_merging(_writer, existing):
            # Merging would rewrite old segments inside the caller's commit, which grows
            # with the index; ``SearchIndex.merge_segments`` does it in a background step.
            # A segment whose documents were all deleted is only dropped.
            return [segment for segment in existing if segment.doc_count()] + segments

        self._commit(self._writer, cursor=self._cursor, mergetype=add_without_merging)
