"""Utterances of the shared real corpus, split on the speaker-turn markers."""

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("national-assembly/text", "city-council/text")

# A turn opens with ◯ (U+25EF, National Assembly) or ○ (U+25CB, local councils), then a
# two-word label (직위 이름 or 이름 의원) and any Unicode space before the speech.
_TURN = re.compile(r"^[◯○](\S+\s\S+?)(?:\s+(.*))?$")
# Stage directions and layout residue, not speech: (10시31분 회의중지), <그림>.
_NOT_SPEECH = re.compile(r"^\s*[(<]")


def corpus_dir() -> Path:
    """Return the corpus folder from COUNCIL_CORPUS_DIR or beside the repository."""
    return Path(os.environ.get("COUNCIL_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))


def load_utterances(root: Path | None = None) -> list[dict]:
    """Return every utterance as a dict with key, file, turn, speaker and text."""
    root = root or corpus_dir()
    utterances = []
    for source in SOURCES:
        for path in sorted((root / source).glob("*.txt")):
            utterances += _split_turns(path)
    return utterances


def _split_turns(path: Path) -> list[dict]:
    turns: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _TURN.match(line)
        if match:
            turns.append(
                {
                    "key": f"{path.stem}#{len(turns) + 1}",
                    "file": path.stem,
                    "turn": len(turns) + 1,
                    "speaker": match[1].replace("\u2003", " "),
                    "text": (match[2] or "").strip(),
                }
            )
        elif turns and line.strip() and not _NOT_SPEECH.match(line):
            turns[-1]["text"] += "\n" + line.strip()
    return turns
