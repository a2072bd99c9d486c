"""Tell a file's format from its content; the file name is only a tie-breaker."""

from . import docx, hwp, hwpx, pdf, text
from .base import ExtractionError
from .package import SafeZip

_ZIP_MAGIC = b"PK\x03\x04"


def detect_type(data: bytes, filename: str = "") -> str:
    """Return 'hwp', 'hwpx', 'docx', 'pdf' or 'text', or 'hwp3', 'zip' or 'unknown'."""
    if data.startswith(hwp.HWP3_SIGNATURE):
        return "hwp3"
    if hwp.is_hwp(data):
        return "hwp"
    # PDF writers may put junk before the header; readers accept it within the first 1 KB.
    if pdf.MAGIC in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return _zip_type(data, filename)
    if text.decode(data) is not None:
        return "text"
    return "unknown"


def _zip_type(data: bytes, filename: str) -> str:
    """Classify a ZIP as HWPX or DOCX by its members."""
    try:
        archive = SafeZip(data)
        if hwpx.is_hwpx(archive):
            return "hwpx"
        if docx.is_docx(archive):
            return "docx"
    except ExtractionError:
        # A damaged package is still most likely what its name says.
        suffix = filename.lower().rpartition(".")[2]
        return suffix if suffix in ("hwpx", "docx") else "zip"
    return "zip"
