"""Extract plain text from uploaded minutes files (HWP, HWPX, PDF, DOCX, text).

Every extractor treats its input as hostile: sizes are capped before anything is unpacked,
XML is parsed without entities, and `extract_text` runs the extractor in a child process
(see sandbox.py) that is killed after `max_seconds`, so no upload can hang or crash the web server.
"""

from collections.abc import Callable

from . import docx, hwp, hwpx, pdf, sandbox, text
from .base import Extraction, ExtractionError, unsupported
from .detect import detect_type

__all__ = ["MAX_INPUT_BYTES", "Extraction", "ExtractionError", "detect_type", "extract_text"]

# Uploads above this are refused before any parsing; minutes files are a few MB at most.
MAX_INPUT_BYTES = 100 * 1024 * 1024

_EXTRACTORS: dict[str, Callable[[bytes], Extraction]] = {
    "hwp": hwp.extract,
    "hwpx": hwpx.extract,
    "pdf": pdf.extract,
    "docx": docx.extract,
    "text": text.extract,
}


def extract_text(data: bytes, filename: str, *, max_seconds: float | None = 30) -> Extraction:
    """Return the text of an uploaded file, or raise ExtractionError with a Korean message.

    `max_seconds=None` runs the extractor in this process without a time limit; use it only
    for trusted files such as benchmarks.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractionError(
            "too_large", f"파일이 {MAX_INPUT_BYTES // (1024 * 1024)}MB를 넘어 처리하지 않습니다."
        )
    if max_seconds is None:
        return extract_in_process(data, filename)
    return sandbox.run(data, filename, max_seconds)


def extract_in_process(data: bytes, filename: str) -> Extraction:
    """Detect the type and extract in this process, with no time limit."""
    file_type = detect_type(data, filename)
    extractor = _EXTRACTORS.get(file_type)
    if extractor is None:
        raise unsupported(_describe(file_type, filename))
    extraction = extractor(data)
    if not extraction.text.strip():
        extraction.warnings.append("파일에 본문 글자가 없습니다.")
    return extraction


def _describe(file_type: str, filename: str) -> str:
    """Name an unsupported upload in words the uploader recognises."""
    if file_type == "hwp3":
        return "HWP 3.0 이하 문서"
    if file_type == "zip":
        return "HWPX나 DOCX가 아닌 ZIP 파일"
    return filename.rpartition(".")[2] or "알 수 없는 파일"
