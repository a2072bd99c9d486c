"""Extract text from DOCX files: a ZIP whose word/document.xml holds the body."""

from xml.etree.ElementTree import Element

from .base import Extraction, Limits, TextBudget
from .package import SafeZip, local_name, parse_xml

DOCUMENT_PART = "word/document.xml"
# Run-level elements that stand for characters; everything else in a run is formatting.
_INLINE_TEXT = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def is_docx(archive: SafeZip) -> bool:
    """Tell whether a ZIP is a Word document by its main part."""
    return DOCUMENT_PART in archive.names()


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return each body paragraph, table cells included, one paragraph a line."""
    limits = limits or Limits()
    archive = SafeZip(data, limits)
    body = parse_xml(archive.read(DOCUMENT_PART), DOCUMENT_PART)
    lines = [_paragraph_text(p) for p in body.iter() if local_name(p) == "p"]
    TextBudget(limits.max_chars).take(lines)
    return Extraction(text="\n".join(lines), extractor="docx-zip", file_type="docx")


def _paragraph_text(paragraph: Element) -> str:
    """Join a <w:p>'s text and inline breaks, skipping nested paragraphs (text boxes)."""
    parts = []
    stack = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        name = local_name(element)
        if name == "p":
            continue
        if name == "t":
            parts.append(element.text or "")
        else:
            parts.append(_INLINE_TEXT.get(name, ""))
        stack.extend(reversed(element))
    return "".join(parts)
