"""Write new index segments fast, in one process or several.

Whoosh's own writer sends every posting through a sorting pool that pickles it to disk
and back, then looks up the document's field length once per posting: three quarters of
indexing time. Documents arrive here in document-number order, so each term's postings
are already sorted when gathered in memory; they are written a block at a time through
Whoosh's own codec (``whoosh_private``), so the files are exactly the ones its writer
would make.
"""

import multiprocessing
import queue
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from whoosh import index as whoosh_index

from . import keys
from .schema import positional_fields
from .whoosh_private import NewSegment, stored_length

#: Postings gathered before a segment is written and the next one begun; about 20 bytes
#: each in memory, so some 400 MB per building process.
SEGMENT_POSTINGS = 20_000_000
#: Documents sent to a building process at a time.
BATCH_DOCS = 500
#: Seconds between checks that building processes are still alive.
_POLL = 1.0


class SegmentBuilder:
    """Add documents to one new segment of an index, then ``finish`` it."""

    def __init__(self, ix):
        self._schema = ix.schema
        self._files = NewSegment(ix)
        #: Per indexed field: term bytes → [document numbers, weights, values, value ends].
        self._postings: dict[str, dict[bytes, list]] = {}
        #: Per scorable field, each document's length as Whoosh rounds it when stored.
        self._lengths = {name: array("I") for name, field in self._schema.items() if field.scorable}
        self.doc_count = 0
        self.posting_count = 0

    def add(self, doc: Mapping) -> None:
        """Add one document (field name → value), as ``IndexWriter.add_document`` would."""
        docnum = self.doc_count
        lengths = dict.fromkeys(self._lengths, 0)
        fields = []
        for name in sorted(doc):
            value = doc[name]
            if value is None:
                continue
            field = self._schema[name]
            length = 0
            if field.indexed:
                terms = self._postings.setdefault(name, {})
                items = list(field.index(value))
                for tbytes, freq, weight, vbytes in items:
                    postings = terms.get(tbytes)
                    if postings is None:
                        postings = terms[tbytes] = [array("I"), array("f"), bytearray(), array("I")]
                    docnums, weights, values, ends = postings
                    docnums.append(docnum)
                    weights.append(weight)
                    values += vbytes
                    ends.append(len(values))
                    length += freq
                self.posting_count += len(items)
                if field.scorable:
                    lengths[name] = length
            fields.append((name, field, value, length))
        self._files.add_document(docnum, fields)
        for name, length in lengths.items():
            self._lengths[name].append(stored_length(length))
        self.doc_count += 1

    def finish(self):
        """Write the postings and close the segment; return it for the index's TOC.

        Only a builder that was given documents has a segment to finish.
        """
        segment = self._files.finish(self._schema, self._postings, self._lengths, self.doc_count)
        file = self._files.create_file(keys.EXTENSION)
        try:
            keys.write(file, self._postings, positional_fields(self._schema))
        finally:
            file.close()
        self._postings.clear()
        return segment


def build_segments(ix, docs: Iterable[Mapping], procs: int = 1) -> list:
    """Write docs into new segments of ix, in ``procs`` processes; return the segments.

    The caller holds the index's write lock and commits the segments into its TOC.
    """
    if procs <= 1:
        return _build(ix, docs)
    return _build_in_processes(ix, docs, procs)


def _build(ix, docs: Iterable[Mapping]) -> list:
    segments, builder = [], SegmentBuilder(ix)
    for doc in docs:
        builder.add(doc)
        if builder.posting_count >= SEGMENT_POSTINGS:
            segments.append(builder.finish())
            builder = SegmentBuilder(ix)
    if builder.doc_count:
        segments.append(builder.finish())
    return segments


def _build_in_processes(ix, docs: Iterable[Mapping], procs: int) -> list:
    """Share docs among building processes that each write segments of their own."""
    # Spawned, not forked: the caller may hold database connections and threads.
    context = multiprocessing.get_context("spawn")
    batches, results = context.Queue(maxsize=procs * 2), context.Queue()
    path, indexname = ix.storage.folder, ix.indexname
    workers = [
        context.Process(target=_worker, args=(path, indexname, batches, results), daemon=True)
        for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    try:
        for batch in _batched(docs, BATCH_DOCS):
            _put(batches, batch, workers, results)
        for _ in workers:
            _put(batches, None, workers, results)
        segments = []
        for _ in workers:
            ok, payload = _get(results, workers)
            if not ok:
                raise RuntimeError(f"index building process failed: {payload}")
            segments += payload
    except BaseException:
        for worker in workers:
            worker.kill()
        # Batches no process will read would keep this process from exiting.
        batches.cancel_join_thread()
        raise
    for worker in workers:
        worker.join()
    return segments


def _worker(path: str, indexname: str, batches, results) -> None:
    """Build segments from the batches until told to stop; report them or the error."""
    try:
        ix = whoosh_index.open_dir(path, indexname=indexname)
        segments = _build(ix, (doc for batch in iter(batches.get, None) for doc in batch))
        results.put((True, segments))
    except BaseException as error:  # reported to the parent, which raises it
        results.put((False, repr(error)))


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _put(batches, item, workers, results) -> None:
    while True:
        # While there is work to hand out, every process should still be running: a stopped
        # one fails the build before the next batch, not after the others did all the work.
        # (A process told to stop, by None, may have finished and exited: that is no failure.)
        if item is not None and any(not worker.is_alive() for worker in workers):
            _raise_reported_failure(results)
            raise RuntimeError("an index building process ended before its work was done")
        try:
            return batches.put(item, timeout=_POLL)
        except queue.Full:
            continue


def _raise_reported_failure(results) -> None:
    """Raise the error a stopped process reported, if it reported one.

    A process that fails puts its error on ``results`` before it exits, and its queue's
    feeder thread flushes that on exit; so once a process is seen dead, its report (if
    any) can be read. Without this, which message came out depended on which of the two
    checks saw the failure first.
    """
    try:
        ok, payload = results.get(timeout=_POLL)
    except queue.Empty:
        return
    if not ok:
        raise RuntimeError(f"index building process failed: {payload}") from None


def _get(results, workers):
    while True:
        try:
            return results.get(timeout=_POLL)
        except queue.Empty:
            # A process that reported and exited is fine; one that died (killed, out of
            # memory) or exited without reporting would leave the parent waiting forever.
            failed = any(worker.exitcode not in (None, 0) for worker in workers)
            if failed or all(worker.exitcode == 0 for worker in workers) and results.empty():
                raise RuntimeError("an index building process ended without reporting") from None
