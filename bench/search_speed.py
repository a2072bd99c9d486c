"""Indexing throughput, query latency, index size and serving RSS: Whoosh vs SQLite FTS5.

Run: python bench/search_speed.py --scale 200000 [--procs 2] [--index DIR] [--engines whoosh]

With ``--index DIR`` the built indexes are kept in DIR and reused by the next run of the
same scale, so query timings can be repeated without indexing again (which then reports
no indexing throughput).

The scaled corpus is made of real sentences only: the corpus utterances and the committee
speeches, recombined into new utterances of one to four sentences with a fixed seed.
"""

import argparse
import csv
import gzip
import json
import multiprocessing
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import corpus_dir, load_utterances  # noqa: E402

from council_app.search import variants  # noqa: E402
from council_app.search.index import SearchFilters, SearchIndex  # noqa: E402
from council_app.search.query import parse_query  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.?!])\s*")
REPEATS = 3


def base_utterances() -> list[dict]:
    """Return the turn-split minutes plus the committee speeches, as utterance rows."""
    rows = [{"speaker": u["speaker"], "text": u["text"]} for u in load_utterances()]
    with gzip.open(corpus_dir() / "committee-speeches" / "speeches.csv.gz", "rt") as f:
        rows += [{"speaker": r["speaker"], "text": r["speech"]} for r in csv.DictReader(f)]
    return rows


def scaled_utterances(size: int, seed: int = 246) -> list[dict]:
    """Return the real utterances, then recombined real sentences, up to size rows."""
    base = base_utterances()
    sentences = [s for row in base for s in _SENTENCE_END.split(row["text"]) if s.strip()]
    rng = random.Random(seed)
    rows = base[:size]
    while len(rows) < size:
        start = rng.randrange(len(sentences))
        text = " ".join(sentences[start : start + rng.randint(1, 4)])
        rows.append({"speaker": rng.choice(base)["speaker"], "text": text})
    dates = [f"20{y:02d}-{m:02d}-15" for y in range(15, 25) for m in range(1, 13)]
    kind = _labeller()
    return [
        {
            **row,
            "kind": kind(row["speaker"], row["text"]),
            "minutes_id": n // 200 + 1,
            "order": n % 200 + 1,
            "body": "plenary",
            "session": 300 + n // 2000,
            "term": 9,
            "date": dates[(n // 200) % len(dates)],
        }
        for n, row in enumerate(rows)
    ]


def _labeller():
    """Label turns speech or procedural as parsing does (issue 21), where the code can."""
    try:
        from council_app.minutes.procedure import is_procedural
    except ImportError:
        return lambda speaker, text: "speech"
    return lambda speaker, text: "procedural" if is_procedural(speaker, None, text) else "speech"


def load_queries() -> list[dict]:
    """Return the quality-bench queries (text and optional speaker)."""
    path = Path(__file__).with_name("search_queries.json")
    return json.loads(path.read_text(encoding="utf-8"))


def dir_size(path: Path) -> int:
    """Return the bytes of all files under path."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_whoosh(path: Path, rows: list[dict], procs: int) -> float:
    """Index rows with the app's SearchIndex; return seconds taken (0 if reused)."""
    index = SearchIndex(path)
    if index.is_current() and index.open().doc_count() == len(rows):
        return 0.0
    started = time.perf_counter()
    SearchIndex(path).create().add_utterances(rows, procs=procs)
    return time.perf_counter() - started


def build_fts5(path: Path, rows: list[dict]) -> float:
    """Index rows in SQLite FTS5 with the trigram tokenizer; return seconds taken (0 if reused)."""
    if path.exists():
        db = sqlite3.connect(path)
        try:
            if db.execute("SELECT count(*) FROM u").fetchone()[0] == len(rows):
                return 0.0
        except sqlite3.Error:
            pass
        finally:
            db.close()
        path.unlink()
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE u USING fts5(text, speaker UNINDEXED, tokenize='trigram')")
    db.executemany(
        "INSERT INTO u(text, speaker) VALUES (?, ?)", ((r["text"], r["speaker"]) for r in rows)
    )
    db.commit()
    db.close()
    return time.perf_counter() - started


def fts5_statement(query: str, speaker: str | None) -> tuple[str, list[str]]:
    """Translate a query into FTS5 MATCH (words of 3+ characters) plus LIKE for the rest."""
    words = [t.text for c in parse_query(query).clauses for t in c.terms if not c.negated]
    long_words = [w for w in words if len(w) >= 3]
    where, params = [], []
    if long_words:
        where.append("u MATCH ?")
        params.append(" AND ".join('"{}"'.format(w.replace('"', '""')) for w in long_words))
    for word in (w for w in words if len(w) < 3):
        where.append("text LIKE ?")
        params.append(f"%{word}%")
    if speaker:
        where.append("speaker LIKE ?")
        params.append(f"%{speaker}%")
    order = " ORDER BY bm25(u)" if long_words else ""
    # Only constant fragments are joined into the SQL; user text is always bound.
    sql = f"SELECT rowid FROM u WHERE {' AND '.join(where)}{order} LIMIT 10"  # noqa: S608
    return sql, params


def serve(engine: str, path: str, queries: list[dict], results) -> None:
    """Open the index in a fresh process, time every query, report latencies and RSS."""
    if engine == "whoosh":
        # As the app searches: other spellings of each word, then suggestions for the query.
        index = SearchIndex(path, variants=variants.load()).open()
        started = time.perf_counter()
        # As the app's catch-up thread does before the first search (where it can).
        index.prepare_columns()
        index.prepare_speller()
        print(
            f"speller of {len(index._speller[1])} words built in {time.perf_counter() - started:.1f} s"
        )

        def run(item):
            index.search(item["query"], SearchFilters(speaker=item.get("speaker")), per_page=10)
            index.suggest(item["query"])
    else:
        db = sqlite3.connect(path)

        def run(item):
            db.execute(*fts5_statement(item["query"], item.get("speaker"))).fetchall()

    run(queries[0])  # warm-up: lazy imports and the analyzer's dictionary
    timings = []
    for _ in range(REPEATS):
        for item in queries:
            started = time.perf_counter()
            run(item)
            timings.append((time.perf_counter() - started) * 1000)
    memory = psutil.Process().memory_info()
    # Resident pages of mapped files (the index's .keys files, libraries) are the kernel's
    # page cache, shared by every process that maps them: told apart from the rest.
    results.put((timings, (memory.rss, getattr(memory, "shared", 0))))


def measure_serving(engine: str, path: Path, queries: list[dict]) -> tuple[list[float], int]:
    """Run ``serve`` in a spawned process so RSS excludes the indexing process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=serve, args=(engine, str(path), queries, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


def report(name: str, megabytes: float, seconds: float, size: int, timings, rss) -> None:
    """Print one engine's figures."""
    p95 = statistics.quantiles(timings, n=20)[-1]
    speed = (
        f"{megabytes / seconds:6.2f} MB/s ({seconds:7.1f} s)" if seconds else "reused" + " " * 20
    )
    print(
        f"{name:32} index {speed}  "
        f"query median {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  "
        f"size {size / 1e6:7.1f} MB  serving RSS {rss[0] / 1e6:6.1f} MB "
        f"({rss[1] / 1e6:.1f} MB of it shared file pages)"
    )


def main():
    """Build both engines over the scaled corpus and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200_000, help="utterances to index")
    parser.add_argument("--procs", type=int, default=2, help="Whoosh indexing processes")
    parser.add_argument("--workdir", help="where to build (default: a temporary folder)")
    parser.add_argument(
        "--index", help="where to build and keep the indexes, reused by the next run"
    )
    parser.add_argument(
        "--engines", default="whoosh,fts5", help="comma-separated: whoosh, fts5 (default both)"
    )
    args = parser.parse_args()
    engines = set(args.engines.split(","))
    rows = scaled_utterances(args.scale)
    megabytes = sum(len(r["text"].encode()) for r in rows) / 1e6
    queries = load_queries()
    print(
        f"{len(rows)} utterances, {megabytes:.1f} MB of text, {len(queries)} queries "
        f"x {REPEATS}, whoosh procs={args.procs}"
    )
    kept = args.index or args.workdir
    workdir = Path(kept or tempfile.mkdtemp(prefix="search-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        whoosh_dir, fts5_file = workdir / "whoosh", workdir / "fts5.sqlite"
        if not args.index:
            # --workdir builds afresh; only --index reuses what a previous run left.
            shutil.rmtree(whoosh_dir, ignore_errors=True)
            fts5_file.unlink(missing_ok=True)
        if "whoosh" in engines:
            seconds = build_whoosh(whoosh_dir, rows, args.procs)
            timings, rss = measure_serving("whoosh", whoosh_dir, queries)
            report(
                "whoosh (bigrams + morphemes)",
                megabytes,
                seconds,
                dir_size(whoosh_dir),
                timings,
                rss,
            )
        if "fts5" in engines:
            seconds = build_fts5(fts5_file, rows)
            timings, rss = measure_serving("fts5", fts5_file, queries)
            report(
                "sqlite fts5 trigram", megabytes, seconds, fts5_file.stat().st_size, timings, rss
            )
    finally:
        if not kept:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
