"""Extract text from HWP 5.x files: an OLE2 compound file of zlib-packed record streams."""

import struct
import zlib

import olefile

from .base import (
    Extraction,
    ExtractionError,
    Limits,
    TextBudget,
    broken,
    too_large,
    too_many_sections,
    unsupported,
)

SIGNATURE = b"HWP Document File"
# HWP 3.x files are not OLE2; they start with this text and need a different reader.
HWP3_SIGNATURE = b"HWP Document File V3"

# FileHeader properties bits (HWP 5.0 spec, table 3).
_FLAG_COMPRESSED = 1 << 0
_FLAG_PASSWORD = 1 << 1
_FLAG_DISTRIBUTION = 1 << 2

# Record tags (HWPTAG_BEGIN = 0x10).
_TAG_PARA_HEADER = 0x10 + 50
_TAG_PARA_TEXT = 0x10 + 51
# A record header's 12-bit size field holds this when the real size follows as 4 bytes.
_SIZE_EXTENDED = 0xFFF

# PARA_TEXT control characters occupy 8 UTF-16 units (the code, 6 units of data, the code
# again) except these, which are one unit like ordinary characters.
_SINGLE_UNIT_CONTROLS = {0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31}
_CONTROL_TEXT = {
    9: "\t",  # tab, an 8-unit inline control
    10: "\n",  # line break inside a paragraph
    24: "-",  # hyphen
    30: " ",  # non-breaking space
    31: " ",  # fixed-width space
}

ENCRYPTED_MESSAGE = (
    "암호가 걸린 HWP 파일은 읽을 수 없습니다. 암호를 해제해 다시 올리거나 본문을 붙여 넣어 주세요."
)
DISTRIBUTION_MESSAGE = (
    "배포용(편집 제한) HWP 파일은 읽을 수 없습니다. 일반 문서로 저장해 다시 올리거나 "
    "본문을 붙여 넣어 주세요."
)


def is_hwp(data: bytes) -> bool:
    """Tell whether the bytes are an OLE2 file with an HWP 5 FileHeader."""
    if not data.startswith(olefile.MAGIC):
        return False
    try:
        with olefile.OleFileIO(data) as ole:
            return ole.exists("FileHeader") and _read(ole, "FileHeader", Limits()).startswith(
                SIGNATURE
            )
    except (OSError, ValueError, IndexError, struct.error):
        return False


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return the text of every paragraph of every section, one paragraph a line."""
    limits = limits or Limits()
    if data.startswith(HWP3_SIGNATURE):
        raise unsupported("HWP 3.0 이하")
    try:
        ole = olefile.OleFileIO(data)
    except OSError as exc:
        raise broken("OLE2") from exc
    with ole:
        compressed = _check_header(_read(ole, "FileHeader", limits))
        paragraphs: list[str] = []
        streams = _section_streams(ole)
        if len(streams) > limits.max_sections:
            raise too_many_sections(len(streams), limits.max_sections)
        budget = TextBudget(limits.max_chars)
        unpacked = limits.max_unpacked_bytes
        for stream in streams:
            body = _read(ole, stream, limits)
            if compressed:
                body = _inflate(body, unpacked, limits.max_unpacked_bytes)
            # Sections together, not each one, stay within the unpack limit.
            unpacked -= len(body)
            if unpacked < 0:
                raise too_large(limits.max_unpacked_bytes)
            paragraphs.extend(budget.take(_paragraphs(body)))
    return Extraction(text="\n".join(paragraphs), extractor="hwp5-olefile", file_type="hwp")


def _read(ole: olefile.OleFileIO, name: str, limits: Limits) -> bytes:
    """Return a stream's bytes, refusing streams larger than the unpack limit."""
    if ole.get_size(name) > limits.max_unpacked_bytes:
        raise too_large(limits.max_unpacked_bytes)
    with ole.openstream(name) as stream:
        return stream.read()


def _check_header(header: bytes) -> bool:
    """Validate the FileHeader and return whether the body streams are compressed."""
    if len(header) < 40 or not header.startswith(SIGNATURE):
        raise broken("FileHeader")
    (flags,) = struct.unpack_from("<I", header, 36)
    if flags & _FLAG_PASSWORD:
        raise ExtractionError("encrypted", ENCRYPTED_MESSAGE)
    if flags & _FLAG_DISTRIBUTION:
        raise ExtractionError("encrypted", DISTRIBUTION_MESSAGE)
    return bool(flags & _FLAG_COMPRESSED)


def _section_streams(ole: olefile.OleFileIO) -> list[str]:
    """Return BodyText/SectionN stream names in section order."""
    numbers = []
    for path in ole.listdir(streams=True, storages=False):
        if len(path) == 2 and path[0] == "BodyText" and path[1].startswith("Section"):
            suffix = path[1].removeprefix("Section")
            if suffix.isdigit():
                numbers.append(int(suffix))
    if not numbers:
        raise broken("BodyText 없음")
    return [f"BodyText/Section{n}" for n in sorted(numbers)]


def _inflate(body: bytes, limit: int, total: int) -> bytes:
    """Inflate a raw-deflate section stream, stopping at ``limit`` bytes (of ``total``)."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(body, max(limit, 0) + 1)
    except zlib.error as exc:
        raise broken("압축 해제 실패") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise too_large(total)
    return out


def _records(body: bytes):
    """Yield (tag, payload) for each record; levels are not needed for flat text."""
    pos = 0
    end = len(body)
    while pos + 4 <= end:
        (header,) = struct.unpack_from("<I", body, pos)
        pos += 4
        tag = header & 0x3FF
        size = header >> 20
        if size == _SIZE_EXTENDED:
            if pos + 4 > end:
                raise broken("레코드 길이")
            (size,) = struct.unpack_from("<I", body, pos)
            pos += 4
        if pos + size > end:
            raise broken("레코드 길이")
        yield tag, body[pos : pos + size]
        pos += size


def _paragraphs(body: bytes) -> list[str]:
    """Return one string per paragraph, table cells and text boxes included, in order."""
    paragraphs: list[str] = []
    for tag, payload in _records(body):
        if tag == _TAG_PARA_HEADER:
            # A paragraph without PARA_TEXT is an empty line; keep it so breaks survive.
            paragraphs.append("")
        elif tag == _TAG_PARA_TEXT and paragraphs:
            paragraphs[-1] = _decode_para_text(payload)
    return paragraphs


def _decode_para_text(payload: bytes) -> str:
    """Decode PARA_TEXT UTF-16LE, skipping the 8-unit inline and extended controls."""
    units = memoryview(payload[: len(payload) // 2 * 2]).cast("H")
    out = []
    i = 0
    while i < len(units):
        code = units[i]
        if code >= 32:
            # Collect the run of ordinary characters in one go; surrogates stay paired.
            j = i
            while j < len(units) and units[j] >= 32:
                j += 1
            out.append(payload[2 * i : 2 * j].decode("utf-16-le", errors="replace"))
            i = j
            continue
        out.append(_CONTROL_TEXT.get(code, ""))
        i += 1 if code in _SINGLE_UNIT_CONTROLS else 8
    return "".join(out).removesuffix("\r")
