"""Extract plain text from uploaded minutes files (HWP, HWPX, PDF, DOCX, text).

Every extractor treats its input as hostile: sizes are capped before anything is unpacked,
XML is parsed without entities, and `extract_text` runs the extractor in a child process
(see sandbox.py) that is killed after `max_seconds`, so no upload can hang or crash the web server.
"""

from collections.abc import Callable

from . import docx, hwp, hwpx, pdf, sandbox, text
from .base import Extraction, ExtractionError, Limits, damaged, too_much_text, unsupported
from .detect import detect_type

__all__ = [
    "MAX_INPUT_BYTES",
    "Extraction",
    "ExtractionError",
    "Limits",
    "detect_type",
    "extract_text",
]

# Uploads above this are refused before any parsing; minutes files are a few MB at most.
MAX_INPUT_BYTES = 100 * 1024 * 1024

_EXTRACTORS: dict[str, Callable[[bytes, Limits], Extraction]] = {
    "hwp": hwp.extract,
    "hwpx": hwpx.extract,
    "pdf": pdf.extract,
    "docx": docx.extract,
    "text": text.extract,
}


# Names of formats this service reads, by the suffix an uploader gives them.
_ACCEPTED_SUFFIXES = {"hwp": "HWP", "hwpx": "HWPX", "pdf": "PDF", "docx": "DOCX", "txt": "텍스트"}
# An OLE2 compound file (HWP 5, old Word): its magic survives when the rest is cut off.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extract_text(
    data: bytes,
    filename: str,
    *,
    max_seconds: float | None = 10,
    limits: Limits | None = None,
) -> Extraction:
    """Return the text of an uploaded file, or raise ExtractionError with a Korean message.

    `max_seconds=None` runs the extractor in this process without a time limit; use it only
    for trusted files such as benchmarks.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractionError(
            "too_large", f"파일이 {MAX_INPUT_BYTES // (1024 * 1024)}MB를 넘어 처리하지 않습니다."
        )
    limits = limits or Limits()
    if max_seconds is None:
        return extract_in_process(data, filename, limits)
    return sandbox.run(data, filename, max_seconds, limits)


def extract_in_process(data: bytes, filename: str, limits: Limits | None = None) -> Extraction:
    """Detect the type and extract in this process, with no time limit."""
    limits = limits or Limits()
    file_type = detect_type(data, filename)
    extractor = _EXTRACTORS.get(file_type)
    if extractor is None:
        if file_type == "unknown" and (label := _damaged_label(data, filename)):
            raise damaged(label)
        raise unsupported(_describe(file_type, filename))
    extraction = extractor(data, limits)
    if len(extraction.text) > limits.max_chars:
        raise too_much_text(limits.max_chars)
    if not extraction.text.strip():
        extraction.warnings.append("파일에 본문 글자가 없습니다.")
    return extraction


def _damaged_label(data: bytes, filename: str) -> str | None:
    """Name the accepted format an unreadable file claims to be, by its header or name."""
    if data.startswith(_OLE_MAGIC):
        return "HWP"
    return _ACCEPTED_SUFFIXES.get(filename.lower().rpartition(".")[2])


def _describe(file_type: str, filename: str) -> str:
    """Name an unsupported upload in words the uploader recognises."""
    if file_type == "hwp3":
        return "HWP 3.0 이하 문서"
    if file_type == "zip":
        return "HWPX나 DOCX가 아닌 ZIP 파일"
    return filename.rpartition(".")[2] or "알 수 없는 파일"
