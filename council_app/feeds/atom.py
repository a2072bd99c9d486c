"""Atom (RFC 4287) documents, written with the standard library's ElementTree.

ElementTree escapes every text and attribute; what it cannot make safe are the characters
XML 1.0 forbids outright (most control characters), which a minutes file may still carry, so
they are dropped here. Times are written in KST with their offset, as RFC 3339 wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree

from ..core.time import as_kst

NAMESPACE = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
#: Characters XML 1.0 does not allow anywhere, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One entry: ``id`` a tag URI that never changes, ``html`` safe HTML or None."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""
    html: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed: its own address (``self_link``) and the page it follows (``link``)."""

    id: str
    title: str
    updated: datetime
    self_link: str
    link: str
    author: str
    entries: list[Entry] = field(default_factory=list)
    language: str = "ko"


def document(feed: Feed) -> bytes:
    """Return the feed as an Atom document in UTF-8."""
    ElementTree.register_namespace("", NAMESPACE)
    root = ElementTree.Element(_tag("feed"), {"xml:lang": feed.language})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", _moment(feed.updated))
    ElementTree.SubElement(
        root, _tag("link"), rel="self", href=feed.self_link, type="application/atom+xml"
    )
    ElementTree.SubElement(root, _tag("link"), rel="alternate", href=feed.link, type="text/html")
    _text(ElementTree.SubElement(root, _tag("author")), "name", feed.author)
    for entry in feed.entries:
        element = ElementTree.SubElement(root, _tag("entry"))
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", _moment(entry.updated))
        ElementTree.SubElement(
            element, _tag("link"), rel="alternate", href=entry.link, type="text/html"
        )
        if entry.category:
            ElementTree.SubElement(element, _tag("category"), term=_clean(entry.category))
        if entry.summary:
            _text(element, "summary", entry.summary)
        if entry.html is not None:
            _text(element, "content", entry.html).set("type", "html")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def tag_uri(domain: str, day: datetime, specific: str) -> str:
    """Return a tag URI (RFC 4151), e.g. ``tag:minutes.example.kr,2023-06-09:minutes/12/v2``."""
    return f"tag:{domain},{as_kst(day).date().isoformat()}:{specific}"


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _text(parent, name: str, value: str):
    element = ElementTree.SubElement(parent, _tag(name))
    element.text = _clean(value)
    return element


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _moment(moment: datetime) -> str:
    return as_kst(moment).isoformat(timespec="seconds")
