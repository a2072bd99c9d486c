"""Extract the text layer of PDF files with PDFium (pypdfium2).

PDFium reads a 44-page two-column minutes file in about a second where pypdf took over
twenty (see bench/minutes_extract.py), but it writes every gap between words as one space.
The parser needs the wide gap that ends a speaker's label (`◯위원장 이군현  좌석을…`), so
`_label_gaps` measures it on the page and writes it as two spaces again.

Two-column minutes put both columns' lines at the same heights, and PDFium joins them
into one line. So lines are rebuilt from the characters' boxes (a jump across the gutter
starts a new line), read column by column, and a line that runs to the column's edge is
joined with the next, without a space where a word was broken across the two.
"""

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

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
# A turn's first line: the marker at a line start (or after a space, where PDFium ran two
# columns' lines together), then up to three label words.
_TURN_START = re.compile(r"(?:^|\s)[○◯〇]")
_LABEL_WORDS = 3
# A jump across the page's middle wider than this many glyph heights is the gutter.
_GUTTER = 1.5
# A line ending within this many glyph heights of its column's right edge runs on.
_FULL_LINE = 1.5
# A line starting this many glyph heights right of the column's left edge is indented.
_INDENT = 0.5
# Lines further apart than this many glyph heights belong to different paragraphs.
_LINE_SPACING = 2.5
# What never continues a paragraph: a turn, a stage direction, a numbered heading. A line
# starting `다. ` or `요. ` is the end of a sentence cut before its last syllable, never an
# item `가.`–`하.`: joined back, it no longer reads as an agenda heading.
_STARTS_BLOCK = re.compile(r"\s*(?:[○◯〇(（]|\d{1,3}\.\s)")
_HANGUL = re.compile(r"[가-힣]")
_NUMBERED = re.compile(r"\s*\d{1,3}\.\s")
# The running head of National Assembly minutes: `제299회－…제4차(2011년4월28일)  1`.
_RUNNING_HEAD = re.compile(r"제\d+회\s*[－-].*\(\d{4}년\s*\d+월\s*\d+일\)")

NO_TEXT_MESSAGE = (
    "글자 정보가 없는 PDF(스캔 이미지)입니다. 글자를 인식(OCR)한 PDF나 HWP 원본을 올리거나 "
    "본문을 붙여 넣어 주세요."
)
ENCRYPTED_MESSAGE = (
    "암호가 걸린 PDF 파일은 읽을 수 없습니다. 암호를 해제해 다시 올리거나 본문을 붙여 넣어 주세요."
)


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return the text of every page in reading order, pages separated by a form feed."""
    budget = TextBudget((limits or Limits()).max_chars)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError("encrypted", ENCRYPTED_MESSAGE) from exc
        raise broken("PDF") from exc
    try:
        pages = []
        for index in range(len(document)):
            lines = _page_lines(document[index])
            budget.take([line.text for line in lines])  # refuses as soon as a page is past it
            pages.append(lines)
    except pdfium.PdfiumError as exc:
        raise broken("PDF") from exc
    finally:
        document.close()
    words = _whole_words(pages)
    texts = ["\n".join(_join_paragraphs(lines, words)) for lines in pages]
    blank = sum(len(page.strip()) < _MIN_PAGE_CHARS for page in texts)
    if not texts or blank == len(texts):
        raise ExtractionError("no_text_layer", NO_TEXT_MESSAGE)
    warnings = []
    if blank:
        warnings.append(f"{len(texts)}쪽 중 {blank}쪽에 글자 정보가 없습니다(스캔 이미지인 듯함).")
    return Extraction(
        text="\f".join(texts),
        extractor=f"pypdfium2 {pdfium.PYPDFIUM_INFO} (PDFium {pdfium.PDFIUM_INFO})",
        file_type="pdf",
        warnings=warnings,
    )


@dataclass
class _Line:
    """One line of one column, with where it lies on the page (PDF points, y upwards)."""

    text: str
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    height: float = 0.0
    #: 0 left column, 1 right column, -1 across the middle (or no geometry known).
    column: int = -1
    #: Set when the line runs to its column's edge and its paragraph goes on below.
    runs_on: bool = False


def _page_lines(page) -> list[_Line]:
    """Return one page's lines in reading order, each marked when it runs on."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        # Each character of the text is one PDFium character, so indexes match the boxes.
        if len(text) != textpage.count_chars():
            return [_Line(line) for line in text.splitlines()]
        middle = page.get_width() / 2
        lines = _split_lines(text, textpage, _label_gaps(text, textpage), middle)
        return _reading_order(lines, middle)
    finally:
        textpage.close()
        page.close()


def _split_lines(text: str, textpage, gaps: set[int], middle: float) -> list[_Line]:
    """Cut the text into lines at line breaks and at jumps across the gutter in the middle."""
    lines: list[_Line] = []
    parts: list[str] = []
    last = None  # the previous visible character's box
    first = None
    # The tallest glyph of the line so far: a full stop's box is no measure of the type size.
    height = 1.0
    top = 0.0

    def close() -> None:
        nonlocal parts, last, first, height, top
        content = "".join(parts).strip()
        if content and first is not None:
            lines.append(_Line(content, first[0], last[2], top, height))
        parts, last, first, height, top = [], None, None, 1.0, 0.0

    for index, char in enumerate(text):
        if char in "\r\n":
            close()
            continue
        if char.isspace():
            parts.append("  " if index in gaps else char)
            continue
        box = textpage.get_charbox(index)
        if last is not None:
            gap = box[0] - last[2]
            gutter = last[2] - _GUTTER * height < middle < box[0] + _GUTTER * height
            across = gap > _GUTTER * height and (gutter or gap > 2 * _GUTTER * height)
            if across or box[2] < last[0] or abs(box[1] - last[1]) > height:
                close()
        if first is None:
            first = box
        last = box
        height = max(height, box[3] - box[1])
        top = max(top, box[3])
        parts.append(char)
    close()
    return lines


def _reading_order(lines: list[_Line], middle: float) -> list[_Line]:
    """Order lines top to bottom, the left column before the right between full-width lines."""
    for line in lines:
        line.column = 0 if line.right <= middle else 1 if line.left >= middle else -1
    ordered: list[_Line] = []
    columns: tuple[list[_Line], list[_Line]] = ([], [])
    for line in sorted(lines, key=lambda line: -line.top):
        if line.column == -1:
            ordered += columns[0] + columns[1]
            columns[0].clear()
            columns[1].clear()
            ordered.append(line)
        else:
            columns[line.column].append(line)
    ordered += columns[0] + columns[1]
    _mark_runs_on(ordered)
    return ordered


def _mark_runs_on(lines: list[_Line]) -> None:
    """Mark lines that reach their column's right edge and go on in the line below."""
    edges = {}
    for column in (-1, 0, 1):
        same = [line for line in lines if line.column == column]
        if same:
            edges[column] = (min(line.left for line in same), max(line.right for line in same))
    for line, below in zip(lines, lines[1:], strict=False):
        right = edges[line.column][1]
        if below.column == line.column:
            # A numbered heading that wraps indents its second line.
            follows = 0 < line.top - below.top <= _LINE_SPACING * line.height and (
                below.left <= edges[below.column][0] + _INDENT * line.height
                or _NUMBERED.match(line.text) is not None
            )
        else:
            # From the foot of the left column to the head of the right one.
            follows = (line.column, below.column) == (0, 1) and below.left <= edges[1][0] + (
                _INDENT * line.height
            )
        line.runs_on = (
            follows
            and line.right >= right - _FULL_LINE * line.height
            and not _STARTS_BLOCK.match(below.text)
            and not _RUNNING_HEAD.search(below.text)
        )


def _whole_words(pages: list[list[_Line]]) -> list[str]:
    """Return the sorted words seen inside lines: never cut, unlike a line's first and last."""
    counts: Counter[str] = Counter()
    for lines in pages:
        for line in lines:
            counts.update(line.text.split()[1:-1])
    return sorted(counts)


def _known(word: str, words: list[str], *, prefix: bool = False) -> bool:
    at = bisect_left(words, word)
    return at < len(words) and (words[at] == word or (prefix and words[at].startswith(word)))


def _join_paragraphs(lines: list[_Line], words: list[str]) -> list[str]:
    """Join lines that run on; a word cut at the line end is made whole again."""
    joined: list[str] = []
    carried = False
    for line in lines:
        if carried:
            joined[-1] = _join(joined[-1], line.text, words)
        else:
            joined.append(line.text)
        carried = line.runs_on
    return joined


def _join(before: str, after: str, words: list[str]) -> str:
    """Join two lines of a paragraph, with a space unless a word was cut between them."""
    tail, head = before.split()[-1], after.split()[0]
    if not (_HANGUL.match(tail[-1]) and _HANGUL.match(head[0])):
        return f"{before} {after}"
    whole = tail + head
    if _known(whole, words):
        return before + after
    if _known(tail, words) and _known(head, words):
        return f"{before} {after}"
    if _known(whole, words, prefix=True) or not _known(tail, words):
        return before + after
    return f"{before} {after}"


def _label_gaps(text: str, textpage) -> set[int]:
    """Return the indexes of the spaces that are the wide gap after a turn's label."""
    widened = set()
    for match in _TURN_START.finditer(text):
        line_end = text.find("\r", match.end())
        line = range(match.end(), line_end if line_end != -1 else len(text))
        spaces = [index for index in line if text[index] == " "][:_LABEL_WORDS]
        if (wide := _wide_gap(textpage, spaces)) is not None:
            widened.add(wide)
    return widened


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
