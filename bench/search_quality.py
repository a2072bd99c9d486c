"""Recall@10 and MRR of minutes search over the real corpus, per analyzer; nDCG@10 of topics.

Run: python bench/search_quality.py [--queries bench/search_queries.json]
                                    [--topics bench/search_topics.json] [--before main]

Relevant utterances in the query file were judged from the text itself (the excerpt in
each entry shows why), never from the output of an engine measured here. The topic file
(``bench/judge_topics.py``) grades every turn holding each topic word: 2 discusses the
topic, 1 mentions it, 0 a procedural formula or the word only inside a name.

For the topics it prints nDCG@10 and the share of topics whose first three hits hold a
grade-2 turn, today's ranking (the app's code at git revision ``--before``, run in a
subprocess) beside this checkout's, and the recall set's figures for both.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import QueryParser

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
# Another revision's app code (``--before``) is put first on the path by the parent run.
sys.path.insert(0, os.environ.get("COUNCIL_BENCH_CODE", str(REPO_ROOT)))

from corpus import corpus_dir, load_utterances  # noqa: E402

from council_app.search.index import SearchFilters, SearchIndex  # noqa: E402

TOP = 10
#: Hits in which a grade-2 turn is wanted.
FIRST = 3
_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")


def as_index_rows(utterances):
    """Number each corpus file so utterances get the minutes_id/order the index expects.

    Each turn is labelled as parsing labels it (when this checkout's code can) and dated
    by its minutes' cover, as the app's index has them.
    """
    files = {name: n for n, name in enumerate(sorted({u["file"] for u in utterances}), 1)}
    dates = {name: _file_date(name) for name in files}
    kind = _labeller()
    return [
        {
            "minutes_id": files[u["file"]],
            "order": u["turn"],
            "text": u["text"],
            "speaker": u["speaker"],
            "body": "plenary",
            "uid": u["key"],
            "date": dates[u["file"]],
            "kind": kind(u["speaker"], u["text"]),
        }
        for u in utterances
    ]


def _labeller():
    try:
        from council_app.minutes.procedure import is_procedural
    except ImportError:  # a revision from before the labels
        return lambda speaker, text: "speech"
    return lambda speaker, text: "procedural" if is_procedural(speaker, None, text) else "speech"


def _file_date(name: str) -> str:
    """Return the ISO date on a minutes file's cover (or in its name), or ''."""
    for folder in ("national-assembly/text", "city-council/text"):
        path = corpus_dir() / folder / f"{name}.txt"
        if path.exists():
            head = name + "\n" + "\n".join(path.read_text(encoding="utf-8").splitlines()[:15])
            if match := _DATE.search(head):
                return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return ""


class StandardEngine:
    """Whoosh's default StandardAnalyzer and query parser, as the baseline."""

    name = "whoosh StandardAnalyzer"

    def __init__(self, path, rows):
        schema = Schema(
            uid=ID(stored=True),
            text=TEXT(analyzer=StandardAnalyzer()),
            speaker=KEYWORD(lowercase=True),
        )
        self.ix = whoosh_index.create_in(path, schema)
        with self.ix.writer() as writer:
            for row in rows:
                writer.add_document(uid=row["uid"], text=row["text"], speaker=row["speaker"])
        self.parser = QueryParser("text", self.ix.schema)

    def top(self, query, speaker):
        speaker_filter = wq.Term("speaker", speaker) if speaker else None
        with self.ix.searcher() as searcher:
            hits = searcher.search(self.parser.parse(query), limit=TOP, filter=speaker_filter)
            return [hit["uid"] for hit in hits]


class CouncilEngine:
    """The app's SearchIndex, with or without the morpheme field."""

    def __init__(self, path, rows, morphemes):
        self.name = "ours: bigrams + morphemes" if morphemes else "ours: bigrams only"
        self.index = SearchIndex(path, morphemes=morphemes).create()
        self.index.add_utterances(rows)
        self.uids = {(r["minutes_id"], r["order"]): r["uid"] for r in rows}

    def top(self, query, speaker):
        result = self.index.search(query, SearchFilters(speaker=speaker), per_page=TOP)
        return [self.uids[(hit.minutes_id, hit.order)] for hit in result.hits]


def score(engine, queries):
    """Return {kind: (recall@10, MRR, count)} with an "all" row."""
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    for item in queries:
        relevant = {r["key"] for r in item["relevant"]}
        top = engine.top(item["query"], item.get("speaker"))
        recall = len(relevant.intersection(top)) / min(TOP, len(relevant))
        rank = next((i for i, uid in enumerate(top, 1) if uid in relevant), None)
        for kind in (item["kind"], "all"):
            sums[kind][0] += recall
            sums[kind][1] += 1 / rank if rank else 0.0
            sums[kind][2] += 1
    return {kind: (r / n, m / n, n) for kind, (r, m, n) in sums.items()}


def graded(rankings: dict[str, list[str]], topics: list[dict]) -> tuple[float, float, int]:
    """Return (mean nDCG@10, share of topics with a grade-2 turn in the first three, count)."""
    ndcg = first = 0.0
    for item in topics:
        grades = {j["key"]: j["grade"] for j in item["judged"]}
        top = rankings[item["query"]][:TOP]
        dcg = sum((2 ** grades.get(uid, 0) - 1) / math.log2(i + 2) for i, uid in enumerate(top))
        ideal = sorted(grades.values(), reverse=True)[:TOP]
        best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg += dcg / best if best else 0.0
        first += any(grades.get(uid) == 2 for uid in top[:FIRST])
    return ndcg / len(topics), first / len(topics), len(topics)


def rankings_of(engine, queries, topics) -> dict:
    """Return the engine's top uids per recall query (with its speaker) and per topic."""
    return {
        "recall": [engine.top(item["query"], item.get("speaker")) for item in queries],
        "topics": {item["query"]: engine.top(item["query"], None) for item in topics},
    }


def rankings_at(revision: str, args) -> dict:
    """Run this script on the app code of a git revision; return its rankings."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", revision, "council_app"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as code:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(code, filter="data")
        run = subprocess.run(
            [sys.executable, __file__, "--rankings", "--queries", str(args.queries)]
            + ["--topics", str(args.topics)],
            env={**os.environ, "COUNCIL_BENCH_CODE": code},
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(run.stdout)


def main():
    """Build each engine over the corpus and print recall@10 and MRR side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=Path(__file__).with_name("search_queries.json"))
    parser.add_argument("--topics", default=Path(__file__).with_name("search_topics.json"))
    parser.add_argument("--before", default="main", help="git revision of today's ranking")
    parser.add_argument("--rankings", action="store_true", help="print the app's rankings")
    args = parser.parse_args()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    topics = json.loads(Path(args.topics).read_text(encoding="utf-8"))
    rows = as_index_rows(load_utterances())
    if args.rankings:
        with tempfile.TemporaryDirectory() as tmp:
            engine = CouncilEngine(tmp, rows, morphemes=True)
            print(json.dumps(rankings_of(engine, queries, topics)))
        return
    print(f"corpus {corpus_dir()}: {len(rows)} utterances, {len(queries)} queries")
    with tempfile.TemporaryDirectory() as tmp:
        builders = [
            lambda p: StandardEngine(p, rows),
            lambda p: CouncilEngine(p, rows, morphemes=False),
            lambda p: CouncilEngine(p, rows, morphemes=True),
        ]
        table = {}
        for n, build in enumerate(builders):
            path = Path(tmp, str(n))
            path.mkdir()
            started = time.perf_counter()
            engine = build(str(path))
            table[engine.name] = score(engine, queries)
            print(f"built and queried {engine.name} in {time.perf_counter() - started:.1f} s")
        now = rankings_of(engine, queries, topics)
    before = rankings_at(args.before, args)
    table[f"today ({args.before})"] = score(_Replay(queries, before["recall"]), queries)
    print_table(table)
    print_topics(
        {
            f"today ({args.before})": graded(before["topics"], topics),
            engine.name: graded(now["topics"], topics),
        }
    )


class _Replay:
    """An engine that answers each query with rankings found earlier, in the same order."""

    def __init__(self, queries, rankings):
        self._answers = iter(rankings)

    def top(self, query, speaker):
        return next(self._answers)


def print_topics(table: dict) -> None:
    """Print nDCG@10 and the share with a grade-2 turn in the first three, per ranking."""
    print(f"\n{'topic queries':32}{'n':>4}  {'nDCG@10':>8}  {'grade 2 in top 3':>17}")
    for name, (ndcg, first, count) in table.items():
        print(f"{name:32}{count:>4}  {ndcg:8.3f}  {first:17.3f}")


def print_table(table):
    """Print one row per query kind, recall@10 / MRR per engine."""
    names = list(table)
    print(f"\n{'kind':14}{'n':>4}  " + "  ".join(f"{name:>32}" for name in names))
    for kind in sorted(table[names[0]], key=lambda k: (k == "all", k)):
        cells = "  ".join(_cell(*table[name][kind][:2]) for name in names)
        print(f"{kind:14}{table[names[0]][kind][2]:>4}  {cells}")


def _cell(recall, mrr):
    return f"{f'R@10 {recall:.3f}  MRR {mrr:.3f}':>32}"


if __name__ == "__main__":
    main()
