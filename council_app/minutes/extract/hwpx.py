"""Extract text from HWPX files: a ZIP of OWPML section XML (KS X 6101)."""

import re
from xml.etree.ElementTree import Element

from .base import Extraction, Limits, TextBudget, too_many_sections
from .package import SafeZip, local_name, parse_xml

MIMETYPE = b"application/hwp+zip"
_CONTENT_HPF = "Contents/content.hpf"
# Section parts are named section0.xml, section1.xml … when the spine cannot be used.
_SECTION_NAME = re.compile(r"^Contents/section(\d+)\.xml$")
# Inline elements inside <hp:t> that stand for characters.
_INLINE_TEXT = {"tab": "\t", "lineBreak": "\n", "fwSpace": " ", "nbSpace": " "}


def is_hwpx(archive: SafeZip) -> bool:
    """Tell whether a ZIP is an HWPX package by its mimetype member."""
    return "mimetype" in archive.names() and archive.read("mimetype").strip() == MIMETYPE


def extract(data: bytes, limits: Limits | None = None) -> Extraction:
    """Return every paragraph of every section, in reading order, one paragraph a line."""
    limits = limits or Limits()
    archive = SafeZip(data, limits)
    warnings: list[str] = []
    lines: list[str] = []
    names = _section_names(archive, warnings)
    # A spine naming one part thousands of times unpacks it thousands of times: refuse it
    # before reading any, as a section count past the bound.
    if len(names) > limits.max_sections or len(set(names)) != len(names):
        raise too_many_sections(len(names), limits.max_sections)
    budget = TextBudget(limits.max_chars)
    for name in names:
        lines.extend(budget.take(_paragraphs(parse_xml(archive.read(name), name))))
    return Extraction(
        text="\n".join(lines), extractor="hwpx-zip", file_type="hwpx", warnings=warnings
    )


def _section_names(archive: SafeZip, warnings: list[str]) -> list[str]:
    """Return section part names in the spine's order, else in numeric order."""
    names = archive.names()
    numbered = sorted(
        (int(match[1]), name) for name in names if (match := _SECTION_NAME.match(name))
    )
    fallback = [name for _, name in numbered]
    if _CONTENT_HPF not in names:
        warnings.append("content.hpf가 없어 구역 순서를 파일 이름으로 정했습니다.")
        return fallback
    spine = _spine(parse_xml(archive.read(_CONTENT_HPF), _CONTENT_HPF))
    sections = [href for href in spine if href in names and _SECTION_NAME.match(href)]
    return sections or fallback


def _spine(package: Element) -> list[str]:
    """Return the hrefs of the package's spine items, in spine order."""
    hrefs = {
        item.get("id"): item.get("href", "")
        for item in package.iter()
        if local_name(item) == "item"
    }
    return [
        hrefs.get(ref.get("idref"), "") for ref in package.iter() if local_name(ref) == "itemref"
    ]


def _paragraphs(section: Element) -> list[str]:
    """Return each <hp:p>'s own text; paragraphs nested in tables follow their parent."""
    return [_own_text(p) for p in section.iter() if local_name(p) == "p"]


def _own_text(paragraph: Element) -> str:
    """Join the <hp:t> runs that belong to this paragraph and not to nested ones."""
    parts = []
    for run in paragraph:
        if local_name(run) != "run":
            continue
        for t in run:
            if local_name(t) == "t":
                parts.append(_t_text(t))
    return "".join(parts)


def _t_text(t: Element) -> str:
    """Return a <hp:t>'s text with tabs and line breaks written out."""
    parts = [t.text or ""]
    for child in t:
        parts.append(_INLINE_TEXT.get(local_name(child), ""))
        parts.append(child.tail or "")
    return "".join(parts)
