"""Extract the text layer of PDF files with pypdf."""

import io
import logging

import pypdf
from pypdf.errors import PdfReadError

from .base import Extraction, ExtractionError, broken

MAGIC = b"%PDF-"
# A page with fewer characters than this is treated as an image (scanned) page.
_MIN_PAGE_CHARS = 10

NO_TEXT_MESSAGE = (
    "글자 정보가 없는 PDF(스캔 이미지)입니다. 글자를 인식(OCR)한 PDF나 HWP 원본을 올리거나 "
    "본문을 붙여 넣어 주세요."
)
ENCRYPTED_MESSAGE = (
    "암호가 걸린 PDF 파일은 읽을 수 없습니다. 암호를 해제해 다시 올리거나 본문을 붙여 넣어 주세요."
)


def extract(data: bytes) -> Extraction:
    """Return the text of every page, pages separated by a form feed."""
    # pypdf logs every recoverable defect of a damaged file; the uploader cannot act on them.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("encrypted", ENCRYPTED_MESSAGE)
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise broken("PDF") from exc
    blank = sum(len(page.strip()) < _MIN_PAGE_CHARS for page in pages)
    if not pages or blank == len(pages):
        raise ExtractionError("no_text_layer", NO_TEXT_MESSAGE)
    warnings = []
    if blank:
        warnings.append(f"{len(pages)}쪽 중 {blank}쪽에 글자 정보가 없습니다(스캔 이미지인 듯함).")
    return Extraction(
        text="\f".join(pages),
        extractor=f"pypdf {pypdf.__version__}",
        file_type="pdf",
        warnings=warnings,
    )
