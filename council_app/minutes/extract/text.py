"""Decode plain-text minutes whose encoding is unknown (UTF-8, UTF-16, CP949 …)."""

import codecs
import re

import charset_normalizer

from .base import Extraction, Limits, too_much_text, unsupported

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Korean offices save text as UTF-8 or CP949 (a superset of EUC-KR); try them before guessing.
_LIKELY = ("utf-8", "cp949")
# C0 controls other than tab, newlines, form feed and DOS end-of-file mean binary data.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")


def decode(data: bytes) -> tuple[str, str] | None:
    """Return (text, encoding) when the bytes read as text, else None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data, encoding)
    for encoding in _LIKELY:
        if (result := _checked(data, encoding)) is not None:
            return result
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    return _checked(data, best.encoding)


# No encoding spends more than four bytes on a character, so a file of more bytes than
# four per allowed character holds too much text whatever it is, without decoding it.
_MAX_BYTES_PER_CHAR = 4


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return the decoded text, naming the encoding in the extractor label."""
    limits = limits or Limits()
    if len(data) > _MAX_BYTES_PER_CHAR * limits.max_chars:
        raise too_much_text(limits.max_chars)
    decoded = decode(data)
    if decoded is None:
        raise unsupported("알 수 없는 이진 파일")
    text, encoding = decoded
    return Extraction(text=text, extractor=f"text-{encoding}", file_type="text")


def _checked(data: bytes, encoding: str) -> tuple[str, str] | None:
    """Decode strictly and reject results that contain binary control characters."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if _BINARY_CONTROL.search(text):
        return None
    return text, encoding.removesuffix("-sig")
