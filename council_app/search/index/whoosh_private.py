"""Every use of whoosh-reloaded's private parts: its codec's files, written and read directly.

The segment writer (``segments``) and the matching (``matching``) are fast because they
write and read the blocks of Whoosh's posting files themselves, open its per-document
files and read its length columns whole. Those formats are Whoosh's own, undocumented and
free to change in any release, so all that knows them is here, and the rest of
``council_app.search`` uses Whoosh's public API and this module only
(``tests/search/test_whoosh_fence.py`` fails otherwise).

It was written for, and tested with, whoosh-reloaded ``TESTED_VERSION``, the exact pin in
pyproject.toml. Importing it with any other version raises :class:`UntestedWhoosh`,
which says what to do; ``COUNCIL_WHOOSH_UNTESTED=1`` lets it load anyway, for the
compatibility tests (``tests/search/test_segments.py``, ``test_matching.py``) to be run
against the new version before the pin is moved.
"""

import io
import operator
import os
import pickle
import sys
import zlib
from array import array
from itertools import accumulate, repeat

import whoosh
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound

# pack_uint: how the Frequency format encodes a posting, for schema's inlined encoding.
from whoosh.system import pack_uint as pack_uint
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

#: The whoosh-reloaded release whose private formats this module was checked against.
TESTED_VERSION = "2.7.5"
#: Set to 1 to load with another version anyway, to run the compatibility tests.
UNTESTED_ENV = "COUNCIL_WHOOSH_UNTESTED"

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
#: A field's length as Whoosh stores it (one byte, rounded), back to a number, by byte.
LENGTHS = [byte_to_length(n) for n in range(256)]


class UntestedWhoosh(ImportError):
    """The installed whoosh-reloaded is not the version this module was tested with."""


def check_version(installed: str, allow_untested: bool = False) -> None:
    """Raise UntestedWhoosh unless ``installed`` is TESTED_VERSION (or it is allowed)."""
    if installed == TESTED_VERSION or allow_untested:
        return
    raise UntestedWhoosh(
        f"whoosh-reloaded {installed} is installed, but council_app/search/index/"
        f"whoosh_private.py reads and writes the private file formats of {TESTED_VERSION}. "
        f"Either install whoosh-reloaded=={TESTED_VERSION} (the pin in pyproject.toml), or "
        f"run `{UNTESTED_ENV}=1 pytest tests/search` with {installed}; if every test passes, "
        f'set TESTED_VERSION = "{installed}" in that module and the pin in pyproject.toml '
        f"to whoosh-reloaded=={installed}; if not, fix that module first."
    )


check_version(whoosh.versionstring(), allow_untested=os.environ.get(UNTESTED_ENV) == "1")


# --- the index's folder -----------------------------------------------------------------


def folder_lock(path: str, name: str):
    """Return Whoosh's file lock ``name`` in the folder (``acquire``/``release``)."""
    return FileStorage(path).lock(name)


# --- writing a segment --------------------------------------------------------------------


def stored_length(length: int) -> int:
    """Return a field length as Whoosh rounds it when it stores it."""
    return byte_to_length(length_to_byte(length)) if length else 0


class NewSegment:
    """The files of one new segment, written through Whoosh's codec."""

    def __init__(self, ix):
        self._storage = ix.storage
        self._codec = default_codec()
        self.segment = self._codec.new_segment(ix.storage, ix.indexname)
        # Opened with the first document: the writer opens a temporary file at once, which
        # a segment that never gets a document would leave open.
        self._perdoc = None

    def add_document(self, docnum: int, fields) -> None:
        """Store one document's fields: (name, field, value, indexed length) each."""
        if self._perdoc is None:
            self._perdoc = self._codec.per_document_writer(self._storage, self.segment)
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name, field, value, length in fields:
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()

    def create_file(self, ext: str):
        """Open a new file of the segment's own name with extension ``ext``, for writing."""
        return self.segment.create_file(self._storage, ext)

    def finish(self, schema, postings: dict, lengths: dict, doc_count: int):
        """Write the postings and close the segment; return it for the index's TOC.

        ``postings``: per field, term bytes → [document numbers, weights, values, value
        ends], in document order; ``lengths``: per scorable field, each document's stored
        length. Only a segment that was given documents can be finished.
        """
        self._perdoc.close()
        fieldwriter = self._codec.field_writer(self._storage, self.segment)
        for name in sorted(postings):
            fieldwriter.start_field(name, schema[name])
            terms = postings[name]
            fixed_size = schema[name].format.fixed_value_size()
            for tbytes in sorted(terms):
                _write_term(fieldwriter, fixed_size, tbytes, terms[tbytes], lengths.get(name))
            fieldwriter.finish_field()
        fieldwriter.close()
        self.segment.set_doc_count(doc_count)
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


# --- reading ------------------------------------------------------------------------------


class PostingBlocks:
    """One term's posting list in one segment, as the blocks of the postings file."""

    def __init__(self, buffer: bytes, blocks: list, fmt, frequency: int):
        #: The field's format, which reads positions out of a posting's value.
        self.format = fmt
        self._buffer, self._fixed_size = buffer, fmt.fixed_value_size()
        #: Per block: (last document number, postings, data start, data end, compressed).
        self._blocks = blocks
        self._inlined = None
        #: Each block's last document number.
        self.last_ids = [block[0] for block in blocks]
        #: How many documents hold the term.
        self.frequency = frequency

    def __len__(self) -> int:
        return len(self._blocks)

    def decode_positions(self, value) -> list[int]:
        """Return the positions a posting's value holds."""
        return self.format.decode_positions(value)

    def decode(self, n: int) -> tuple[list, list, list | None]:
        """Return block n's document numbers, weights and values (None if it has none)."""
        if self._inlined is not None:
            return self._inlined
        _, count, start, end, compression = self._blocks[n]
        data = self._buffer[start:end]
        deltas, weights, values = pickle.loads(  # noqa: S301  (see posting_blocks)
            zlib.decompress(data) if compression else data
        )
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * count
        # Each block's first delta is its first document number itself.
        return list(accumulate(deltas)), weights, _values(values, self._fixed_size, count)

    @classmethod
    def inlined(cls, ids, weights, values, fmt) -> "PostingBlocks":
        """Return the postings Whoosh kept in the term's own record."""
        blocks = cls(b"", [(ids[-1], len(ids), 0, 0, 0)], fmt, len(ids))
        blocks._inlined = (list(ids), list(weights), _values(values, blocks._fixed_size, len(ids)))
        return blocks


def posting_blocks(reader, fieldname: str, text) -> PostingBlocks | None:
    """Open a term's posting list in one segment's reader; None if the term is not there."""
    try:
        info = reader.term_info(fieldname, text)
    except TermNotFound:
        return None
    fmt = reader.schema[fieldname].format
    if info.is_inlined():
        return PostingBlocks.inlined(*info.inlined_postings(), fmt)
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
    return PostingBlocks(buffer, blocks, fmt, info.doc_frequency())


def _values(values, fixed_size, count):
    """Undo the codec's packing of a block's values."""
    if fixed_size is None or fixed_size < 0:
        return values  # a tuple, read as it is
    if fixed_size == 0:
        return None
    return [values[i : i + fixed_size] for i in range(0, count * fixed_size, fixed_size)]


def field_lengths(reader, fieldname: str) -> bytes:
    """Return the field's length byte per document of one segment (see ``LENGTHS``)."""
    perdoc, name = reader._perdoc, _lenfield(fieldname)
    raw = b""
    # A segment whose documents all left the field empty has no length column.
    if perdoc.has_column(name):
        column = perdoc.column_reader(name, LENGTHS_COLUMN)
        # A fixed-width column of a byte per document: read whole, not per document.
        raw = column._dbfile.get(column._basepos, column._count)
    return raw + bytes(reader.doc_count_all() - len(raw))


def column_codes(reader, fieldname: str) -> tuple[array, list | None]:
    """Return one segment's column whole, as (a value per document, the values by code).

    A bytes column comes back dictionary-coded: a small integer per document and the
    distinct values (as the field reads them back) by code, so a million documents cost a
    few megabytes and reading a matched document's value is two lookups in C. A number
    column comes back as its numbers and None. Read from the column's bytes at once:
    Whoosh's reader takes a file read and a decode per document.
    """
    column = reader.column_reader(fieldname, translate=False)
    count = reader.doc_count_all()
    if isinstance(column, NumericColumn.Reader):
        numbers = array(
            column._typecode, column._dbfile.get(column._basepos, column._count * column._fixedlen)
        )
        if sys.byteorder == "little":
            numbers.byteswap()  # the column is written big-endian ("!")
        numbers.extend(repeat(column._default, count - len(numbers)))
        return numbers, None
    if not isinstance(column, VarBytesColumn.Reader):
        raise TypeError(f"column {fieldname} is a {type(column).__name__}, not read whole")
    offsets, lengths = column._offsets, column._lengths
    end = offsets[-1] + lengths[-1] if len(offsets) else 0
    data = column._dbfile.get(column._basepos, end)
    raw = list(map(data.__getitem__, map(slice, offsets, map(operator.add, offsets, lengths))))
    raw.extend(repeat(b"", count - len(raw)))
    distinct = dict.fromkeys(raw)
    code_of = {value: code for code, value in enumerate(distinct)}
    typecode = "B" if len(code_of) <= 1 << 8 else "H" if len(code_of) <= 1 << 16 else "I"
    field = reader.schema[fieldname]
    return array(typecode, map(code_of.__getitem__, raw)), [
        field.from_column_value(value) for value in distinct
    ]


def segment_file_path(reader, ext: str) -> str | None:
    """Return the path of a file of the reader's segment; None if it has none such."""
    name = reader.segment().make_filename(ext)
    storage = reader.storage()
    folder = getattr(storage, "folder", None)  # a segment in memory or in a compound file
    if folder is None or not storage.file_exists(name):
        return None
    return os.path.join(folder, name)


def deleted_docs(reader) -> frozenset[int]:
    """Return the deleted document numbers of one segment's reader."""
    return reader.deleted_docs_set if reader.has_deletions() else frozenset()


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
