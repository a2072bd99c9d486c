"""Extract the text layer of PDF files with PDFium (pypdfium2).

PDFium reads a 44-page two-column minutes file in about a second where pypdf took over
twenty (see bench/minutes_extract.py), but it writes every gap between words as one space.
The parser needs the wide gap that ends a speaker's label (`◯위원장 이군현  좌석을…`), so
`_widen_label_gap` measures it on the page and writes it as two spaces again.
"""

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .base import Extraction, ExtractionError, Limits, TextBudget, broken

MAGIC = b"%PDF-"
# A page with fewer characters than this is treated as an image (scanned) page.
_MIN_PAGE_CHARS = 10
# The label's wide space, measured against the glyph height and against the gap between
# the label's own words: word gaps measure 0.5–1.0 of the height in justified minutes and
# the label's gap 1.0–1.6, but it is always about twice the title–name gap before it.
_WIDE_GAP = 1.1
_WIDER_THAN_LABEL_GAP = 1.6
# A turn's first line: the marker at a line start, then up to three label words.
_TURN_START = re.compile(r"(?:^|\n)[○◯〇]")
_LABEL_WORDS = 3

NO_TEXT_MESSAGE = (
    "글자 정보가 없는 PDF(스캔 이미지)입니다. 글자를 인식(OCR)한 PDF나 HWP 원본을 올리거나 "
    "본문을 붙여 넣어 주세요."
)
ENCRYPTED_MESSAGE = (
    "암호가 걸린 PDF 파일은 읽을 수 없습니다. 암호를 해제해 다시 올리거나 본문을 붙여 넣어 주세요."
)


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return the text of every page, pages separated by a form feed."""
    budget = TextBudget((limits or Limits()).max_chars)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError("encrypted", ENCRYPTED_MESSAGE) from exc
        raise broken("PDF") from exc
    try:
        pages = [budget.take([_page_text(document[index])])[0] for index in range(len(document))]
    except pdfium.PdfiumError as exc:
        raise broken("PDF") from exc
    finally:
        document.close()
    blank = sum(len(page.strip()) < _MIN_PAGE_CHARS for page in pages)
    if not pages or blank == len(pages):
        raise ExtractionError("no_text_layer", NO_TEXT_MESSAGE)
    warnings = []
    if blank:
        warnings.append(f"{len(pages)}쪽 중 {blank}쪽에 글자 정보가 없습니다(스캔 이미지인 듯함).")
    return Extraction(
        text="\f".join(pages),
        extractor=f"pypdfium2 {pdfium.PYPDFIUM_INFO} (PDFium {pdfium.PDFIUM_INFO})",
        file_type="pdf",
        warnings=warnings,
    )


def _page_text(page) -> str:
    """Return one page's text with the speaker labels' wide gaps kept."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        # Each character of the text is one PDFium character, so indexes match the boxes.
        if len(text) != textpage.count_chars():
            return text
        return _widen_label_gap(text, textpage)
    finally:
        textpage.close()
        page.close()


def _widen_label_gap(text: str, textpage) -> str:
    """Write the wide gap after each turn's label as two spaces."""
    widened = []
    for match in _TURN_START.finditer(text):
        line_end = text.find("\r", match.end())
        line = range(match.end(), line_end if line_end != -1 else len(text))
        spaces = [index for index in line if text[index] == " "][:_LABEL_WORDS]
        if (wide := _wide_gap(textpage, spaces)) is not None:
            widened.append(wide)
    for index in reversed(widened):
        text = text[:index] + " " + text[index:]
    return text


def _wide_gap(textpage, spaces: list[int]) -> int | None:
    """Return the index of the first space among ``spaces`` that is the label's wide gap."""
    narrowest = None
    for index in spaces:
        try:
            left, bottom, right, top = textpage.get_charbox(index - 1)
            gap = textpage.get_charbox(index + 1)[0] - right
        except pdfium.PdfiumError:
            return None
        if gap > _WIDE_GAP * (top - bottom) or (
            narrowest is not None and gap > _WIDER_THAN_LABEL_GAP * narrowest
        ):
            return index
        narrowest = gap if narrowest is None else min(narrowest, gap)
    return None
