"""Measure extraction and parsing throughput on the shared corpus, and turn recognition.

Run from the repository root: python bench/minutes_extract.py [CORPUS_DIR]
"""

import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from council_app.minutes.extract import ExtractionError, detect_type, extract_text  # noqa: E402
from council_app.minutes.parse import MARKERS, normalise, parse_minutes, reconstruct  # noqa: E402

MB = 1024 * 1024
# Independent ground truth: a marker, a label, a wide space, then words.
_WIDE_SPACE = re.compile(r"\S(?:\s{2,}|[\u00a0\u2003\u3000])\S")
RECOGNITION_SETS = {
    "national-assembly text": "national-assembly/text/*.txt",
    "city-council text": "city-council/text/*.txt",
    "national-assembly hwp": "national-assembly/hwp/*.hwp",
    "pdf": "pdf/*.pdf",
}


def corpus_dir() -> Path:
    """Return the corpus folder from argv, COUNCIL_CORPUS_DIR or ../shared/corpus."""
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    return Path(os.environ.get("COUNCIL_CORPUS_DIR", default))


def speaker_lines(text: str) -> tuple[int, int]:
    """Return (lines starting with a marker, of those the ones shaped like a speaker line)."""
    marked = [line for line in normalise(text).split("\n") if line[:1] and line[0] in MARKERS]
    return len(marked), sum(1 for line in marked if _WIDE_SPACE.search(line[:60]))


def bench_extraction(corpus: Path) -> dict[Path, str]:
    """Print per-format extraction throughput in this process; return the texts."""
    stats = defaultdict(lambda: [0, 0, 0.0, 0])  # files, bytes, seconds, refused
    texts = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if path.suffix not in {".hwp", ".hwpx", ".pdf", ".txt"}:
            continue
        data = path.read_bytes()
        started = time.perf_counter()
        file_type = detect_type(data, path.name)
        try:
            texts[path] = extract_text(data, path.name, max_seconds=None).text
        except ExtractionError:
            stats[file_type][3] += 1
        row = stats[file_type]
        row[0] += 1
        row[1] += len(data)
        row[2] += time.perf_counter() - started
    print("extraction (in process)")
    print(f"  {'format':<6} {'files':>5} {'refused':>7} {'MB':>7} {'seconds':>8} {'MB/s':>7}")
    for file_type, (files, size, seconds, refused) in sorted(stats.items()):
        rate = size / MB / seconds
        print(
            f"  {file_type:<6} {files:>5} {refused:>7} {size / MB:>7.2f} {seconds:>8.2f} "
            f"{rate:>7.2f}"
        )
    return texts


def bench_sandbox(corpus: Path) -> None:
    """Print the cost of running one small extraction in the time-limited child."""
    data = (corpus / "national-assembly/hwp/제340회 제1차(2016년02월10일).hwp").read_bytes()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        extract_text(data, "minutes.hwp", max_seconds=30)
        runs.append(time.perf_counter() - started)
    print(f"sandboxed extract_text of a 40 KB HWP: median {sorted(runs)[2] * 1000:.0f} ms")


def bench_parsing(corpus: Path, texts: dict[Path, str]) -> None:
    """Print parsing throughput and recognition per corpus set."""
    print("parsing and recognition")
    header = f"  {'set':<24} {'files':>5} {'MB':>6} {'MB/s':>6} {'marker':>7}"
    print(header + f" {'speaker':>8} {'found':>6} {'recall':>7} lossless")
    for name, pattern in RECOGNITION_SETS.items():
        paths = sorted(p for p in corpus.glob(pattern) if p in texts)
        marked = expected = found = size = 0
        seconds = 0.0
        lossless = True
        for path in paths:
            text = texts[path]
            started = time.perf_counter()
            parsed = parse_minutes(text)
            seconds += time.perf_counter() - started
            size += len(text.encode())
            lossless &= reconstruct(parsed) == normalise(text)
            found += sum(1 for u in parsed.utterances if not u.continued)
            file_marked, file_expected = speaker_lines(text)
            marked += file_marked
            expected += file_expected
        recall = found / expected if expected else 0.0
        print(
            f"  {name:<24} {len(paths):>5} {size / MB:>6.2f} {size / MB / seconds:>6.1f} "
            f"{marked:>7} {expected:>8} {found:>6} {recall:>7.2%} {lossless}"
        )


def main() -> None:
    """Run every measurement on the corpus."""
    corpus = corpus_dir()
    if not corpus.is_dir():
        sys.exit(f"corpus not found: {corpus}")
    texts = bench_extraction(corpus)
    bench_sandbox(corpus)
    bench_parsing(corpus, texts)


if __name__ == "__main__":
    main()
