"""Where the shared corpus of real minutes lies, and what a test does when it is missing.

Outside CI a test that needs the corpus is skipped with the reason; in CI (``CI`` set) it
fails, because a green run must not hide that it read no real minutes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = Path(os.environ.get("COUNCIL_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))


def require_corpus(*parts: str) -> Path:
    """Return a path inside the corpus; skip (or in CI fail) the test when it is missing."""
    path = CORPUS_DIR.joinpath(*parts)
    if not path.exists():
        message = f"shared corpus not found at {path} (set COUNCIL_CORPUS_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
