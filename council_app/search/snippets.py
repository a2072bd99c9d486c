"""Highlighted, HTML-safe excerpts of utterances around the words a query matched."""

import html
import re

SNIPPET_CHARS = 160
_LEAD_CHARS = 40


def match_pattern(needles) -> re.Pattern[str] | None:
    """Compile needles into one pattern that ignores case and spacing between letters."""
    parts = {_spacing_insensitive(n) for n in needles if n.strip()}
    if not parts:
        return None
    # Longest first, so 회의록을 wins over 회의록 at the same place.
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


def _spacing_insensitive(needle: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in needle if not ch.isspace())


def snippet(text: str, pattern: re.Pattern[str] | None) -> str:
    """Return an escaped excerpt of text with ``<mark>`` around each match."""
    matches = list(pattern.finditer(text)) if pattern else []
    start = max(matches[0].start() - _LEAD_CHARS, 0) if matches else 0
    end = min(start + SNIPPET_CHARS, len(text))
    pieces = ["…"] if start else []
    cursor = start
    for match in matches:
        if match.start() >= end:
            break
        stop = min(match.end(), end)
        pieces += [html.escape(text[cursor : match.start()]), "<mark>"]
        pieces += [html.escape(text[match.start() : stop]), "</mark>"]
        cursor = stop
    pieces.append(html.escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    """Return the whole text escaped, with ``<mark>`` around each match of pattern."""
    if pattern is None:
        return html.escape(text)
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        pieces += [html.escape(text[cursor : match.start()]), "<mark>"]
        pieces += [html.escape(match.group()), "</mark>"]
        cursor = match.end()
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)
