"""Locate the shared corpus of real minutes; tests that need it skip when it is absent."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Return the corpus folder (COUNCIL_CORPUS_DIR or ../shared/corpus), else skip."""
    folder = Path(os.environ.get("COUNCIL_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {folder}")
    return folder
