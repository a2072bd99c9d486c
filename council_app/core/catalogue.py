"""Mark Korean text for the translation catalogue where it is written, not where it is shown."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue only: Python keeps the Korean, templates translate it."""
    return message
