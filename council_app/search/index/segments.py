"""Write new index segments fast, in one process or several.

Whoosh's own writer sends every posting through a sorting pool that pickles it to disk
and back, then looks up the document's field length once per posting: three quarters of
indexing time. Documents arrive here in document-number order, so each term's postings
are already sorted when gathered in memory; they are written a block at a time through
Whoosh's own codec, so the files are exactly the ones its writer would make.
"""

import multiprocessing
import operator
import pickle
import queue
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

#: Postings gathered before a segment is written and the next one begun; about 20 bytes
#: each in memory, so some 400 MB per building process.
SEGMENT_POSTINGS = 20_000_000
#: Documents sent to a building process at a time.
BATCH_DOCS = 500
#: Postings per block, as Whoosh's codec writes them.
BLOCK_POSTINGS = 128
#: Blocks of fewer bytes are stored as they are: compressing them saves next to nothing.
COMPRESS_FROM_BYTES = 64
#: Whoosh pickles blocks with protocol 2, which has no opcode for bytes: each posting's
#: value is rebuilt by a function call when read. Protocol 5 reads a block 8 times faster
#: and makes it a third of the size; Whoosh's reader unpickles any protocol.
PICKLE_PROTOCOL = 5
#: The zlib level of Whoosh's codec.
COMPRESSION_LEVEL = 3
#: Seconds between checks that building processes are still alive.
_POLL = 1.0


class SegmentBuilder:
    """Add documents to one new segment of an index, then ``finish`` it."""

    def __init__(self, ix):
        self._schema = ix.schema
        self._storage = ix.storage
        self._codec = default_codec()
        self.segment = self._codec.new_segment(ix.storage, ix.indexname)
        # Opened with the first document: the writer opens a temporary file at once, which
        # a builder that never gets a document would leave open.
        self._perdoc = None
        #: Per indexed field: term bytes → [document numbers, weights, values, value ends].
        self._postings: dict[str, dict[bytes, list]] = {}
        #: Per scorable field, each document's length as Whoosh rounds it when stored.
        self._lengths = {name: array("I") for name, field in self._schema.items() if field.scorable}
        self.doc_count = 0
        self.posting_count = 0

    def add(self, doc: Mapping) -> None:
        """Add one document (field name → value), as ``IndexWriter.add_document`` would."""
        docnum = self.doc_count
        if self._perdoc is None:
            self._perdoc = self._codec.per_document_writer(self._storage, self.segment)
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        lengths = dict.fromkeys(self._lengths, 0)
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
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        for name, length in lengths.items():
            self._lengths[name].append(byte_to_length(length_to_byte(length)) if length else 0)
        self.doc_count += 1

    def finish(self):
        """Write the postings and close the segment; return it for the index's TOC.

        Only a builder that was given documents has a segment to finish.
        """
        self._perdoc.close()
        fieldwriter = self._codec.field_writer(self._storage, self.segment)
        for name in sorted(self._postings):
            fieldwriter.start_field(name, self._schema[name])
            terms = self._postings[name]
            lengths = self._lengths.get(name)
            fixed_size = self._schema[name].format.fixed_value_size()
            for tbytes in sorted(terms):
                _write_term(fieldwriter, fixed_size, tbytes, terms[tbytes], lengths)
            fieldwriter.finish_field()
        fieldwriter.close()
        self._postings.clear()
        self.segment.set_doc_count(self.doc_count)
        return self.segment


def _write_term(fieldwriter, fixed_size, tbytes: bytes, postings: list, lengths) -> None:
    """Write one term's posting list in the codec's block format, and its term info.

    Blocks are laid out as ``W3PostingsWriter`` lays them out, so Whoosh's reader reads
    them; what differs is the compressor, set up small (see ``_compress``), and the
    pickle protocol (see ``PICKLE_PROTOCOL``).
    """
    docnums, weights, values, ends = postings
    postfile = fieldwriter._postfile
    terminfo = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    view = memoryview(values)
    count = len(docnums)
    for first in range(0, count, BLOCK_POSTINGS):
        last = min(first + BLOCK_POSTINGS, count)
        block = _Block(docnums[first:last], weights[first:last], lengths)
        terminfo.add_block(block)
        begin = ends[first - 1] if first else 0
        if fixed_size == 0:
            block_values = None
        elif fixed_size:
            # Consecutive postings' values lie side by side: joined, they are one slice.
            block_values = bytes(view[begin : ends[last - 1]])
        else:
            bounds = zip([begin, *ends[first : last - 1]], ends[first:last], strict=True)
            block_values = tuple(bytes(view[a:b]) for a, b in bounds)
        ids = block.ids
        deltas = (ids[0], *map(operator.sub, ids[1:], ids[:-1]))
        compression, data = _compress(
            pickle.dumps((deltas, block.mini_weights(), block_values), PICKLE_PROTOCOL)
        )
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                block.max_weight(),
                compression,
                length_to_byte(block.min_length()),
                length_to_byte(block.max_length()),
            ),
            PICKLE_PROTOCOL,
        )
        size = len(info) + len(data)
        # A negative length marks the last block.
        postfile.write_int(-size if last == count else size)
        postfile.write(info)
        postfile.write(data)
    view.release()
    terminfo.set_extent(start, postfile.tell() - start)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, terminfo.to_bytes())


class _Block:
    """One block of a posting list, with the statistics ``W3TermInfo.add_block`` reads."""

    __slots__ = ("ids", "_weights", "_lengths")

    def __init__(self, ids: array, weights: array, lengths: array | None):
        self.ids = ids
        self._weights = weights
        self._lengths = [lengths[docnum] for docnum in ids] if lengths is not None else []

    def __len__(self):
        return len(self.ids)

    def min_id(self):
        return self.ids[0]

    def max_id(self):
        return self.ids[-1]

    def max_weight(self):
        return max(self._weights)

    def min_length(self):
        return min(filter(None, self._lengths), default=None)

    def max_length(self):
        return max(self._lengths, default=0)

    def mini_weights(self):
        """Return the weights as the codec stores them: None if all 1, one if all equal."""
        weights = self._weights
        if weights.count(weights[0]) == len(weights):
            return None if weights[0] == 1.0 else weights[0]
        return tuple(weights)


def _compress(data: bytes) -> tuple[int, bytes]:
    """Return (compression level, bytes): small blocks are left as they are.

    ``zlib.compress`` sets up a 256 KB state per call, 60 µs, more than writing the block
    costs; a window no larger than the block and the least memory level cost 4 µs.
    """
    if len(data) < COMPRESS_FROM_BYTES:
        return 0, data
    window = min(max(len(data).bit_length() + 1, 9), 15)
    compressor = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, window, 1)
    return COMPRESSION_LEVEL, compressor.compress(data) + compressor.flush()


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
