"""Recall@10 and MRR of minutes search over the real corpus, per analyzer.

Run: python bench/search_quality.py [--queries bench/search_queries.json]

Relevant utterances in the query file were judged from the text itself (the excerpt in
each entry shows why), never from the output of an engine measured here.
"""

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import QueryParser

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import corpus_dir, load_utterances  # noqa: E402

from council_app.search.index import SearchFilters, SearchIndex  # noqa: E402

TOP = 10


def as_index_rows(utterances):
    """Number each corpus file so utterances get the minutes_id/order the index expects."""
    files = {name: n for n, name in enumerate(sorted({u["file"] for u in utterances}), 1)}
    return [
        {
            "minutes_id": files[u["file"]],
            "order": u["turn"],
            "text": u["text"],
            "speaker": u["speaker"],
            "body": "plenary",
            "uid": u["key"],
        }
        for u in utterances
    ]


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


def main():
    """Build each engine over the corpus and print recall@10 and MRR side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=Path(__file__).with_name("search_queries.json"))
    args = parser.parse_args()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    rows = as_index_rows(load_utterances())
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
    print_table(table)


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
